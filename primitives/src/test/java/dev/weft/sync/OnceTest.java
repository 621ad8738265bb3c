package dev.weft.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.testkit.ThreadKind;
import dev.weft.testkit.Workers;
import java.lang.ref.WeakReference;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class OnceTest {
  @ParameterizedTest
  @EnumSource(ThreadKind.class)
  void bodyRunsOnceAndEveryCallerSeesItsEffects(ThreadKind kind) throws Exception {
    for (int round = 0; round < 50; round++) {
      Once once = new Once();
      AtomicInteger runs = new AtomicInteger();
      int[] effect = {0};
      CountDownLatch start = new CountDownLatch(1);
      AtomicInteger sawEffect = new AtomicInteger();
      try (Workers w = new Workers(kind)) {
        w.startAll(
            "caller",
            8,
            i -> {
              start.await();
              once.run(
                  () -> {
                    runs.incrementAndGet();
                    effect[0] = 42; // plain write, published by Once
                  });
              if (effect[0] == 42) {
                sawEffect.incrementAndGet();
              }
            });
        start.countDown();
      }
      assertEquals(1, runs.get());
      assertEquals(8, sawEffect.get());
      assertTrue(once.isDone());
      assertFalse(once.hasFailed());
    }
  }

  @ParameterizedTest
  @EnumSource(ThreadKind.class)
  void concurrentCallersWaitForTheRunningBody(ThreadKind kind) throws Exception {
    Once once = new Once();
    CountDownLatch bodyStarted = new CountDownLatch(1);
    CountDownLatch releaseBody = new CountDownLatch(1);
    AtomicInteger returnedEarly = new AtomicInteger();
    try (Workers w = new Workers(kind)) {
      w.start(
          "runner",
          () ->
              once.run(
                  () -> {
                    bodyStarted.countDown();
                    try {
                      releaseBody.await();
                    } catch (InterruptedException e) {
                      throw new AssertionError(e);
                    }
                  }));
      bodyStarted.await();
      Thread waiter =
          w.start(
              "waiter",
              () -> {
                once.run(() -> returnedEarly.addAndGet(100)); // must not run
                if (releaseBody.getCount() != 0) {
                  returnedEarly.incrementAndGet();
                }
              });
      Workers.awaitBlocked(waiter);
      releaseBody.countDown();
    }
    assertEquals(0, returnedEarly.get());
  }

  @Test
  void aFailingBodyIsReportedToEveryCallerAndNeverRerun() throws Exception {
    Once once = new Once();
    IllegalArgumentException boom = new IllegalArgumentException("boom");
    AtomicInteger runs = new AtomicInteger();
    Runnable body =
        () -> {
          runs.incrementAndGet();
          throw boom;
        };
    assertSame(boom, assertThrows(IllegalArgumentException.class, () -> once.run(body)));
    assertSame(boom, assertThrows(IllegalArgumentException.class, () -> once.run(body)));
    AtomicReference<Throwable> other = new AtomicReference<>();
    try (Workers w = new Workers(ThreadKind.VIRTUAL)) {
      w.start(
          "other", () -> other.set(assertThrows(RuntimeException.class, () -> once.run(() -> {}))));
    }
    assertSame(boom, other.get());
    assertEquals(1, runs.get());
    assertTrue(once.hasFailed());
  }

  @Test
  void recursiveUseIsRefusedInsteadOfDeadlocking() {
    Once once = new Once();
    AtomicReference<Throwable> inner = new AtomicReference<>();
    once.run(() -> inner.set(assertThrows(IllegalStateException.class, () -> once.run(() -> {}))));
    assertTrue(inner.get().getMessage().contains("recursive"));
    assertTrue(once.isDone());
  }

  @ParameterizedTest
  @EnumSource(ThreadKind.class)
  void onceValueComputesOnce(ThreadKind kind) throws Exception {
    AtomicInteger calls = new AtomicInteger();
    OnceValue<String> value =
        OnceValue.of(
            () -> {
              calls.incrementAndGet();
              return "config";
            });
    assertFalse(value.isDone());
    AtomicInteger same = new AtomicInteger();
    try (Workers w = new Workers(kind)) {
      w.startAll(
          "reader",
          8,
          i -> {
            if (value.get() == "config") { // identity: the one computed instance
              same.incrementAndGet();
            }
          });
    }
    assertEquals(1, calls.get());
    assertEquals(8, same.get());
    assertTrue(value.isDone());
  }

  @Test
  void onceValueMayBeNullAndRethrowsFailures() {
    OnceValue<Object> nothing = OnceValue.of(() -> null);
    assertNull(nothing.get());
    assertNull(nothing.get());
    Error oops = new AssertionError("oops");
    AtomicInteger calls = new AtomicInteger();
    OnceValue<Object> failing =
        OnceValue.of(
            () -> {
              calls.incrementAndGet();
              throw oops;
            });
    assertSame(oops, assertThrows(AssertionError.class, failing::get));
    assertSame(oops, assertThrows(AssertionError.class, failing::get));
    assertEquals(1, calls.get());
    assertThrows(NullPointerException.class, () -> OnceValue.of(null));
    assertThrows(NullPointerException.class, () -> new Once().run(null));
  }

  @Test
  void onceValueReleasesItsSupplier() throws InterruptedException {
    Object captured = new Object();
    WeakReference<Object> ref = new WeakReference<>(captured);
    OnceValue<Integer> value = capturing(captured);
    captured = null;
    value.get();
    for (int i = 0; i < 50 && ref.get() != null; i++) {
      System.gc();
      Thread.sleep(10);
    }
    assertNull(ref.get(), "what the supplier captured must be collectable after it ran");
    assertTrue(value.isDone());
  }

  private static OnceValue<Integer> capturing(Object captured) {
    return OnceValue.of(captured::hashCode);
  }
}
