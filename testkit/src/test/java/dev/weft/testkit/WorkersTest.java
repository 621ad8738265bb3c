package dev.weft.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class WorkersTest {
  @ParameterizedTest
  @EnumSource(ThreadKind.class)
  void runsWorkersOfTheChosenKind(ThreadKind kind) throws Exception {
    AtomicInteger virtual = new AtomicInteger();
    try (Workers w = new Workers(kind)) {
      w.startAll(
          "w",
          3,
          i -> {
            if (Thread.currentThread().isVirtual()) {
              virtual.incrementAndGet();
            }
          });
    }
    assertEquals(kind == ThreadKind.VIRTUAL ? 3 : 0, virtual.get());
  }

  @ParameterizedTest
  @EnumSource(ThreadKind.class)
  void aWorkersFailureIsRethrown(ThreadKind kind) {
    Workers w = new Workers(kind);
    w.start("bad", () -> assertEquals(1, 2));
    AssertionError e = assertThrows(AssertionError.class, w::joinAll);
    assertTrue(e.getMessage().contains("worker bad failed"), e.getMessage());
  }

  @ParameterizedTest
  @EnumSource(ThreadKind.class)
  void aStuckWorkerFailsTheJoinAndIsInterrupted(ThreadKind kind) throws Exception {
    CountDownLatch never = new CountDownLatch(1);
    Workers w = new Workers(kind, Duration.ofMillis(50));
    Thread t = w.start("stuck", never::await);
    AssertionError e = assertThrows(AssertionError.class, w::joinAll);
    assertTrue(e.getMessage().contains("stuck"), e.getMessage());
    t.join(Duration.ofSeconds(10)); // the interrupt ended it
    assertTrue(!t.isAlive());
  }

  @ParameterizedTest
  @EnumSource(ThreadKind.class)
  void awaitBlockedSeesAParkedWorker(ThreadKind kind) throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    try (Workers w = new Workers(kind)) {
      Thread t = w.start("parked", release::await);
      Workers.awaitBlocked(t);
      release.countDown();
    }
    Workers done = new Workers(kind);
    Thread quick = done.start("quick", () -> {});
    quick.join();
    assertThrows(AssertionError.class, () -> Workers.awaitBlocked(quick));
    done.joinAll();
  }
}
