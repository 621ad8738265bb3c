package dev.weft.sync;

import dev.weft.internal.Durations;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.AbstractQueuedSynchronizer;

/**
 * Waits for a collection of tasks to finish, in the manner of Go's {@code sync.WaitGroup}.
 *
 * {@snippet :
 * WaitGroup group = new WaitGroup();
 * for (String url : urls) {
 *   group.go(() -> fetch(url));      // add(1), run on a new virtual thread, done()
 * }
 * group.await();
 * }
 *
 * <p>The group holds a counter. {@link #add(int)} changes it, {@link #done()} decrements it, and
 * {@link #await()} blocks until it is zero. A change that would make the counter negative throws
 * {@link IllegalStateException} and leaves the counter unchanged. Once the counter is back at zero
 * the group can be used again; as in Go, calls to {@code add} with a positive delta that start from
 * zero should happen before the {@code await} they are meant to hold up.
 *
 * <p><b>Memory visibility.</b> Actions in a thread before it calls {@code add} or {@code done}
 * happen-before the return of any {@code await} that observes the resulting zero.
 *
 * <p><b>Threads.</b> {@code await} parks; a waiting virtual thread does not pin its carrier. All
 * methods are safe to call from any thread.
 */
public final class WaitGroup {
  /*
   * Implementation overview. The counter is a long updated by one atomic instruction: getAndAdd
   * for increments (which cannot make it negative) and a compare-and-set loop for decrements (which
   * must refuse to go below zero without ever publishing a negative value). Waiters queue in an
   * AbstractQueuedSynchronizer whose acquire condition is "counter == 0"; the decrement that reaches
   * zero calls releaseShared, which wakes the queue. Both sides use volatile (sequentially
   * consistent) accesses: the waiter enqueues, then re-reads the counter; the releaser writes the
   * counter, then reads the queue; so at least one of them sees the other. This mirrors Go's
   * WaitGroup, which keeps counter and waiter count in one 64-bit word and wakes waiters through a
   * semaphore.
   */
  private static final VarHandle COUNT;

  static {
    try {
      COUNT = MethodHandles.lookup().findVarHandle(WaitGroup.class, "count", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private static final AtomicLong THREAD_SEQUENCE = new AtomicLong();

  // Accessed only through COUNT, always in volatile or compare-and-set mode.
  private volatile long count;

  private final Waiters waiters = new Waiters();

  /** Creates a wait group with a zero counter. */
  public WaitGroup() {}

  /**
   * Adds {@code delta}, which may be negative, to the counter. If the counter becomes zero, every
   * thread blocked in {@link #await()} is released.
   *
   * @param delta the change
   * @throws IllegalStateException if the counter would become negative; the counter is unchanged
   */
  public void add(int delta) {
    if (delta > 0) {
      COUNT.getAndAdd(this, (long) delta);
    } else if (delta < 0) {
      subtract(delta);
    }
  }

  /** Decrements the counter by one, like {@code add(-1)}. */
  public void done() {
    subtract(-1);
  }

  private void subtract(int negativeDelta) {
    long current = (long) COUNT.getVolatile(this);
    while (true) {
      long next = current + negativeDelta;
      if (next < 0) {
        throw new IllegalStateException(
            "WaitGroup counter would go negative: " + current + " + " + negativeDelta);
      }
      long witness = (long) COUNT.compareAndExchange(this, current, next);
      if (witness == current) {
        if (next == 0) {
          waiters.releaseShared(0);
        }
        return;
      }
      current = witness;
    }
  }

  /**
   * Blocks until the counter is zero.
   *
   * @throws InterruptedException if interrupted while waiting
   */
  public void await() throws InterruptedException {
    waiters.acquireSharedInterruptibly(0);
  }

  /**
   * Blocks until the counter is zero or the timeout elapses.
   *
   * @param timeout how long to wait at most; zero or negative means do not wait
   * @return true if the counter reached zero, false on timeout
   * @throws InterruptedException if interrupted while waiting
   */
  public boolean await(Duration timeout) throws InterruptedException {
    return waiters.tryAcquireSharedNanos(0, Durations.toNanos(timeout));
  }

  /**
   * Adds one to the counter, runs {@code task} on a new virtual thread, and calls {@link #done()}
   * when the task ends, normally or by an exception. An exception from the task goes to the
   * thread's uncaught-exception handler; use {@link ErrGroup} to collect failures instead.
   *
   * @param task the work to run
   */
  public void go(Runnable task) {
    Objects.requireNonNull(task, "task");
    add(1);
    try {
      Thread.ofVirtual()
          .name("weft-waitgroup-" + THREAD_SEQUENCE.incrementAndGet())
          .start(
              () -> {
                try {
                  task.run();
                } finally {
                  done();
                }
              });
    } catch (RuntimeException | Error e) {
      done(); // the thread never started: nothing else will count it down
      throw e;
    }
  }

  /**
   * Returns the counter now; for monitoring and tests, not for synchronisation.
   *
   * @return the current counter
   */
  public long count() {
    return (long) COUNT.getVolatile(this);
  }

  @Override
  public String toString() {
    return "WaitGroup[count=" + count() + "]";
  }

  /** The queue of threads blocked in await: they may pass once the counter is zero. */
  private final class Waiters extends AbstractQueuedSynchronizer {
    private static final long serialVersionUID = 1L;

    @Override
    protected int tryAcquireShared(int ignored) {
      return count() == 0 ? 1 : -1;
    }

    @Override
    protected boolean tryReleaseShared(int ignored) {
      return true;
    }
  }
}
