package dev.weft.chan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.testkit.ThreadKind;
import dev.weft.testkit.Workers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The channel contract, run for every capacity on platform and virtual threads: unbuffered; bounded
 * buffers of 1 (one slot, packed), 3, 16 and 64 (slot objects, each on a cache line of its own, a
 * capacity that is not a power of two among them), 65, 100 and 128 (packed arrays, over 64, again
 * with and without a power of two); unlimited.
 */
class ChannelContractTest {
  static final int UNLIMITED = -1;
  private static final Duration SHORT = Duration.ofMillis(30);

  static Stream<Arguments> cases() {
    List<Arguments> all = new ArrayList<>();
    for (int capacity : new int[] {0, 1, 3, 16, 64, 65, 100, 128, UNLIMITED}) {
      for (ThreadKind kind : ThreadKind.values()) {
        all.add(Arguments.of(capacity, kind));
      }
    }
    return all.stream();
  }

  static Channel<Integer> make(int capacity) {
    return capacity == UNLIMITED ? Channel.unlimited() : Channel.make(capacity);
  }

  /** How many values a send can leave in the buffer without a receiver. */
  static int room(int capacity) {
    return capacity == UNLIMITED ? 1_000 : capacity;
  }

  @ParameterizedTest(name = "capacity {0}, {1}")
  @MethodSource("cases")
  void valuesArriveInOrderAndHappenBefore(int capacity, ThreadKind kind) throws Exception {
    Channel<Integer> ch = make(capacity);
    int[] plain = new int[1000];
    List<Integer> got = new ArrayList<>();
    try (Workers w = new Workers(kind)) {
      w.start(
          "sender",
          () -> {
            for (int i = 0; i < 1000; i++) {
              plain[i] = i * 7; // written before the send: visible after the receive
              ch.send(i);
            }
            ch.close();
          });
      for (int v : ch) {
        assertEquals(v * 7, plain[v]);
        got.add(v);
      }
    }
    assertEquals(1000, got.size());
    for (int i = 0; i < 1000; i++) {
      assertEquals(i, got.get(i));
    }
  }

  @ParameterizedTest(name = "capacity {0}, {1}")
  @MethodSource("cases")
  void trySendFillsTheBufferThenRefuses(int capacity, ThreadKind kind) {
    Channel<Integer> ch = make(capacity);
    int room = room(capacity);
    for (int i = 0; i < room; i++) {
      assertTrue(ch.trySend(i), "buffered send " + i);
      assertEquals(i + 1, ch.size());
    }
    if (capacity != UNLIMITED) {
      assertFalse(ch.trySend(-1), "no room and no receiver");
      assertEquals(capacity, ch.capacity());
    } else {
      assertEquals(Integer.MAX_VALUE, ch.capacity());
    }
    for (int i = 0; i < room; i++) {
      assertEquals(Optional.of(i), ch.tryReceive());
    }
    assertEquals(Optional.empty(), ch.tryReceive());
    assertEquals(0, ch.size());
  }

  @ParameterizedTest(name = "capacity {0}, {1}")
  @MethodSource("cases")
  void orderAndSizeHoldOverManyLapsOfTheBuffer(int capacity, ThreadKind kind) {
    if (capacity == 0) {
      return; // no buffer
    }
    Channel<Integer> ch = make(capacity);
    int room = Math.min(room(capacity), 200);
    int sent = 0;
    int received = 0;
    // Uneven fills and drains, so that every slot is written and read at many positions.
    for (int step = 0; received < 10 * room + 7; step++) {
      int fill = 1 + (step * 7) % room;
      for (int i = 0; i < fill && sent - received < room; i++) {
        assertTrue(ch.trySend(sent), "room for value " + sent);
        sent++;
      }
      if (capacity != UNLIMITED && sent - received == capacity) {
        assertFalse(ch.trySend(-1), "a full buffer refuses");
      }
      assertEquals(sent - received, ch.size());
      int drain = 1 + (step * 5) % (sent - received);
      for (int i = 0; i < drain; i++) {
        assertEquals(Optional.of(received), ch.tryReceive());
        received++;
      }
      assertEquals(sent - received, ch.size());
    }
  }

