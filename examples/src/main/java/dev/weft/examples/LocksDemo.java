package dev.weft.examples;

import dev.weft.sync.locks.BackoffLock;
import dev.weft.sync.locks.ClhLock;
import dev.weft.sync.locks.McsLock;
import dev.weft.sync.locks.TasLock;
import dev.weft.sync.locks.TicketLock;
import dev.weft.sync.locks.TtasLock;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * dev.weft.sync.locks: every spin lock guarding a counter on more threads than cores, platform and
 * virtual, and a queue lock whose waiter gives up its place.
 */
final class LocksDemo {
  private static final long MILLIS_EACH = 150;

  private LocksDemo() {}

  /** A counter guarded by the lock under test. */
  private static final class Counter {
    long value;
  }

  static void run(PrintStream out) throws InterruptedException {
    Demo.heading(out, "7. Spin locks: the lock strategy lab in miniature");
    int threads = 2 * Runtime.getRuntime().availableProcessors() + 2;
    out.printf(
        "  %d threads (more than the %d cores) increment one counter for %d ms per lock;%n"
            + "  rough figures from a busy machine, for a feel only (the benchmarks measure).%n",
        threads, Runtime.getRuntime().availableProcessors(), MILLIS_EACH);
    List<Supplier<Lock>> locks =
        List.of(
            ReentrantLock::new,
            TasLock::new,
            TtasLock::new,
            BackoffLock::new,
            TicketLock::new,
            McsLock::new,
            ClhLock::new);
    out.printf("  %-14s %16s %16s%n", "lock", "platform ops/ms", "virtual ops/ms");
    for (Supplier<Lock> factory : locks) {
      String name = factory.get().getClass().getSimpleName();
      long platform = opsPerMilli(factory.get(), threads, false);
      long virtual = opsPerMilli(factory.get(), threads, true);
      out.printf("  %-14s %,16d %,16d%n", name, platform, virtual);
    }
    giveUp(out);
    out.println();
  }

  /** Runs the threads for MILLIS_EACH and checks that no increment was lost. */
  private static long opsPerMilli(Lock lock, int threads, boolean virtual)
      throws InterruptedException {
    Counter counter = new Counter();
    long[] done = new long[threads];
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(MILLIS_EACH);
    Thread[] started = new Thread[threads];
    for (int t = 0; t < threads; t++) {
      int index = t;
      Runnable body =
          () -> {
            long n = 0;
            while ((n & 63) != 0 || System.nanoTime() < deadline) {
              lock.lock();
              try {
                counter.value++;
              } finally {
                lock.unlock();
              }
              n++;
            }
            done[index] = n;
          };
      started[t] = virtual ? Thread.ofVirtual().start(body) : Thread.ofPlatform().start(body);
    }
    long total = 0;
    for (int t = 0; t < threads; t++) {
      started[t].join();
      total += done[t];
    }
    if (counter.value != total) {
      throw new AssertionError(
          "lost updates under " + lock + ": " + counter.value + " != " + total);
    }
    return total / MILLIS_EACH;
  }

  /** A queue lock's waiter times out and leaves; the thread queued behind it still gets in. */
  private static void giveUp(PrintStream out) throws InterruptedException {
    McsLock lock = new McsLock();
    lock.lock();
    Thread impatient =
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    boolean got = lock.tryLock(50, TimeUnit.MILLISECONDS);
                    out.printf("  McsLock: a waiter with a 50 ms timeout gave up: %s%n", !got);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                });
    Thread.sleep(10);
    Thread patient =
        Thread.ofVirtual()
            .start(
                () -> {
                  lock.lock();
                  try {
                    out.println("  McsLock: the waiter queued behind it got the lock afterwards");
                  } finally {
                    lock.unlock();
                  }
                });
    impatient.join();
    lock.unlock();
    patient.join();
  }
}
