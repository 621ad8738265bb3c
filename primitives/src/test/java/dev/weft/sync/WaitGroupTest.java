package dev.weft.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.testkit.ThreadKind;
import dev.weft.testkit.Workers;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class WaitGroupTest {
  @Test
  void awaitReturnsAtOnceWhenZero() throws InterruptedException {
    WaitGroup g = new WaitGroup();
    g.await();
    assertTrue(g.await(Duration.ZERO));
  }

  @Test
  void negativeCounterIsRefusedAndLeftUnchanged() {
    WaitGroup g = new WaitGroup();
    assertThrows(IllegalStateException.class, g::done);
    assertEquals(0, g.count());
    g.add(3);
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> g.add(-4));
    assertTrue(e.getMessage().contains("negative"), e.getMessage());
    assertEquals(3, g.count());
    g.add(-3);
    assertEquals(0, g.count());
    g.add(0);
    assertEquals(0, g.count());
  }

  @ParameterizedTest
  @EnumSource(ThreadKind.class)
  void awaitBlocksUntilEveryDone(ThreadKind kind) throws Exception {
    WaitGroup g = new WaitGroup();
    g.add(2);
    AtomicBoolean returned = new AtomicBoolean();
    try (Workers w = new Workers(kind)) {
      Thread waiter =
          w.start(
              "waiter",
              () -> {
                g.await();
                returned.set(true);
              });
      Workers.awaitBlocked(waiter);
      g.done();
      Thread.sleep(20);
      assertFalse(returned.get(), "await returned with work outstanding");
      g.done();
    }
    assertTrue(returned.get());
  }

  @Test
  void timedAwaitTimesOut() throws InterruptedException {
    WaitGroup g = new WaitGroup();
    g.add(1);
    long start = System.nanoTime();
    assertFalse(g.await(Duration.ofMillis(30)));
    assertTrue(System.nanoTime() - start >= Duration.ofMillis(30).toNanos());
    assertFalse(g.await(Duration.ofSeconds(-1)));
    g.done();
    assertTrue(g.await(Duration.ofSeconds(1)));
  }

  @ParameterizedTest
  @EnumSource(ThreadKind.class)
  void interruptedAwaitThrows(ThreadKind kind) throws Exception {
    WaitGroup g = new WaitGroup();
    g.add(1);
    try (Workers w = new Workers(kind)) {
      Thread waiter = w.start("waiter", () -> assertThrows(InterruptedException.class, g::await));
      Workers.awaitBlocked(waiter);
      waiter.interrupt();
    }
    assertEquals(1, g.count());
  }

  @Test
  void goCountsDownEvenWhenTheTaskThrows() throws InterruptedException {
    WaitGroup g = new WaitGroup();
    AtomicInteger ran = new AtomicInteger();
    AtomicReference<Thread> thread = new AtomicReference<>();
    g.go(
        () -> {
          thread.set(Thread.currentThread());
          ran.incrementAndGet();
        });
    CountDownLatch handled = new CountDownLatch(1);
    Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
    Thread.setDefaultUncaughtExceptionHandler((t, e) -> handled.countDown());
    try {
      g.go(
          () -> {
            ran.incrementAndGet();
            throw new IllegalStateException("task failure");
          });
      assertTrue(g.await(Duration.ofSeconds(10)));
      assertTrue(handled.await(10, java.util.concurrent.TimeUnit.SECONDS));
    } finally {
      Thread.setDefaultUncaughtExceptionHandler(previous);
    }
    assertEquals(2, ran.get());
    assertTrue(thread.get().isVirtual());
    assertThrows(NullPointerException.class, () -> g.go(null));
    assertEquals(0, g.count());
  }

  @Test
  void manyVirtualThreads() throws InterruptedException {
    WaitGroup g = new WaitGroup();
    AtomicInteger sum = new AtomicInteger();
    for (int i = 0; i < 10_000; i++) {
      int v = i;
      g.go(
          () -> {
            try {
              Thread.sleep(1);
            } catch (InterruptedException e) {
              throw new AssertionError(e);
            }
            sum.addAndGet(v);
          });
    }
    assertTrue(g.await(Duration.ofSeconds(30)));
    assertEquals(10_000 * 9_999 / 2, sum.get());
  }

  @ParameterizedTest
  @EnumSource(ThreadKind.class)
  void reusableOnceBackAtZero(ThreadKind kind) throws Exception {
    WaitGroup g = new WaitGroup();
    for (int round = 0; round < 100; round++) {
      g.add(2);
      try (Workers w = new Workers(kind)) {
        w.startAll("worker", 2, i -> g.done());
        assertTrue(g.await(Duration.ofSeconds(10)));
      }
      assertEquals(0, g.count());
    }
  }

  @ParameterizedTest
  @EnumSource(ThreadKind.class)
  void concurrentAddAndDoneNeverLoseCounts(ThreadKind kind) throws Exception {
    WaitGroup g = new WaitGroup();
    g.add(1); // hold the group open while the workers churn
    try (Workers w = new Workers(kind)) {
      w.startAll(
          "churn",
          4,
          i -> {
            for (int j = 0; j < 50_000; j++) {
              g.add(1);
              g.done();
            }
          });
    }
    assertEquals(1, g.count());
    g.done();
    assertTrue(g.await(Duration.ZERO));
  }
}