  @ParameterizedTest(name = "capacity {0}, {1}")
  @MethodSource("cases")
  void trySendAndTryReceiveMeetABlockedPartner(int capacity, ThreadKind kind) throws Exception {
    Channel<Integer> ch = make(capacity);
    AtomicReference<Integer> received = new AtomicReference<>();
    try (Workers w = new Workers(kind)) {
      Thread receiver = w.start("receiver", () -> received.set(ch.receive()));
      Workers.awaitBlocked(receiver);
      assertTrue(ch.trySend(42), "a blocked receiver takes a non-blocking send");
    }
    assertEquals(42, received.get());
    if (capacity == 0 || capacity == 1) {
      int fill = capacity; // make the next send block
      for (int i = 0; i < fill; i++) {
        assertTrue(ch.trySend(100 + i));
      }
      try (Workers w = new Workers(kind)) {
        Thread sender = w.start("sender", () -> ch.send(7));
        Workers.awaitBlocked(sender);
        for (int i = 0; i < fill; i++) {
          assertEquals(Optional.of(100 + i), ch.tryReceive());
        }
        if (capacity == 0) {
          assertEquals(Optional.of(7), ch.tryReceive(), "a blocked sender meets a tryReceive");
        } else {
          // The receive made room and woke the sender, which now refills the buffer. Unlike Go's
          // runtime, weft's buffered channels do not move the value on the sender's behalf, so
          // for a moment the buffer may be empty; the value must arrive, exactly once.
          Optional<Integer> v = Optional.empty();
          for (long end = System.nanoTime() + 10_000_000_000L;
              v.isEmpty() && System.nanoTime() < end; ) {
            v = ch.tryReceive();
          }
          assertEquals(Optional.of(7), v, "the woken sender's value arrives");
        }
        assertEquals(Optional.empty(), ch.tryReceive());
      }
    }
  }

  @ParameterizedTest(name = "capacity {0}, {1}")
  @MethodSource("cases")
  void unbufferedSendWaitsForTheReceiver(int capacity, ThreadKind kind) throws Exception {
    if (capacity != 0) {
      return;
    }
    Channel<Integer> ch = make(capacity);
    AtomicBoolean sent = new AtomicBoolean();
    try (Workers w = new Workers(kind)) {
      Thread sender =
          w.start(
              "sender",
              () -> {
                ch.send(1);
                sent.set(true);
              });
      Workers.awaitBlocked(sender);
      assertFalse(sent.get(), "a rendezvous send returned before any receiver came");
      assertEquals(1, ch.receive());
    }
    assertTrue(sent.get());
  }

  @ParameterizedTest(name = "capacity {0}, {1}")
  @MethodSource("cases")
  void closeLetsReceiversDrainThenReportsClosed(int capacity, ThreadKind kind) throws Exception {
    Channel<Integer> ch = make(capacity);
    int buffered = Math.min(room(capacity), 5);
    for (int i = 0; i < buffered; i++) {
      ch.send(i);
    }
    ch.close();
    assertTrue(ch.isClosed());
    assertThrows(ChannelClosedException.class, () -> ch.send(9));
    assertThrows(ChannelClosedException.class, () -> ch.trySend(9));
    assertThrows(ChannelClosedException.class, () -> ch.send(9, SHORT));
    for (int i = 0; i < buffered; i++) {
      assertFalse(ch.isClosedForReceive());
      assertEquals(i, ch.receive());
    }
    assertTrue(ch.isClosedForReceive());
    assertThrows(ChannelClosedException.class, ch::receive);
    assertThrows(ChannelClosedException.class, () -> ch.receive(SHORT));
    assertEquals(Optional.empty(), ch.receiveOrClosed());
    assertEquals(Optional.empty(), ch.tryReceive());
    ChannelClosedException twice = assertThrows(ChannelClosedException.class, ch::close);
    assertTrue(twice.getMessage().contains("close of closed channel"));
    assertFalse(ch.iterator().hasNext());
  }

