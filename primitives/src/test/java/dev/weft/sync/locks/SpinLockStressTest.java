package dev.weft.sync.locks;

import static dev.weft.sync.locks.SpinLocks.isLocked;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.testkit.ThreadKind;
import dev.weft.testkit.Workers;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Lock;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The spin locks under more threads than cores, with virtual-thread holders that unmount, and under
 * a random mix of every acquire method. Each test must finish in bounded time: a lock that spins
 * without bound, or loses a queue node, would hang it.
 */
class SpinLockStressTest {
  private static final long SEED = Long.getLong("weft.seed", System.nanoTime());

  /** Sixteen threads per core, each taking the lock a few hundred times. */
  @ParameterizedTest
  @MethodSource("dev.weft.sync.locks.SpinLocks#onEveryThreadKind")
  @Timeout(60)
  void manyMoreThreadsThanCoresFinishInBoundedTime(SpinLocks kind, ThreadKind threads)
      throws Exception {
    Lock lock = kind.create();
    int workers = 16 * Runtime.getRuntime().availableProcessors();
    int perWorker = 300;
    long[] counter = {0};
    long start = System.nanoTime();
    try (Workers w = new Workers(threads, Duration.ofSeconds(45))) {
      w.startAll(
          "crowd",
          workers,
          i -> {
            for (int n = 0; n < perWorker; n++) {
              lock.lock();
              try {
                counter[0]++;
              } finally {
                lock.unlock();
              }
            }
          });
    }
    assertEquals((long) workers * perWorker, counter[0]);
    assertFalse(isLocked(lock));
    System.out.printf(
        "%s on %d %s threads: %d ms%n",
        kind, workers, threads, (System.nanoTime() - start) / 1_000_000);
  }

  /**
   * A virtual thread holds the lock and sleeps, which unmounts it; more virtual threads than there
   * are carriers wait for the lock. If waiters spun without bound they would occupy every carrier
   * and the holder could never run again to release the lock.
   */
  @ParameterizedTest
  @EnumSource(SpinLocks.class)
  @Timeout(60)
  void waitingVirtualThreadsLetAnUnmountedHolderRun(SpinLocks kind) throws Exception {
    Lock lock = kind.create();
    int waiters = 4 * Runtime.getRuntime().availableProcessors() + 4;
    AtomicInteger entered = new AtomicInteger();
    try (Workers w = new Workers(ThreadKind.VIRTUAL, Duration.ofSeconds(45))) {
      w.startAll(
          "sleeper",
          waiters,
          i -> {
            lock.lock();
            try {
              entered.incrementAndGet();
              Thread.sleep(5); // unmounts the holder
            } finally {
              lock.unlock();
            }
          });
    }
    assertEquals(waiters, entered.get());
    assertFalse(isLocked(lock));
  }

  /**
   * Every acquire method at random, with timeouts short enough to expire, and a thread that keeps
   * interrupting the others, so that waits are abandoned all the time: no two threads are ever
   * inside together, every success is counted once, and the lock is free at the end. Replay a
   * failure with -Dweft.seed=N.
   */
  @ParameterizedTest
  @MethodSource("dev.weft.sync.locks.SpinLocks#onEveryThreadKind")
  @Timeout(60)
  void randomMixOfAcquireMethodsAndInterruptsKeepsExclusion(SpinLocks kind, ThreadKind threads)
      throws Exception {
    Lock lock = kind.create();
    AtomicInteger inside = new AtomicInteger();
    AtomicInteger overlaps = new AtomicInteger();
    AtomicLong successes = new AtomicLong();
    AtomicInteger running = new AtomicInteger();
    long[] counter = {0};
    int workers = 5;
    int perWorker = 2_000;
    String replay = " (seed " + SEED + "; replay with -Dweft.seed=" + SEED + ")";
    try (Workers w = new Workers(threads, Duration.ofSeconds(45))) {
      Thread[] mixers = new Thread[workers];
      running.set(workers);
      for (int i = 0; i < workers; i++) {
        SplittableRandom random = new SplittableRandom(SEED + i);
        mixers[i] =
            w.start(
                "mixer-" + i,
                () -> {
                  try {
                    for (int n = 0; n < perWorker; n++) {
                      if (acquire(lock, random)) {
                        try {
                          if (inside.incrementAndGet() != 1) {
                            overlaps.incrementAndGet();
                          }
                          counter[0]++;
                          successes.incrementAndGet();
                          inside.decrementAndGet();
                        } finally {
                          lock.unlock();
                        }
                      }
                      Thread.interrupted(); // an interrupt that came too late for this round
                    }
                  } finally {
                    running.decrementAndGet();
                  }
                });
      }
      SplittableRandom random = new SplittableRandom(SEED - 1);
      w.start(
          "interrupter",
          () -> {
            while (running.get() > 0) {
              mixers[random.nextInt(workers)].interrupt();
              Thread.sleep(0, 200_000);
            }
          });
    }
    assertEquals(0, overlaps.get(), "two threads were inside at once" + replay);
    assertEquals(successes.get(), counter[0], "lost updates" + replay);
    assertTrue(successes.get() > 0, "nobody ever got the lock" + replay);
    assertFalse(isLocked(lock), "the lock is still held or queued: " + lock + replay);
    assertTrue(lock.tryLock(5, TimeUnit.SECONDS), "the lock is wedged" + replay);
    lock.unlock();
  }

  /** One acquisition by a random method; true if the lock is now held. */
  private static boolean acquire(Lock lock, SplittableRandom random) {
    try {
      switch (random.nextInt(5)) {
        case 0:
          lock.lock();
          return true;
        case 1:
          return lock.tryLock();
        case 2:
          return lock.tryLock(random.nextInt(50), TimeUnit.MICROSECONDS);
        case 3:
          return lock.tryLock(random.nextInt(5), TimeUnit.MILLISECONDS);
        default:
          lock.lockInterruptibly();
          return true;
      }
    } catch (InterruptedException e) {
      return false; // gave up without the lock (checked by the overlap and free-at-end checks)
    }
  }
}
