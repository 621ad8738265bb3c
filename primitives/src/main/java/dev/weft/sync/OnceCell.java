package dev.weft.sync;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The shared mechanism of {@link Once} and {@link OnceValue}: runs one body at most once, makes
 * concurrent callers wait for it, and reports its value or its failure to every caller.
 *
 * <p>{@code state} moves NEW → RUNNING → DONE, once. The result and failure fields are written
 * plainly by the running thread before the volatile store of DONE, and read plainly after a
 * volatile load that sees DONE, so the store/load pair publishes them.
 */
final class OnceCell<T> {
  private static final int NEW = 0;
  private static final int RUNNING = 1;
  private static final int DONE = 2;

  private final AtomicInteger state = new AtomicInteger(NEW);
  private final CountDownLatch finished = new CountDownLatch(1);
  private T value; // plain: published by the volatile store of DONE
  private Throwable failure; // plain: as above
  private Thread runner; // plain: compared only with the reading thread itself

  /** Returns the value, running {@code body} first if no call has run a body yet. */
  T get(Supplier<? extends T> body) {
    if (state.get() == DONE) {
      return result();
    }
    if (state.compareAndSet(NEW, RUNNING)) {
      runner = Thread.currentThread();
      try {
        value = body.get();
      } catch (Throwable t) {
        failure = t;
      } finally {
        runner = null;
        state.set(DONE);
        finished.countDown();
      }
      return result();
    }
    if (runner == Thread.currentThread()) {
      throw new IllegalStateException("Once body called itself recursively; it would deadlock");
    }
    awaitUninterruptibly();
    return result();
  }

  boolean isDone() {
    return state.get() == DONE;
  }

  boolean failed() {
    return state.get() == DONE && failure != null;
  }

  /** The outcome of the body; call only after {@link #isDone()} returned true. */
  T result() {
    if (failure != null) {
      throw OnceCell.<RuntimeException>rethrow(failure);
    }
    return value;
  }

  private void awaitUninterruptibly() {
    boolean interrupted = false;
    while (true) {
      try {
        finished.await();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /** Rethrows {@code t} unchanged, checked or not, as Go re-panics with the same value. */
  @SuppressWarnings("unchecked")
  private static <E extends Throwable> E rethrow(Throwable t) throws E {
    throw (E) t;
  }
}
