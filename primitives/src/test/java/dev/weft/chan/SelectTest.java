package dev.weft.chan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.testkit.ThreadKind;
import dev.weft.testkit.Workers;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Select's semantics, clause by clause. */
class SelectTest {
  @Test
  void receivesFromTheReadyChannel() throws InterruptedException {
    Channel<String> a = Channel.make(1);
    Channel<String> b = Channel.make(1);
    b.send("b1");
    String r = Select.select(a.onReceive(v -> "a:" + v), b.onReceive(v -> "b:" + v));
    assertEquals("b:b1", r);
    assertEquals(0, b.size());
  }

  @Test
  void sendsOnTheReadyChannelOnly() throws InterruptedException {
    Channel<Integer> full = Channel.make(1);
    full.send(0);
    Channel<Integer> free = Channel.make(1);
    String r = Select.select(full.onSend(1, () -> "full"), free.onSend(2, () -> "free"));
    assertEquals("free", r);
    assertEquals(Optional.of(0), full.tryReceive());
    assertEquals(Optional.empty(), full.tryReceive(), "the unchosen send delivered nothing");
    assertEquals(Optional.of(2), free.tryReceive());
  }

  @Test
  void exactlyOneOfSeveralReadySendsCompletes() throws InterruptedException {
    for (int i = 0; i < 1_000; i++) {
      Channel<Integer> a = Channel.make(1);
      Channel<Integer> b = Channel.make(1);
      Select.select(a.onSend(1, () -> "a"), b.onSend(2, () -> "b"));
      assertEquals(1, a.size() + b.size());
    }
  }

  @Test
  void defaultIsChosenOnlyWhenNothingIsReady() throws InterruptedException {
    Channel<Integer> ch = Channel.make(1);
    assertEquals(
        "default", Select.select(ch.onReceive(v -> "got"), Select.onDefault(() -> "default")));
    ch.send(1);
    assertEquals("got", Select.select(ch.onReceive(v -> "got"), Select.onDefault(() -> "default")));
    assertEquals("alone", Select.select(Select.onDefault(() -> "alone")));
  }

  @ParameterizedTest
  @EnumSource(ThreadKind.class)
  void timeoutFiresWhenNothingComes(ThreadKind kind) throws Exception {
    Channel<Integer> ch = Channel.make();
    try (Workers w = new Workers(kind)) {
      w.start(
          "selector",
          () -> {
            long start = System.nanoTime();
            String r =
                Select.select(
                    ch.onReceive(v -> "got"),
                    Select.onTimeout(Duration.ofMillis(40), () -> "slow"),
                    Select.onTimeout(Duration.ofMillis(20), () -> "fast"));
            assertEquals("fast", r, "the earliest timeout wins");
            assertTrue(System.nanoTime() - start >= Duration.ofMillis(20).toNanos());
            assertEquals(
                "zero",
                Select.select(
                    ch.onReceive(v -> "got"), Select.onTimeout(Duration.ZERO, () -> "zero")));
            assertEquals(
                "only", Select.select(Select.onTimeout(Duration.ofMillis(1), () -> "only")));
          });
    }
    assertFalse(ch.trySend(1), "no receiver is left registered on the channel");
  }

  @Test
  void orderedSelectPrefersTheFirstReadyClause() throws InterruptedException {
    Channel<Integer> a = Channel.make(100);
    Channel<Integer> b = Channel.make(100);
    for (int i = 0; i < 50; i++) {
      a.send(i);
      b.send(i);
    }
    for (int i = 0; i < 50; i++) {
      assertEquals("b", Select.selectOrdered(b.onReceive(v -> "b"), a.onReceive(v -> "a")));
    }
    assertEquals("a", Select.selectOrdered(b.onReceive(v -> "b"), a.onReceive(v -> "a")));
  }

  @Test
  void closedChannelsInSelect() throws InterruptedException {
    Channel<Integer> closed = Channel.make(1);
    closed.send(7);
    closed.close();
    assertEquals(Optional.of(7), Select.select(closed.onReceiveOrClosed(v -> v)), "drains first");
    assertEquals(Optional.empty(), Select.select(closed.onReceiveOrClosed(v -> v)));
    assertThrows(ChannelClosedException.class, () -> Select.select(closed.onReceive(v -> v)));
    assertThrows(ChannelClosedException.class, () -> Select.select(closed.onSend(1, () -> 1)));
    IllegalStateException cause = new IllegalStateException("why");
    Channel<Integer> failed = Channel.make();
    failed.close(cause);
    assertSame(
        cause,
        assertThrows(ChannelClosedException.class, () -> Select.select(failed.onReceive(v -> v)))
            .getCause());
  }

