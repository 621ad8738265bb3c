package dev.weft.sync.locks;

import static dev.weft.sync.locks.SpinLocks.heldByCurrentThread;
import static dev.weft.sync.locks.SpinLocks.isLocked;
import static dev.weft.sync.locks.SpinLocks.letItWait;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.testkit.ThreadKind;
import dev.weft.testkit.Workers;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Lock;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** The Lock contract, run against every spin lock on platform and virtual threads. */
class SpinLockContractTest {
  private static final long LONG_SECONDS = 10;

  @ParameterizedTest
  @EnumSource(SpinLocks.class)
  void lockAndUnlock(SpinLocks kind) {
    Lock lock = kind.create();
    assertFalse(isLocked(lock));
    lock.lock();
    assertTrue(isLocked(lock));
    assertTrue(heldByCurrentThread(lock));
    assertTrue(lock.toString().contains("locked by"), lock.toString());
    lock.unlock();
    assertFalse(isLocked(lock));
    assertFalse(heldByCurrentThread(lock));
    assertTrue(lock.tryLock());
    lock.unlock();
  }

  @ParameterizedTest
  @MethodSource("dev.weft.sync.locks.SpinLocks#onEveryThreadKind")
  void mutualExclusionPreventsLostUpdatesAndOverlaps(SpinLocks kind, ThreadKind threads)
      throws Exception {
    Lock lock = kind.create();
    AtomicInteger inside = new AtomicInteger();
    AtomicInteger overlaps = new AtomicInteger();
    long[] counter = {0};
    int workers = 4;
    int perWorker = 10_000;
    try (Workers w = new Workers(threads)) {
      w.startAll(
          "adder",
          workers,
          i -> {
            for (int n = 0; n < perWorker; n++) {
              lock.lock();
              try {
                if (inside.incrementAndGet() != 1) {
                  overlaps.incrementAndGet();
                }
                counter[0]++;
                inside.decrementAndGet();
              } finally {
                lock.unlock();
              }
            }
          });
    }
    assertEquals(0, overlaps.get(), "two threads were inside at once");
    assertEquals((long) workers * perWorker, counter[0]);
    assertFalse(isLocked(lock));
  }

