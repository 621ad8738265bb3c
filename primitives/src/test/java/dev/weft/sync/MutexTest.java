package dev.weft.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.testkit.ThreadKind;
import dev.weft.testkit.Workers;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class MutexTest {
  private static final Duration LONG = Duration.ofSeconds(10);

  @Test
  void lockAndCloseReleases() {
    Mutex m = new Mutex();
    assertFalse(m.isLocked());
    Guard g = m.lock();
    assertTrue(m.isLocked());
    assertTrue(m.isHeldByCurrentThread());
    g.close();
    assertFalse(m.isLocked());
    assertFalse(m.isHeldByCurrentThread());
  }

  @Test
  void secondCloseIsNoOpEvenAfterRelock() {
    Mutex m = new Mutex();
    Guard first = m.lock();
    first.close();
    Guard second = m.lock();
    first.close(); // must not release the second acquisition
    assertTrue(m.isLocked());
    second.close();
    assertFalse(m.isLocked());
  }

  @Test
  void relockByHolderThrowsForEveryAcquireMethod() throws InterruptedException {
    Mutex m = new Mutex("accounts");
    try (Guard held = m.lock()) {
      IllegalStateException e = assertThrows(IllegalStateException.class, m::lock);
      assertTrue(e.getMessage().contains("accounts"), e.getMessage());
      assertThrows(IllegalStateException.class, m::lockInterruptibly);
      assertThrows(IllegalStateException.class, m::tryLock);
      assertThrows(IllegalStateException.class, () -> m.tryLock(Duration.ofMillis(1)));
      assertTrue(m.isHeldByCurrentThread(), "failed relock must leave the mutex held");
    }
    assertFalse(m.isLocked());
  }

  @ParameterizedTest
  @EnumSource(ThreadKind.class)
  void closeFromAnotherThreadThrowsAndKeepsTheMutexHeld(ThreadKind kind) throws Exception {
    Mutex m = new Mutex();
    Guard g = m.lock();
    AtomicReference<Throwable> seen = new AtomicReference<>();
    try (Workers w = new Workers(kind)) {
      w.start("intruder", () -> seen.set(assertThrows(IllegalStateException.class, g::close)));
    }
    assertTrue(seen.get().getMessage().contains("does not hold"), seen.get().getMessage());
    assertTrue(m.isHeldByCurrentThread());
    g.close();
    assertFalse(m.isLocked());
  }

  @ParameterizedTest
  @EnumSource(ThreadKind.class)
  void mutualExclusionPreventsLostUpdates(ThreadKind kind) throws Exception {
    Mutex m = new Mutex();
    int[] counter = {0};
    int threads = 8;
    int perThread = 20_000;
    try (Workers w = new Workers(kind)) {
      w.startAll(
          "adder",
          threads,
          i -> {
            for (int j = 0; j < perThread; j++) {
              try (Guard held = m.lock()) {
                counter[0]++;
              }
            }
          });
    }
    assertEquals(threads * perThread, counter[0]);
  }

  @ParameterizedTest
  @EnumSource(ThreadKind.class)
  void tryLockFailsWhileAnotherThreadHoldsIt(ThreadKind kind) throws Exception {
    Mutex m = new Mutex();
    Guard held = m.lock();
    try (Workers w = new Workers(kind)) {
      w.start(
          "other",
          () -> {
            assertTrue(m.tryLock().isEmpty());
            long start = System.nanoTime();
            assertTrue(m.tryLock(Duration.ofMillis(50)).isEmpty());
            assertTrue(System.nanoTime() - start >= Duration.ofMillis(50).toNanos());
            assertTrue(m.tryLock(Duration.ZERO).isEmpty());
            assertTrue(m.tryLock(Duration.ofSeconds(-1)).isEmpty());
          });
    }
    held.close();
    Optional<Guard> g = m.tryLock();
    assertTrue(g.isPresent());
    g.get().close();
  }

  @ParameterizedTest
  @EnumSource(ThreadKind.class)
  void timedTryLockSucceedsWhenReleasedInTime(ThreadKind kind) throws Exception {
    Mutex m = new Mutex();
    Guard held = m.lock();
    try (Workers w = new Workers(kind)) {
      Thread waiter =
          w.start(
              "waiter",
              () -> {
                Optional<Guard> g = m.tryLock(LONG);
                assertTrue(g.isPresent());
                g.get().close();
              });
      Workers.awaitBlocked(waiter);
      held.close();
    }
  }

  @ParameterizedTest
  @EnumSource(ThreadKind.class)
  void lockInterruptiblyGivesUpWithoutAcquiring(ThreadKind kind) throws Exception {
    Mutex m = new Mutex();
    Guard held = m.lock();
    AtomicBoolean interrupted = new AtomicBoolean();
    try (Workers w = new Workers(kind)) {
      Thread waiter =
          w.start(
              "waiter",
              () -> {
                assertThrows(InterruptedException.class, m::lockInterruptibly);
                assertFalse(m.isHeldByCurrentThread());
                interrupted.set(true);
              });
      Workers.awaitBlocked(waiter);
      waiter.interrupt();
    }
    assertTrue(interrupted.get());
    assertTrue(m.isHeldByCurrentThread(), "the holder is unaffected");
    held.close();
    assertFalse(m.isLocked());
  }

  @Test
  void alreadyInterruptedThreadIsRefusedEvenIfTheMutexIsFree() {
    Mutex m = new Mutex();
    Thread.currentThread().interrupt();
    assertThrows(InterruptedException.class, m::lockInterruptibly);
    Thread.currentThread().interrupt();
    assertThrows(InterruptedException.class, () -> m.tryLock(LONG));
    assertFalse(Thread.interrupted());
    assertFalse(m.isLocked());
  }

  @ParameterizedTest
  @EnumSource(ThreadKind.class)
  void lockIsNotInterruptibleButKeepsTheInterrupt(ThreadKind kind) throws Exception {
    Mutex m = new Mutex();
    Guard held = m.lock();
    AtomicBoolean flagAfterLock = new AtomicBoolean();
    try (Workers w = new Workers(kind)) {
      Thread waiter =
          w.start(
              "waiter",
              () -> {
                try (Guard g = m.lock()) {
                  flagAfterLock.set(Thread.currentThread().isInterrupted());
                }
              });
      Workers.awaitBlocked(waiter);
      waiter.interrupt();
      Thread.sleep(20);
      assertTrue(waiter.isAlive(), "lock() must keep waiting when interrupted");
      held.close();
    }
    assertTrue(flagAfterLock.get());
  }

  @Test
  void withLockReturnsTheValueAndReleasesOnException() {
    Mutex m = new Mutex();
    assertEquals(42, m.withLock(() -> 42));
    assertFalse(m.isLocked());
    RuntimeException boom = new RuntimeException("boom");
    RuntimeException thrown =
        assertThrows(
            RuntimeException.class,
            () ->
                m.withLock(
                    () -> {
                      throw boom;
                    }));
    assertSame(boom, thrown);
    assertFalse(m.isLocked());
    List<String> log = new CopyOnWriteArrayList<>();
    m.withLock(() -> log.add("ran"));
    m.withLock(
        () -> {
          log.add("ran again");
        });
    assertEquals(List.of("ran", "ran again"), log);
  }

  @Test
  void rejectsNulls() {
    Mutex m = new Mutex();
    assertThrows(NullPointerException.class, () -> m.withLock((Runnable) null));
    assertThrows(
        NullPointerException.class, () -> m.withLock((java.util.function.Supplier<?>) null));
    assertThrows(NullPointerException.class, () -> m.tryLock(null));
    assertThrows(NullPointerException.class, () -> new Mutex(null));
    assertThrows(NullPointerException.class, () -> Mutex.builder().slowWaitListener(null));
    assertThrows(
        IllegalArgumentException.class,
        () -> Mutex.builder().slowWaitThreshold(Duration.ofMillis(-1)));
    assertFalse(m.isLocked());
  }

  @Test
  void toStringNamesTheMutexAndItsHolder() {
    Mutex m = new Mutex("ledger");
    assertEquals("Mutex[ledger, unlocked]", m.toString());
    try (Guard g = m.lock()) {
      assertTrue(m.toString().contains(Thread.currentThread().getName()), m.toString());
    }
  }

  @ParameterizedTest
  @EnumSource(ThreadKind.class)
  void slowWaitIsReportedWithTheHoldersStack(ThreadKind kind) throws Exception {
    List<SlowWait> reports = new CopyOnWriteArrayList<>();
    Mutex m =
        Mutex.builder()
            .name("slow")
            .slowWaitThreshold(Duration.ofMillis(30))
            .slowWaitListener(reports::add)
            .build();
    CountDownLatch holding = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    try (Workers w = new Workers(kind)) {
      Thread holder =
          w.start(
              "holder",
              () -> {
                try (Guard g = m.lock()) {
                  holding.countDown();
                  HolderFrames.holdUntil(release);
                }
              });
      holding.await();
      w.start(
          "waiter",
          () -> {
            try (Guard g = m.lock()) {
              assertTrue(m.isHeldByCurrentThread());
            }
          });
      long deadline = System.nanoTime() + LONG.toNanos();
      while (reports.isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      release.countDown();
      w.joinAll();
      assertEquals(1, reports.size(), "one report per slow wait");
      SlowWait r = reports.get(0);
      assertEquals("slow", r.lock());
      assertEquals("waiter", r.waiter().getName());
      assertSame(holder, r.holder().orElseThrow());
      assertTrue(r.waited().compareTo(Duration.ofMillis(30)) >= 0, r.waited().toString());
      assertTrue(
          r.describe().contains("HolderFrames.holdUntil"),
          "the holder's stack names where it is: " + r.describe());
    }
  }

  @Test
  void fastAcquisitionsAreNotReported() throws Exception {
    List<SlowWait> reports = new CopyOnWriteArrayList<>();
    Mutex m = Mutex.builder().slowWaitThreshold(LONG).slowWaitListener(reports::add).build();
    Guard held = m.lock();
    try (Workers w = new Workers(ThreadKind.PLATFORM)) {
      Thread waiter = w.start("waiter", () -> m.lock().close());
      Workers.awaitBlocked(waiter);
      held.close();
    }
    assertTrue(reports.isEmpty());
  }

  /** A named frame for the holder, so that the report's stack can be checked. */
  static final class HolderFrames {
    static void holdUntil(CountDownLatch release) throws InterruptedException {
      release.await();
    }
  }
}
