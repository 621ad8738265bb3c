package dev.weft.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Threads for a test: started by name on a chosen kind of thread, joined with a timeout, and any
 * exception they throw rethrown in the test thread. Use in try-with-resources so that no test
 * leaves a thread behind:
 *
 * <pre>{@code
 * try (Workers workers = new Workers(kind)) {
 *   workers.start("sender", () -> channel.send(1));
 *   ...
 * } // joins; fails the test if a worker threw or is still running after the timeout
 * }</pre>
 */
public final class Workers implements AutoCloseable {
  /** A worker body that may throw. */
  @FunctionalInterface
  public interface Body {
    /** Runs the worker. */
    void run() throws Exception;
  }

  private final ThreadKind kind;
  private final Duration timeout;
  private final List<Thread> threads = new ArrayList<>();
  private final ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();

  public Workers(ThreadKind kind) {
    this(kind, Duration.ofSeconds(30));
  }

  public Workers(ThreadKind kind, Duration timeout) {
    this.kind = kind;
    this.timeout = timeout;
  }

  /** Starts a worker. */
  public Thread start(String name, Body body) {
    Thread t =
        kind.builder()
            .name(name)
            .unstarted(
                () -> {
                  try {
                    body.run();
                  } catch (Throwable e) {
                    failures.add(new AssertionError("worker " + name + " failed", e));
                  }
                });
    threads.add(t);
    t.start();
    return t;
  }

  /** Starts {@code count} workers named {@code prefix-i}; the body receives i. */
  public void startAll(String prefix, int count, IndexedBody body) {
    for (int i = 0; i < count; i++) {
      int index = i;
      start(prefix + "-" + i, () -> body.run(index));
    }
  }

  /** A worker body told its index. */
  @FunctionalInterface
  public interface IndexedBody {
    /** Runs worker number {@code index}. */
    void run(int index) throws Exception;
  }

  /** Waits until {@code thread} is blocked (parked or waiting), or fails after the timeout. */
  public static void awaitBlocked(Thread thread) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (true) {
      Thread.State s = thread.getState();
      if (s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING) {
        return;
      }
      if (s == Thread.State.TERMINATED) {
        throw new AssertionError(thread.getName() + " terminated instead of blocking");
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(thread.getName() + " did not block; state " + s);
      }
      Thread.sleep(1);
    }
  }

  /** Joins every worker; fails if one is still alive after the timeout or if any failed. */
  public void joinAll() throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<String> stuck = new ArrayList<>();
    for (Thread t : threads) {
      long left = deadline - System.nanoTime();
      if (left > 0) {
        t.join(Duration.ofNanos(left));
      }
      if (t.isAlive()) {
        stuck.add(t.getName() + " " + t.getState());
      }
    }
    if (!stuck.isEmpty()) {
      for (Thread t : threads) {
        t.interrupt();
      }
      AssertionError e =
          new AssertionError("workers still running after " + timeout + ": " + stuck);
      failures.forEach(e::addSuppressed);
      throw e;
    }
    Throwable first = failures.poll();
    if (first != null) {
      failures.forEach(first::addSuppressed);
      failures.clear();
      if (first instanceof Error err) {
        throw err;
      }
      throw new AssertionError(first);
    }
  }

  @Override
  public void close() throws InterruptedException {
    joinAll();
  }
}
