package dev.weft.chan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.testkit.ThreadKind;
import dev.weft.testkit.Workers;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Scenarios from Go's own channel tests ({@code runtime/chan_test.go}), written afresh for weft:
 * each checks the property that Go's test checks, on platform and virtual threads. Randomized
 * scenarios print their seed; {@code -Dweft.seed=N} replays one.
 */
class GoScenariosTest {
  private static long seed() {
    long seed = Long.getLong("weft.seed", System.nanoTime());
    System.out.println("GoScenariosTest seed " + seed + " (replay with -Dweft.seed=" + seed + ")");
    return seed;
  }

  /**
   * Go's TestSelfSelect: two threads each select between sending their id and receiving on the same
   * channel. A select must never receive its own value, which would mean it matched itself.
   */
  @ParameterizedTest
  @EnumSource(ThreadKind.class)
  void selfSelect(ThreadKind kind) throws Exception {
    for (int capacity : new int[] {0, 10}) {
      Channel<Integer> c = Channel.make(capacity);
      AtomicInteger sends = new AtomicInteger();
      AtomicInteger receives = new AtomicInteger();
      try (Workers w = new Workers(kind)) {
        w.startAll(
            "selector",
            2,
            p -> {
              for (int i = 0; i < 5_000; i++) {
                if (p == 0 || i % 2 == 0) {
                  int got = Select.select(c.onSend(p, () -> -1), c.onReceive(v -> v));
                  if (got == -1) {
                    sends.incrementAndGet();
                  } else {
                    receives.incrementAndGet();
                    if (capacity == 0) {
                      assertTrue(got != p, "select " + p + " received its own value");
                    }
                  }
                } else {
                  int got = Select.select(c.onReceive(v -> v), c.onSend(p, () -> -1));
                  if (got == -1) {
                    sends.incrementAndGet();
                  } else {
                    receives.incrementAndGet();
                    if (capacity == 0) {
                      assertTrue(got != p, "select " + p + " received its own value");
                    }
                  }
                }
              }
            });
      }
      assertEquals(sends.get(), receives.get() + c.size(), "every completed send was received");
    }
  }

  /**
   * Go's TestSelectStress: on four channels (two unbuffered, two buffered), four threads send N
   * values each on one channel, four receive N each from one channel, one thread sends N on every
   * channel through a single select (dropping a channel's clause once its quota is met), and one
   * receives the same way. Everything must complete without deadlock and every count must match.
   */
  @ParameterizedTest
  @EnumSource(ThreadKind.class)
  void selectStress(ThreadKind kind) throws Exception {
    int n = 5_000;
    List<Channel<Integer>> c =
        List.of(Channel.make(), Channel.make(), Channel.make(2), Channel.make(3));
    AtomicLong received = new AtomicLong();
    try (Workers w = new Workers(kind)) {
      w.startAll(
          "sender",
          4,
          k -> {
            for (int i = 0; i < n; i++) {
              c.get(k).send(i);
            }
          });
      w.startAll(
          "receiver",
          4,
          k -> {
            for (int i = 0; i < n; i++) {
              c.get(k).receive();
              received.incrementAndGet();
            }
          });
      w.start(
          "select-sender",
          () -> {
            int[] left = {n, n, n, n};
            while (left[0] + left[1] + left[2] + left[3] > 0) {
              List<SelectClause<Integer>> clauses = new ArrayList<>();
              for (int k = 0; k < 4; k++) {
                int which = k;
                if (left[k] > 0) {
                  clauses.add(c.get(k).onSend(k, () -> which));
                }
              }
              left[Select.select(clauses)]--;
            }
          });
      w.start(
          "select-receiver",
          () -> {
            int[] left = {n, n, n, n};
            while (left[0] + left[1] + left[2] + left[3] > 0) {
              List<SelectClause<Integer>> clauses = new ArrayList<>();
              for (int k = 0; k < 4; k++) {
                int which = k;
                if (left[k] > 0) {
                  clauses.add(c.get(k).onReceive(v -> which));
                }
              }
              left[Select.select(clauses)]--;
              received.incrementAndGet();
            }
          });
    }
    assertEquals(8L * n, received.get());
    for (Channel<Integer> ch : c) {
      assertEquals(0, ch.size());
    }
  }

