package dev.weft.sync;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs tasks on virtual threads, waits for them all, and reports the first failure, in the manner
 * of Go's {@code golang.org/x/sync/errgroup} with a context.
 *
 * {@snippet :
 * ErrGroup group = new ErrGroup();
 * for (String url : urls) {
 *   group.go(() -> store(fetch(url)));   // may throw checked exceptions
 * }
 * group.await();   // throws ExecutionException whose cause is the first failure
 * }
 *
 * <p><b>Cancellation.</b> The first task to fail records its exception and interrupts every other
 * task still running, which is how Java cancels blocking work; tasks should let {@link
 * InterruptedException} propagate or check {@link Thread#isInterrupted()}. Tasks submitted after
 * the first failure (or after {@link #cancel()}) are not run. Exceptions thrown by other tasks
 * after the first failure, including the interruptions it causes, are ignored, as in Go.
 *
 * <p><b>Limit.</b> A group made with {@link #withLimit(int)} runs at most that many tasks at once;
 * {@link #go(Task)} then waits for a free slot, and {@link #tryGo(Task)} returns false instead.
 *
 * <p><b>Memory visibility.</b> Actions before {@code go} happen-before the task runs; everything a
 * task does happens-before {@code await} returns.
 */
public final class ErrGroup {
  /**
   * A unit of work for an {@link ErrGroup}; unlike {@link Runnable}, it may throw.
   *
   * <p>It runs on a virtual thread of its own. If it throws, and no task of the group has failed
   * yet, its exception becomes the group's failure.
   */
  @FunctionalInterface
  public interface Task {
    /**
     * Does the work.
     *
     * @throws Exception to fail the group
     */
    void run() throws Exception;
  }

  private static final AtomicLong THREAD_SEQUENCE = new AtomicLong();

  private final WaitGroup running = new WaitGroup();
  private final Semaphore slots; // null when unlimited
  private final Set<Thread> threads = ConcurrentHashMap.newKeySet();
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private volatile boolean cancelled;

  /** Creates a group with no limit on how many tasks run at once. */
  public ErrGroup() {
    this.slots = null;
  }

  private ErrGroup(int limit) {
    this.slots = new Semaphore(limit);
  }

  /**
   * Creates a group that runs at most {@code limit} tasks at once.
   *
   * @param limit the most tasks running together, at least 1
   * @return the new group
   * @throws IllegalArgumentException if {@code limit} is less than 1
   */
  public static ErrGroup withLimit(int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1: " + limit);
    }
    return new ErrGroup(limit);
  }

  /**
   * Starts {@code task} on a new virtual thread. With a limit, waits until fewer than the limit are
   * running; the wait is not interruptible (as in Go) and keeps the interrupt status. If the group
   * has already failed or been cancelled, the task is not run.
   *
   * @param task the work to run
   */
  public void go(Task task) {
    Objects.requireNonNull(task, "task");
    if (slots != null) {
      slots.acquireUninterruptibly();
    }
    start(task);
  }

  /**
   * Starts {@code task} if a slot is free now; never waits.
   *
   * @param task the work to run
   * @return true if the task was accepted (it is skipped, as in {@link #go}, if the group has
   *     failed), false if the group is at its limit
   */
  public boolean tryGo(Task task) {
    Objects.requireNonNull(task, "task");
    if (slots != null && !slots.tryAcquire()) {
      return false;
    }
    start(task);
    return true;
  }

  private void start(Task task) {
    running.add(1);
    try {
      Thread thread =
          Thread.ofVirtual()
              .name("weft-errgroup-" + THREAD_SEQUENCE.incrementAndGet())
              .unstarted(() -> runTask(task));
      threads.add(thread);
      thread.start();
    } catch (RuntimeException | Error e) {
      finished();
      throw e;
    }
  }

  private void runTask(Task task) {
    try {
      if (!cancelled) {
        task.run();
      }
    } catch (Throwable t) {
      fail(t);
    } finally {
      threads.remove(Thread.currentThread());
      finished();
    }
  }

  private void finished() {
    if (slots != null) {
      slots.release();
    }
    running.done();
  }

  private void fail(Throwable t) {
    if (failure.compareAndSet(null, t)) {
      cancel();
    }
  }

  /**
   * Cancels the group: interrupts every running task and skips tasks not yet started. Does not
   * wait; {@link #await()} still waits for running tasks to end. Cancelling is not a failure: if no
   * task fails, {@code await} returns normally.
   */
  public void cancel() {
    cancelled = true;
    Thread self = Thread.currentThread();
    for (Thread t : threads) {
      if (t != self) {
        t.interrupt();
      }
    }
  }

  /**
   * Waits for every started task to end, then reports the first failure.
   *
   * @throws ExecutionException if a task failed; its cause is the first task's exception
   * @throws InterruptedException if the waiting thread is interrupted (the tasks keep running)
   */
  public void await() throws InterruptedException, ExecutionException {
    running.await();
    throwIfFailed();
  }

  /**
   * Waits at most {@code timeout} for every started task to end, then reports the first failure.
   *
   * @param timeout how long to wait at most
   * @return true if every task ended, false on timeout
   * @throws ExecutionException if every task ended and one failed
   * @throws InterruptedException if the waiting thread is interrupted
   */
  public boolean await(Duration timeout) throws InterruptedException, ExecutionException {
    if (!running.await(timeout)) {
      return false;
    }
    throwIfFailed();
    return true;
  }

  private void throwIfFailed() throws ExecutionException {
    Throwable first = failure.get();
    if (first != null) {
      throw new ExecutionException("an ErrGroup task failed", first);
    }
  }

  /**
   * Returns the first failure, if any task has failed so far; does not wait.
   *
   * @return the first task's exception, or empty
   */
  public Optional<Throwable> firstFailure() {
    return Optional.ofNullable(failure.get());
  }

  /**
   * Reports whether the group was cancelled, by a failure or by {@link #cancel()}.
   *
   * @return true once cancelled
   */
  public boolean isCancelled() {
    return cancelled;
  }
}