  @ParameterizedTest
  @EnumSource(ThreadKind.class)
  void closingWakesABlockedSelect(ThreadKind kind) throws Exception {
    Channel<Integer> a = Channel.make();
    Channel<Integer> b = Channel.make();
    AtomicReference<Object> result = new AtomicReference<>();
    try (Workers w = new Workers(kind)) {
      Thread t =
          w.start(
              "selector",
              () -> result.set(Select.select(a.onReceiveOrClosed(v -> v), b.onReceive(v -> v))));
      Workers.awaitBlocked(t);
      a.close();
    }
    assertEquals(Optional.empty(), result.get());
    Channel<Integer> c = Channel.make();
    try (Workers w = new Workers(kind)) {
      Thread t =
          w.start(
              "sender",
              () ->
                  assertThrows(
                      ChannelClosedException.class,
                      () -> Select.select(c.onSend(1, () -> 1), b.onReceive(v -> v))));
      Workers.awaitBlocked(t);
      c.close();
    }
  }

  @ParameterizedTest
  @EnumSource(ThreadKind.class)
  void aBlockedSelectIsCompletedByAPartnerOnAnyClause(ThreadKind kind) throws Exception {
    for (int round = 0; round < 50; round++) {
      Channel<Integer> in = Channel.make();
      Channel<Integer> out = Channel.make();
      AtomicReference<String> result = new AtomicReference<>();
      boolean viaSend = round % 2 == 0;
      try (Workers w = new Workers(kind)) {
        Thread t =
            w.start(
                "selector",
                () ->
                    result.set(
                        Select.select(in.onReceive(v -> "in " + v), out.onSend(9, () -> "out"))));
        Workers.awaitBlocked(t);
        if (viaSend) {
          in.send(round);
        } else {
          assertEquals(9, out.receive());
        }
      }
      assertEquals(viaSend ? "in " + round : "out", result.get());
      assertFalse(in.trySend(1), "the select left no receiver behind");
      assertTrue(out.tryReceive().isEmpty(), "the select left no sender behind");
    }
  }

  @ParameterizedTest
  @EnumSource(ThreadKind.class)
  void anInterruptedSelectCompletesNoClause(ThreadKind kind) throws Exception {
    Channel<Integer> in = Channel.make();
    Channel<Integer> out = Channel.make();
    try (Workers w = new Workers(kind)) {
      Thread t =
          w.start(
              "selector",
              () ->
                  assertThrows(
                      InterruptedException.class,
                      () -> Select.select(in.onReceive(v -> v), out.onSend(1, () -> 1))));
      Workers.awaitBlocked(t);
      t.interrupt();
    }
    assertFalse(in.trySend(5), "no receiver remains");
    assertTrue(out.tryReceive().isEmpty(), "no value was sent");
    Thread.currentThread().interrupt();
    assertThrows(InterruptedException.class, () -> Select.select(Select.onDefault(() -> 1)));
    assertFalse(Thread.interrupted());
  }

  @Test
  void badArgumentsAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> Select.select());
    assertThrows(
        IllegalArgumentException.class,
        () -> Select.select(Select.onDefault(() -> 1), Select.onDefault(() -> 2)));
    assertThrows(NullPointerException.class, () -> Select.select((SelectClause<Object>) null));
    assertThrows(NullPointerException.class, () -> Select.onDefault(null));
    assertThrows(NullPointerException.class, () -> Select.onTimeout(null, () -> 1));
    assertThrows(NullPointerException.class, () -> Select.onTimeout(Duration.ZERO, null));
  }

  @Test
  void clausesCanBeReused() throws InterruptedException {
    Channel<Integer> ch = Channel.make(4);
    SelectClause<Integer> recv = ch.onReceive(v -> v * 10);
    SelectClause<Integer> send = ch.onSend(3, () -> -1);
    assertEquals(-1, Select.select(send));
    assertEquals(-1, Select.select(send));
    assertEquals(30, Select.select(recv));
    assertEquals(30, Select.select(recv));
  }
}