  /**
   * Go's TestSelectFairness: with two (and then four) channels always ready, a select must choose
   * each about equally often. Each count must lie within 10 standard deviations of its expectation
   * (binomial), as in Go; a biased select fails by far more.
   */
  @ParameterizedTest
  @EnumSource(ThreadKind.class)
  void selectFairness(ThreadKind kind) throws Exception {
    for (int k : new int[] {2, 4}) {
      int trials = 10_000;
      List<Channel<Integer>> chans = new ArrayList<>();
      for (int i = 0; i < k; i++) {
        Channel<Integer> ch = Channel.make(trials + 1);
        for (int j = 0; j <= trials; j++) {
          ch.send(j);
        }
        chans.add(ch);
      }
      int[] counts = new int[k];
      try (Workers w = new Workers(kind)) {
        w.start(
            "selector",
            () -> {
              List<SelectClause<Integer>> clauses = new ArrayList<>();
              for (int i = 0; i < k; i++) {
                int which = i;
                clauses.add(chans.get(i).onReceive(v -> which));
              }
              for (int t = 0; t < trials; t++) {
                counts[Select.select(clauses)]++;
              }
            });
      }
      double p = 1.0 / k;
      double mean = trials * p;
      double sigma = Math.sqrt(trials * p * (1 - p));
      for (int i = 0; i < k; i++) {
        assertTrue(
            Math.abs(counts[i] - mean) <= 10 * sigma,
            "unfair select over " + k + " channels: " + java.util.Arrays.toString(counts));
      }
    }
  }

  /**
   * Go's TestNonblockRecvRace: a value is buffered, then one thread does a non-blocking select
   * receive while another closes the channel. The channel is ready throughout (first with the
   * value, then closed), so the select must never fall through to its default.
   */
  @ParameterizedTest
  @EnumSource(ThreadKind.class)
  void nonBlockingReceiveRacingClose(ThreadKind kind) throws Exception {
    for (int i = 0; i < 2_000; i++) {
      Channel<Integer> c = Channel.make(1);
      c.send(1);
      AtomicReference<String> outcome = new AtomicReference<>();
      try (Workers w = new Workers(kind)) {
        w.start(
            "receiver",
            () ->
                outcome.set(
                    Select.select(
                        c.onReceiveOrClosed(v -> v.isPresent() ? "value" : "closed"),
                        Select.onDefault(() -> "default"))));
        c.close();
        c.receiveOrClosed(); // drains the value, if the receiver did not take it
      }
      assertTrue(!outcome.get().equals("default"), "ready channel reported not ready");
    }
  }

  /**
   * Non-blocking send and receive racing each other on a buffered channel of one: every value a
   * trySend reports delivered is received exactly once, and none is invented.
   */
  @ParameterizedTest
  @EnumSource(ThreadKind.class)
  void nonBlockingSendAndReceiveRace(ThreadKind kind) throws Exception {
    Channel<Integer> c = Channel.make(1);
    AtomicInteger delivered = new AtomicInteger();
    ConcurrentLinkedQueue<Integer> got = new ConcurrentLinkedQueue<>();
    int attempts = 50_000;
    try (Workers w = new Workers(kind)) {
      w.start(
          "sender",
          () -> {
            for (int i = 0; i < attempts; i++) {
              if (c.trySend(i)) {
                delivered.incrementAndGet();
              }
            }
            c.close();
          });
      w.start(
          "receiver",
          () -> {
            while (!c.isClosedForReceive()) {
              c.tryReceive().ifPresent(got::add);
            }
          });
    }
    c.tryReceive().ifPresent(got::add);
    assertEquals(delivered.get(), got.size());
    int last = -1;
    for (int v : got) {
      assertTrue(v > last, "order kept");
      last = v;
    }
  }