  @ParameterizedTest
  @MethodSource("dev.weft.sync.locks.SpinLocks#onEveryThreadKind")
  void tryLockFailsWhileAnotherThreadHoldsItAndTimesOut(SpinLocks kind, ThreadKind threads)
      throws Exception {
    Lock lock = kind.create();
    lock.lock();
    try (Workers w = new Workers(threads)) {
      w.start(
          "other",
          () -> {
            assertFalse(lock.tryLock());
            long start = System.nanoTime();
            assertFalse(lock.tryLock(30, TimeUnit.MILLISECONDS));
            assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(30));
            assertFalse(lock.tryLock(0, TimeUnit.SECONDS));
            assertFalse(lock.tryLock(-1, TimeUnit.SECONDS));
            assertFalse(heldByCurrentThread(lock));
          });
    }
    assertTrue(heldByCurrentThread(lock), "the holder is unaffected");
    lock.unlock();
    try (Workers w = new Workers(threads)) {
      w.start(
          "after",
          () -> {
            assertTrue(lock.tryLock(LONG_SECONDS, TimeUnit.SECONDS), "a timed-out wait left it");
            lock.unlock();
          });
    }
  }

  @ParameterizedTest
  @MethodSource("dev.weft.sync.locks.SpinLocks#onEveryThreadKind")
  void timedTryLockSucceedsWhenReleasedInTime(SpinLocks kind, ThreadKind threads) throws Exception {
    Lock lock = kind.create();
    lock.lock();
    AtomicBoolean acquired = new AtomicBoolean();
    try (Workers w = new Workers(threads)) {
      Thread waiter =
          w.start(
              "waiter",
              () -> {
                assertTrue(lock.tryLock(LONG_SECONDS, TimeUnit.SECONDS));
                acquired.set(heldByCurrentThread(lock));
                lock.unlock();
              });
      letItWait(waiter);
      lock.unlock();
    }
    assertTrue(acquired.get());
    assertFalse(isLocked(lock));
  }

  @ParameterizedTest
  @MethodSource("dev.weft.sync.locks.SpinLocks#onEveryThreadKind")
  void lockInterruptiblyGivesUpWithoutAcquiring(SpinLocks kind, ThreadKind threads)
      throws Exception {
    Lock lock = kind.create();
    lock.lock();
    AtomicBoolean gaveUp = new AtomicBoolean();
    try (Workers w = new Workers(threads)) {
      Thread waiter =
          w.start(
              "waiter",
              () -> {
                assertThrows(InterruptedException.class, lock::lockInterruptibly);
                assertFalse(heldByCurrentThread(lock));
                assertFalse(Thread.currentThread().isInterrupted(), "the exception clears it");
                gaveUp.set(true);
              });
      letItWait(waiter);
      waiter.interrupt();
    }
    assertTrue(gaveUp.get());
    assertTrue(heldByCurrentThread(lock), "the holder is unaffected");
    lock.unlock();
    assertLockStillWorks(lock, threads);
  }

  @ParameterizedTest
  @MethodSource("dev.weft.sync.locks.SpinLocks#onEveryThreadKind")
  void timedTryLockGivesUpOnInterrupt(SpinLocks kind, ThreadKind threads) throws Exception {
    Lock lock = kind.create();
    lock.lock();
    try (Workers w = new Workers(threads)) {
      Thread waiter =
          w.start(
              "waiter",
              () -> {
                assertThrows(
                    InterruptedException.class, () -> lock.tryLock(LONG_SECONDS, TimeUnit.SECONDS));
                assertFalse(heldByCurrentThread(lock));
              });
      letItWait(waiter);
      waiter.interrupt();
    }
    lock.unlock();
    assertLockStillWorks(lock, threads);
  }

  @ParameterizedTest
  @EnumSource(SpinLocks.class)
  void alreadyInterruptedThreadIsRefusedEvenIfTheLockIsFree(SpinLocks kind) {
    Lock lock = kind.create();
    Thread.currentThread().interrupt();
    assertThrows(InterruptedException.class, lock::lockInterruptibly);
    Thread.currentThread().interrupt();
    assertThrows(InterruptedException.class, () -> lock.tryLock(LONG_SECONDS, TimeUnit.SECONDS));
    Thread.currentThread().interrupt();
    assertThrows(InterruptedException.class, () -> lock.tryLock(0, TimeUnit.SECONDS));
    assertFalse(Thread.interrupted());
    assertFalse(isLocked(lock));
  }

  @ParameterizedTest
  @MethodSource("dev.weft.sync.locks.SpinLocks#onEveryThreadKind")
  void lockIsNotInterruptibleButKeepsTheInterrupt(SpinLocks kind, ThreadKind threads)
      throws Exception {
    Lock lock = kind.create();
    lock.lock();
    AtomicBoolean flagAfterLock = new AtomicBoolean();
    try (Workers w = new Workers(threads)) {
      Thread waiter =
          w.start(
              "waiter",
              () -> {
                lock.lock();
                try {
                  flagAfterLock.set(Thread.currentThread().isInterrupted());
                } finally {
                  lock.unlock();
                }
              });
      letItWait(waiter);
      waiter.interrupt();
      Thread.sleep(20);
      assertTrue(waiter.isAlive(), "lock() must keep waiting when interrupted");
      lock.unlock();
    }
    assertTrue(flagAfterLock.get());
    assertFalse(isLocked(lock));
  }

  @ParameterizedTest
  @MethodSource("dev.weft.sync.locks.SpinLocks#onEveryThreadKind")
  void unlockByAnotherThreadThrowsAndKeepsTheLockHeld(SpinLocks kind, ThreadKind threads)
      throws Exception {
    Lock lock = kind.create();
    assertThrows(IllegalMonitorStateException.class, lock::unlock, "unlock of a free lock");
    lock.lock();
    try (Workers w = new Workers(threads)) {
      w.start("intruder", () -> assertThrows(IllegalMonitorStateException.class, lock::unlock));
    }
    assertTrue(heldByCurrentThread(lock));
    assertTrue(isLocked(lock));
    lock.unlock();
    assertFalse(isLocked(lock));
  }

  @ParameterizedTest
  @EnumSource(SpinLocks.class)
  void relockByTheHolderThrowsForEveryAcquireMethod(SpinLocks kind) throws Exception {
    Lock lock = kind.create();
    lock.lock();
    assertThrows(IllegalStateException.class, lock::lock);
    assertThrows(IllegalStateException.class, lock::lockInterruptibly);
    assertThrows(IllegalStateException.class, lock::tryLock);
    assertThrows(IllegalStateException.class, () -> lock.tryLock(1, TimeUnit.MILLISECONDS));
    assertTrue(heldByCurrentThread(lock), "a refused relock leaves the lock held");
    lock.unlock();
    assertFalse(isLocked(lock));
  }

  /**
   * Threads that give up (timeout, interrupt) while others wait behind and in front of them: the
   * waiter that stays gets the lock, and the lock is free afterwards. For the queue locks this is
   * abandonment of queue nodes: the releaser must pass over them.
   */
  @ParameterizedTest
  @MethodSource("dev.weft.sync.locks.SpinLocks#onEveryThreadKind")
  void waitersThatGiveUpDoNotBlockTheOnesThatStay(SpinLocks kind, ThreadKind threads)
      throws Exception {
    Lock lock = kind.create();
    lock.lock();
    AtomicReference<Boolean> timedOut = new AtomicReference<>();
    AtomicBoolean interrupted = new AtomicBoolean();
    AtomicBoolean stayed = new AtomicBoolean();
    try (Workers w = new Workers(threads)) {
      Thread impatient =
          w.start("impatient", () -> timedOut.set(!lock.tryLock(60, TimeUnit.MILLISECONDS)));
      letItWait(impatient);
      Thread patient =
          w.start(
              "patient",
              () -> {
                lock.lock();
                stayed.set(true);
                lock.unlock();
              });
      Thread interruptible =
          w.start(
              "interruptible",
              () -> {
                try {
                  lock.lockInterruptibly();
                  lock.unlock();
                } catch (InterruptedException e) {
                  interrupted.set(true);
                }
              });
      letItWait(interruptible);
      interruptible.interrupt();
      interruptible.join();
      impatient.join();
      assertTrue(patient.isAlive(), "the patient waiter must still be waiting");
      lock.unlock();
    }
    assertEquals(Boolean.TRUE, timedOut.get(), "the timed wait must time out");
    assertTrue(interrupted.get(), "the interruptible wait must give up");
    assertTrue(stayed.get());
    assertLockStillWorks(lock, ThreadKind.PLATFORM);
  }

  private static void assertLockStillWorks(Lock lock, ThreadKind threads) throws Exception {
    assertFalse(isLocked(lock), "the lock must be free: " + lock);
    try (Workers w = new Workers(threads)) {
      w.startAll(
          "user",
          2,
          i -> {
            for (int n = 0; n < 100; n++) {
              lock.lock();
              lock.unlock();
            }
          });
    }
    assertTrue(lock.tryLock());
    lock.unlock();
  }
}
