package dev.weft.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The threads of one test: started by name on a chosen {@link ThreadKind}, joined with a timeout,
 * and any exception they throw rethrown in the test's thread, so that no test leaves a thread
 * behind or loses a failure.
 *
 * {@snippet :
 * try (Workers workers = new Workers(kind)) {
 *   workers.start("sender", () -> channel.send(1));
 *   assertEquals(1, channel.receive());
 * } // joins; fails if a worker threw or is still running after the timeout
 * }
 *
 * <p>Not thread-safe: start and join workers from the test's thread only.
 */
public final class Workers implements AutoCloseable {
  /** A worker's body, which may throw. */
  @FunctionalInterface
  public interface Body {
    /**
     * Runs the worker.
     *
     * @throws Exception to fail the test
     */
    void run() throws Exception;
  }

  /** A worker's body that is told its index among {@link #startAll} workers. */
  @FunctionalInterface
  public interface IndexedBody {
    /**
     * Runs worker number {@code index}.
     *
     * @param index from 0 to the number of workers minus one
     * @throws Exception to fail the test
     */
    void run(int index) throws Exception;
  }

  private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

  private final ThreadKind kind;
  private final Duration timeout;
  private final List<Thread> threads = new ArrayList<>();
  private final ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();

  /**
   * Creates workers of {@code kind} that must finish within 30 seconds of {@link #joinAll()}.
   *
   * @param kind the kind of thread to start
   */
  public Workers(ThreadKind kind) {
    this(kind, DEFAULT_TIMEOUT);
  }

  /**
   * Creates workers of {@code kind} that must finish within {@code timeout} of {@link #joinAll()}.
   *
   * @param kind the kind of thread to start
   * @param timeout how long {@link #joinAll()} waits for them all
   */
  public Workers(ThreadKind kind, Duration timeout) {
    this.kind = kind;
    this.timeout = timeout;
  }

  /**
   * Starts a worker.
   *
   * @param name the thread's name, used in failure messages
   * @param body what it runs
   * @return the started thread
   */
  public Thread start(String name, Body body) {
    Thread t =
        kind.builder()
            .name(name)
            .unstarted(
                () -> {
                  try {
                    body.run();
                  } catch (Throwable e) {
                    failures.add(new AssertionError("worker " + name + " failed: " + e, e));
                  }
                });
    threads.add(t);
    t.start();
    return t;
  }

  /**
   * Starts {@code count} workers named {@code prefix-0}, {@code prefix-1}, ...
   *
   * @param prefix the start of each thread's name
   * @param count how many to start
   * @param body what each runs, given its index
   */
  public void startAll(String prefix, int count, IndexedBody body) {
    for (int i = 0; i < count; i++) {
      int index = i;
      start(prefix + "-" + i, () -> body.run(index));
    }
  }

  /**
   * Waits until {@code thread} is blocked (parked, waiting or sleeping), failing after 10 seconds
   * or if it ends first. Use it to be sure that a worker has started to wait before the test
   * releases or interrupts it.
   *
   * @param thread the thread to watch
   * @throws InterruptedException if the test's thread is interrupted
   */
  public static void awaitBlocked(Thread thread) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (true) {
      Thread.State s = thread.getState();
      if (s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING) {
        return;
      }
      if (s == Thread.State.TERMINATED) {
        throw new AssertionError(thread.getName() + " ended instead of blocking");
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(thread.getName() + " did not block; state " + s);
      }
      Thread.sleep(1);
    }
  }

  /**
   * Joins every worker started so far. Fails with an {@link AssertionError} if one is still alive
   * after the timeout (after interrupting them all) or if any worker threw; the first failure is
   * thrown with the others suppressed.
   *
   * @throws InterruptedException if the test's thread is interrupted
   */
  public void joinAll() throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<String> stuck = new ArrayList<>();
    for (Thread t : threads) {
      // join can return a moment before isAlive() turns false (seen with virtual threads, whose
      // termination is signalled before their state is final): join again until the deadline
      while (t.isAlive()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          break;
        }
        if (!t.join(Duration.ofNanos(left))) {
          break;
        }
        if (t.isAlive()) {
          Thread.onSpinWait();
        }
      }
      if (t.isAlive()) {
        stuck.add(t.getName() + " " + t.getState());
      }
    }
    if (!stuck.isEmpty()) {
      threads.forEach(Thread::interrupt);
      AssertionError e =
          new AssertionError("workers still running after " + timeout + ": " + stuck);
      failures.forEach(e::addSuppressed);
      throw e;
    }
    Throwable first = failures.poll();
    if (first != null) {
      failures.forEach(first::addSuppressed);
      failures.clear();
      throw (AssertionError) first;
    }
  }

  /**
   * Same as {@link #joinAll()}.
   *
   * @throws InterruptedException if the test's thread is interrupted
   */
  @Override
  public void close() throws InterruptedException {
    joinAll();
  }
}
