package dev.weft.bench;

import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs one benchmark invocation's work on fresh threads of a chosen kind and waits for them. JMH's
 * own threads are platform threads; this lets every shape run on virtual threads too. Thread start
 * and join are inside the measured time, so each batch does enough operations (see {@link #OPS})
 * that they are noise.
 */
public final class Batch {
  /** Operations per invocation; benchmarks declare it in {@code @OperationsPerInvocation}. */
  public static final int OPS = 200_000;

  /** The work of thread {@code index} of {@code threads}. */
  @FunctionalInterface
  public interface Work {
    void run(int index) throws Exception;
  }

  private Batch() {}

  /** Starts {@code threads} threads of {@code kind} running {@code work}, and joins them all. */
  public static void run(String kind, int threads, Work work) throws InterruptedException {
    Thread.Builder builder = switchKind(kind);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread[] started = new Thread[threads];
    for (int i = 0; i < threads; i++) {
      int index = i;
      started[i] =
          builder.start(
              () -> {
                try {
                  work.run(index);
                } catch (Throwable t) {
                  failure.compareAndSet(null, t);
                }
              });
    }
    for (Thread t : started) {
      t.join();
    }
    if (failure.get() != null) {
      throw new IllegalStateException("benchmark worker failed", failure.get());
    }
  }

  private static Thread.Builder switchKind(String kind) {
    if (kind.equals("platform")) {
      return Thread.ofPlatform();
    }
    if (kind.equals("virtual")) {
      return Thread.ofVirtual();
    }
    throw new IllegalArgumentException("thread kind must be platform or virtual: " + kind);
  }
}