  /**
   * Close racing with blocked and arriving senders and receivers: every send that returned was
   * received exactly once, every send that threw delivered nothing, and every receiver ended.
   */
  @ParameterizedTest
  @EnumSource(ThreadKind.class)
  void closeRaces(ThreadKind kind) throws Exception {
    long seed = seed();
    Random random = new Random(seed);
    for (int round = 0; round < 200; round++) {
      int capacity = random.nextInt(3);
      Channel<Integer> c = Channel.make(capacity);
      ConcurrentLinkedQueue<Integer> sent = new ConcurrentLinkedQueue<>();
      ConcurrentLinkedQueue<Integer> got = new ConcurrentLinkedQueue<>();
      int closeAfter = random.nextInt(20);
      try (Workers w = new Workers(kind)) {
        w.startAll(
            "sender",
            2,
            s -> {
              for (int i = 0; i < 20; i++) {
                int v = s * 100 + i;
                try {
                  c.send(v);
                  sent.add(v);
                } catch (ChannelClosedException e) {
                  return;
                }
              }
            });
        w.startAll(
            "receiver",
            2,
            r -> {
              for (Optional<Integer> v; (v = c.receiveOrClosed()).isPresent(); ) {
                got.add(v.get());
              }
            });
        w.start(
            "closer",
            () -> {
              for (int i = 0; i < closeAfter; i++) {
                Thread.onSpinWait();
              }
              c.close();
            });
      }
      List<Integer> a = new ArrayList<>(sent);
      List<Integer> b = new ArrayList<>(got);
      a.sort(null);
      b.sort(null);
      assertEquals(a, b, "seed " + seed + " round " + round);
    }
  }

  /**
   * Go's TestPseudoRandomSend: a select offers 0 and 1 on the same unbuffered channel; a receiver
   * must see both values reasonably often, not always the first clause.
   */
  @ParameterizedTest
  @EnumSource(ThreadKind.class)
  void pseudoRandomSend(ThreadKind kind) throws Exception {
    for (int capacity : new int[] {0, 1}) {
      Channel<Integer> c = Channel.make(capacity);
      int n = 1_000;
      int[] seen = new int[2];
      try (Workers w = new Workers(kind)) {
        w.start(
            "receiver",
            () -> {
              for (int i = 0; i < n; i++) {
                seen[c.receive()]++;
              }
            });
        for (int i = 0; i < n; i++) {
          Select.select(c.onSend(0, () -> 0), c.onSend(1, () -> 1));
        }
      }
      assertTrue(
          seen[0] > n / 10 && seen[1] > n / 10,
          "capacity " + capacity + ": want both values often, got " + seen[0] + " and " + seen[1]);
    }
  }

  /**
   * Go's TestMultiConsumer: a producer feeds values through a channel to several workers that pass
   * them on to a results channel; the number and the sum of the results must match.
   */
  @ParameterizedTest
  @EnumSource(ThreadKind.class)
  void multiConsumer(ThreadKind kind) throws Exception {
    int workers = 10;
    int items = 10_000;
    Channel<Integer> q = Channel.make(workers * 2);
    Channel<Integer> r = Channel.make(workers * 2);
    long expected = 0;
    long sum = 0;
    int count = 0;
    try (Workers w = new Workers(kind)) {
      AtomicInteger running = new AtomicInteger(workers);
      w.startAll(
          "worker",
          workers,
          i -> {
            for (int v : q) {
              r.send(v * v);
            }
            if (running.decrementAndGet() == 0) {
              r.close();
            }
          });
      w.start(
          "producer",
          () -> {
            for (int i = 0; i < items; i++) {
              q.send(i);
            }
            q.close();
          });
      for (int v : r) {
        sum += v;
        count++;
      }
    }
    for (long i = 0; i < items; i++) {
      expected += (int) (i * i);
    }
    assertEquals(items, count);
    assertEquals(expected, sum);
  }
}
