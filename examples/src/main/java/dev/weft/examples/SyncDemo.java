package dev.weft.examples;

import dev.weft.sync.Guard;
import dev.weft.sync.Mutex;
import dev.weft.sync.PotentialDeadlockException;
import dev.weft.sync.WaitGroup;
import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** dev.weft.sync: a lost update fixed by a Mutex, a WaitGroup, and lock-order checking. */
final class SyncDemo {
  private static final int THREADS = 4;
  private static final int INCREMENTS = 2_000_000;

  private SyncDemo() {}

  /** A counter shared without care. */
  private static final class Counter {
    long value;
  }

  static void run(PrintStream out) throws InterruptedException {
    lostUpdate(out);
    waitGroup(out);
    lockOrder(out);
  }

  private static void lostUpdate(PrintStream out) throws InterruptedException {
    Demo.heading(out, "1. A lost update, and a Mutex that fixes it");
    long expected = (long) THREADS * INCREMENTS;

    Counter racy = new Counter();
    WaitGroup group = new WaitGroup();
    for (int t = 0; t < THREADS; t++) {
      group.add(1);
      Thread.ofPlatform()
          .start(
              () -> {
                for (int i = 0; i < INCREMENTS; i++) {
                  racy.value++; // read, add, write: two threads can interleave here
                }
                group.done();
              });
    }
    group.await();
    out.printf(
        "  %d threads x %,d unguarded increments: expected %,d, got %,d (%s)%n",
        THREADS,
        INCREMENTS,
        expected,
        racy.value,
        racy.value == expected
            ? "no update lost this time; the race is still there"
            : String.format("%,d updates lost", expected - racy.value));

    Counter guarded = new Counter();
    Mutex mutex = new Mutex("counter");
    for (int t = 0; t < THREADS; t++) {
      group.add(1);
      Thread.ofPlatform()
          .start(
              () -> {
                for (int i = 0; i < INCREMENTS; i++) {
                  try (Guard held = mutex.lock()) {
                    guarded.value++;
                  }
                }
                group.done();
              });
    }
    group.await();
    out.printf(
        "  the same with a Mutex:                  expected %,d, got %,d (%s)%n%n",
        expected, guarded.value, guarded.value == expected ? "exact" : "WRONG");
  }

  private static void waitGroup(PrintStream out) throws InterruptedException {
    Demo.heading(out, "2. A WaitGroup over 10,000 virtual threads");
    WaitGroup group = new WaitGroup();
    AtomicLong finished = new AtomicLong();
    long start = System.nanoTime();
    for (int i = 0; i < 10_000; i++) {
      group.go(
          () -> {
            try {
              Thread.sleep(Duration.ofMillis(100)); // a stand-in for a network call
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              return;
            }
            finished.incrementAndGet();
          });
    }
    group.await();
    long millis = Duration.ofNanos(System.nanoTime() - start).toMillis();
    out.printf(
        "  10,000 tasks that each sleep 100 ms finished in %,d ms; await() returned after all %,d%n%n",
        millis, finished.get());
  }

  private static void lockOrder(PrintStream out) throws InterruptedException {
    Demo.heading(out, "3. Lock-order checking catches a deadlock before it happens");
    Mutex accounts = Mutex.builder().name("accounts").checkLockOrder(true).build();
    Mutex auditLog = Mutex.builder().name("audit-log").checkLockOrder(true).build();

    out.println("  transfer(): locks accounts, then audit-log         ... ok");
    Thread transfer = Thread.ofVirtual().name("transfer").start(() -> transfer(accounts, auditLog));
    transfer.join();

    out.println("  report():   locks audit-log, then accounts         ... refused:");
    Thread report =
        Thread.ofVirtual()
            .name("report")
            .start(
                () -> {
                  try {
                    report(accounts, auditLog);
                  } catch (PotentialDeadlockException e) {
                    out.println("    " + e.getMessage());
                    out.println("    refused at:      " + firstWeftFrame(e.getStackTrace()));
                    out.println(
                        "    earlier order:   " + firstWeftFrame(e.getCause().getStackTrace()));
                  }
                });
    report.join();
    out.println(
        "  The two calls never overlapped, so nothing deadlocked; run concurrently they could.");
    out.println();
  }

  private static void transfer(Mutex accounts, Mutex auditLog) {
    try (Guard a = accounts.lock();
        Guard b = auditLog.lock()) {
      // move money, then write the audit record
    }
  }

  private static void report(Mutex accounts, Mutex auditLog) {
    try (Guard b = auditLog.lock();
        Guard a = accounts.lock()) {
      // read the audit log, then the balances
    }
  }

  private static String firstWeftFrame(StackTraceElement[] stack) {
    for (StackTraceElement frame : stack) {
      if (frame.getClassName().startsWith("dev.weft.examples")) {
        return frame.getClassName().substring("dev.weft.examples.".length())
            + "."
            + frame.getMethodName()
            + " (line "
            + frame.getLineNumber()
            + ")";
      }
    }
    return "(unknown)";
  }
}