  @ParameterizedTest(name = "capacity {0}, {1}")
  @MethodSource("cases")
  void closeWakesBlockedReceiversAndFailsBlockedSenders(int capacity, ThreadKind kind)
      throws Exception {
    Channel<Integer> ch = make(capacity);
    try (Workers w = new Workers(kind)) {
      List<Thread> receivers = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        receivers.add(w.start("receiver-" + i, () -> assertTrue(ch.receiveOrClosed().isEmpty())));
      }
      for (Thread t : receivers) {
        Workers.awaitBlocked(t);
      }
      ch.close();
    }
    if (capacity == UNLIMITED) {
      return; // sends never block
    }
    Channel<Integer> full = make(capacity);
    for (int i = 0; i < capacity; i++) {
      full.send(i);
    }
    try (Workers w = new Workers(kind)) {
      Thread sender =
          w.start("sender", () -> assertThrows(ChannelClosedException.class, () -> full.send(99)));
      Workers.awaitBlocked(sender);
      full.close();
    }
    for (int i = 0; i < capacity; i++) {
      assertEquals(i, full.receive());
    }
    assertEquals(Optional.empty(), full.receiveOrClosed(), "the failed send delivered nothing");
  }

  @ParameterizedTest(name = "capacity {0}, {1}")
  @MethodSource("cases")
  void closeWithACauseIsReported(int capacity, ThreadKind kind) throws Exception {
    Channel<Integer> ch = make(capacity);
    Exception cause = new java.io.IOException("upstream failed");
    try (Workers w = new Workers(kind)) {
      Thread receiver =
          w.start(
              "receiver",
              () ->
                  assertSame(
                      cause, assertThrows(ChannelClosedException.class, ch::receive).getCause()));
      Workers.awaitBlocked(receiver);
      ch.close(cause);
    }
    assertSame(cause, assertThrows(ChannelClosedException.class, () -> ch.send(1)).getCause());
    assertSame(cause, assertThrows(ChannelClosedException.class, ch::close).getCause());
    assertThrows(NullPointerException.class, () -> make(capacity).close(null));
  }

  @ParameterizedTest(name = "capacity {0}, {1}")
  @MethodSource("cases")
  void timeoutsExpireWithoutEffect(int capacity, ThreadKind kind) throws Exception {
    Channel<Integer> ch = make(capacity);
    long start = System.nanoTime();
    assertEquals(Optional.empty(), ch.receive(SHORT));
    assertTrue(System.nanoTime() - start >= SHORT.toNanos());
    assertEquals(Optional.empty(), ch.receive(Duration.ZERO));
    if (capacity == UNLIMITED) {
      assertTrue(ch.send(1, SHORT));
      return;
    }
    for (int i = 0; i < capacity; i++) {
      assertTrue(ch.send(i, SHORT));
    }
    start = System.nanoTime();
    assertFalse(ch.send(99, SHORT));
    assertTrue(System.nanoTime() - start >= SHORT.toNanos());
    assertFalse(ch.send(99, Duration.ofSeconds(-1)));
    for (int i = 0; i < capacity; i++) {
      assertEquals(i, ch.receive());
    }
    assertEquals(Optional.empty(), ch.tryReceive(), "a timed-out send delivered nothing");
  }

  @ParameterizedTest(name = "capacity {0}, {1}")
  @MethodSource("cases")
  void timedOperationsSucceedWhenAPartnerComesInTime(int capacity, ThreadKind kind)
      throws Exception {
    Channel<Integer> ch = make(capacity);
    try (Workers w = new Workers(kind)) {
      Thread receiver =
          w.start(
              "receiver", () -> assertEquals(Optional.of(5), ch.receive(Duration.ofSeconds(10))));
      Workers.awaitBlocked(receiver);
      assertTrue(ch.send(5, Duration.ofSeconds(10)));
    }
  }

  @ParameterizedTest(name = "capacity {0}, {1}")
  @MethodSource("cases")
  void interruptedOperationsHaveNoEffect(int capacity, ThreadKind kind) throws Exception {
    Channel<Integer> ch = make(capacity);
    try (Workers w = new Workers(kind)) {
      Thread receiver =
          w.start("receiver", () -> assertThrows(InterruptedException.class, ch::receive));
      Workers.awaitBlocked(receiver);
      receiver.interrupt();
    }
    // The interrupted receiver took nothing: a later value reaches a later receiver.
    try (Workers w = new Workers(kind)) {
      w.start("late-receiver", () -> assertEquals(3, ch.receive()));
      ch.send(3);
    }
    if (capacity != UNLIMITED) {
      for (int i = 0; i < capacity; i++) {
        ch.send(i);
      }
      try (Workers w = new Workers(kind)) {
        Thread sender =
            w.start("sender", () -> assertThrows(InterruptedException.class, () -> ch.send(99)));
        Workers.awaitBlocked(sender);
        sender.interrupt();
      }
      for (int i = 0; i < capacity; i++) {
        assertEquals(i, ch.receive());
      }
      assertEquals(Optional.empty(), ch.tryReceive(), "the interrupted send delivered nothing");
    }
    Thread.currentThread().interrupt();
    assertThrows(InterruptedException.class, () -> ch.send(1));
    Thread.currentThread().interrupt();
    assertThrows(InterruptedException.class, ch::receive);
    assertFalse(Thread.interrupted());
  }

  @ParameterizedTest(name = "capacity {0}, {1}")
  @MethodSource("cases")
  void manyProducersAndConsumersLoseAndDuplicateNothing(int capacity, ThreadKind kind)
      throws Exception {
    Channel<Integer> ch = make(capacity);
    int producers = 4;
    int consumers = 4;
    int perProducer = 5_000;
    ConcurrentLinkedQueue<List<Integer>> seen = new ConcurrentLinkedQueue<>();
    AtomicInteger producing = new AtomicInteger(producers);
    try (Workers w = new Workers(kind)) {
      w.startAll(
          "producer",
          producers,
          p -> {
            for (int i = 0; i < perProducer; i++) {
              ch.send(p * perProducer + i);
            }
            if (producing.decrementAndGet() == 0) {
              ch.close();
            }
          });
      w.startAll(
          "consumer",
          consumers,
          c -> {
            List<Integer> mine = new ArrayList<>();
            for (Optional<Integer> v; (v = ch.receiveOrClosed()).isPresent(); ) {
              mine.add(v.get());
            }
            seen.add(mine);
          });
    }
    List<Integer> all = new ArrayList<>();
    for (List<Integer> mine : seen) {
      int[] last = new int[producers];
      java.util.Arrays.fill(last, -1);
      for (int v : mine) {
        int p = v / perProducer;
        assertTrue(v > last[p], "values of one sender arrive in order");
        last[p] = v;
      }
      all.addAll(mine);
    }
    Collections.sort(all);
    assertEquals(producers * perProducer, all.size(), "nothing lost or duplicated");
    for (int i = 0; i < all.size(); i++) {
      assertEquals(i, all.get(i));
    }
  }

  @ParameterizedTest(name = "capacity {0}, {1}")
  @MethodSource("cases")
  void iteratorEndsAtCloseAndHonoursInterrupts(int capacity, ThreadKind kind) throws Exception {
    Channel<Integer> ch = make(capacity);
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    CountDownLatch flagKept = new CountDownLatch(1);
    try (Workers w = new Workers(kind)) {
      Thread t =
          w.start(
              "ranger",
              () -> {
                try {
                  ch.iterator().hasNext();
                } catch (java.util.concurrent.CancellationException e) {
                  thrown.set(e);
                  if (Thread.currentThread().isInterrupted()) {
                    flagKept.countDown();
                  }
                }
              });
      Workers.awaitBlocked(t);
      t.interrupt();
    }
    assertTrue(thrown.get().getCause() instanceof InterruptedException);
    assertEquals(0, flagKept.getCount());
    var it = ch.iterator();
    ch.close();
    assertFalse(it.hasNext());
    assertThrows(java.util.NoSuchElementException.class, it::next);
  }

  @ParameterizedTest(name = "capacity {0}, {1}")
  @MethodSource("cases")
  void nullsAreRejected(int capacity, ThreadKind kind) {
    Channel<Integer> ch = make(capacity);
    assertThrows(NullPointerException.class, () -> ch.send(null));
    assertThrows(NullPointerException.class, () -> ch.trySend(null));
    assertThrows(NullPointerException.class, () -> ch.send(null, SHORT));
    assertThrows(NullPointerException.class, () -> ch.send(1, null));
    assertThrows(NullPointerException.class, () -> ch.receive(null));
    assertThrows(NullPointerException.class, () -> ch.onSend(null, () -> 1));
    assertThrows(NullPointerException.class, () -> ch.onSend(1, null));
    assertThrows(NullPointerException.class, () -> ch.onReceive(null));
    assertThrows(NullPointerException.class, () -> ch.onReceiveOrClosed(null));
    assertEquals(0, ch.size());
  }

  @org.junit.jupiter.api.Test
  void negativeCapacityIsRejected() {
    assertThrows(IllegalArgumentException.class, () -> Channel.make(-1));
    assertEquals(0, Channel.make().capacity());
  }
}
