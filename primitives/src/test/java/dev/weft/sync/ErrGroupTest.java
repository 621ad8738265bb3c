package dev.weft.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ErrGroupTest {
  @Test
  void awaitReturnsWhenEveryTaskSucceeds() throws Exception {
    ErrGroup g = new ErrGroup();
    AtomicInteger sum = new AtomicInteger();
    for (int i = 1; i <= 100; i++) {
      int v = i;
      g.go(() -> sum.addAndGet(v));
    }
    g.await();
    assertEquals(5050, sum.get());
    assertTrue(g.firstFailure().isEmpty());
    assertFalse(g.isCancelled());
  }

  @Test
  void firstFailureInterruptsTheOthersAndIsRethrown() throws Exception {
    ErrGroup g = new ErrGroup();
    CountDownLatch sleeping = new CountDownLatch(3);
    AtomicInteger interrupted = new AtomicInteger();
    for (int i = 0; i < 3; i++) {
      g.go(
          () -> {
            sleeping.countDown();
            try {
              Thread.sleep(Duration.ofMinutes(5));
            } catch (InterruptedException e) {
              interrupted.incrementAndGet();
              throw e;
            }
          });
    }
    assertTrue(sleeping.await(10, TimeUnit.SECONDS));
    IOException cause = new IOException("disk on fire");
    g.go(
        () -> {
          throw cause;
        });
    ExecutionException e = assertThrows(ExecutionException.class, g::await);
    assertSame(cause, e.getCause(), "the first failure, not the interruptions it caused");
    assertEquals(3, interrupted.get());
    assertTrue(g.isCancelled());
    assertSame(cause, g.firstFailure().orElseThrow());
  }

  @Test
  void tasksSubmittedAfterAFailureDoNotRun() throws Exception {
    ErrGroup g = new ErrGroup();
    g.go(
        () -> {
          throw new IllegalStateException("first");
        });
    assertThrows(ExecutionException.class, g::await);
    AtomicBoolean ran = new AtomicBoolean();
    g.go(() -> ran.set(true));
    assertThrows(ExecutionException.class, g::await);
    assertFalse(ran.get());
  }

  @Test
  void limitBoundsConcurrencyAndTryGoRefusesAtTheLimit() throws Exception {
    ErrGroup g = ErrGroup.withLimit(2);
    AtomicInteger inside = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    for (int i = 0; i < 40; i++) {
      g.go(
          () -> {
            int now = inside.incrementAndGet();
            most.accumulateAndGet(now, Math::max);
            Thread.sleep(2);
            inside.decrementAndGet();
          });
    }
    g.await();
    assertEquals(2, most.get());

    CountDownLatch release = new CountDownLatch(1);
    assertTrue(g.tryGo(release::await));
    assertTrue(g.tryGo(release::await));
    assertFalse(g.tryGo(() -> {}), "a third task exceeds the limit");
    release.countDown();
    g.await();
    assertTrue(g.tryGo(() -> {}));
    g.await();
  }

  @Test
  void cancelInterruptsWithoutFailing() throws Exception {
    ErrGroup g = new ErrGroup();
    CountDownLatch started = new CountDownLatch(1);
    AtomicBoolean sawInterrupt = new AtomicBoolean();
    g.go(
        () -> {
          started.countDown();
          try {
            Thread.sleep(Duration.ofMinutes(5));
          } catch (InterruptedException e) {
            sawInterrupt.set(true); // swallowed: a cancelled task that ends quietly
          }
        });
    assertTrue(started.await(10, TimeUnit.SECONDS));
    g.cancel();
    assertTrue(g.await(Duration.ofSeconds(10)));
    assertTrue(sawInterrupt.get());
    assertTrue(g.isCancelled());
  }

  @Test
  void timedAwaitAndBadArguments() throws Exception {
    ErrGroup g = new ErrGroup();
    CountDownLatch release = new CountDownLatch(1);
    g.go(release::await);
    assertFalse(g.await(Duration.ofMillis(20)));
    release.countDown();
    assertTrue(g.await(Duration.ofSeconds(10)));
    assertThrows(IllegalArgumentException.class, () -> ErrGroup.withLimit(0));
    assertThrows(NullPointerException.class, () -> g.go(null));
    assertThrows(NullPointerException.class, () -> g.tryGo(null));
  }
}
