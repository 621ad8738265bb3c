package dev.weft.clocks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.testkit.DriftingClock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;

/**
 * The properties that Kulkarni, Demirbas, Madappa, Avva and Leone prove for hybrid logical clocks
 * ("Logical Physical Clocks", OPODIS 2014), checked over random message exchanges between nodes
 * whose physical clocks start skewed and drift at different rates ({@link DriftingClock}). The
 * happened-before relation is computed from the execution itself. Replay a failure with {@code
 * -Dweft.seed=N}.
 */
class HybridLogicalClockSimulationTest {
  /** One event: where, its physical reading, the timestamp, and the events that happened before. */
  private record Event(int node, long pt, HybridTimestamp ts, BitSet past) {}

  private record Message(int to, HybridTimestamp ts, long deliverAt, int sendEvent) {}

  /** The outcome of one run: the events and ε, the largest skew between any two clocks seen. */
  private record Run(List<Event> events, long epsilon, int nodes, int overflows) {}

  /** A physical clock that remembers its last reading, which is the pt of the HLC's last event. */
  private static final class Recording implements LongSupplier {
    private final DriftingClock clock;
    long last;

    Recording(DriftingClock clock) {
      this.clock = clock;
    }

    @Override
    public long getAsLong() {
      return last = clock.getAsLong();
    }
  }

  /**
   * Runs {@code steps} steps of {@code n} nodes exchanging messages. If {@code onePerTick}, a node
   * has at most one event per reading of its physical clock (the assumption behind the paper's
   * counter bound).
   */
  private static Run simulate(SplittableRandom r, int n, int steps, boolean onePerTick) {
    AtomicLong trueTime = new AtomicLong(1_700_000_000_000L + r.nextInt(1_000_000));
    long maxSkew = 1 + r.nextInt(200);
    double maxDrift = r.nextBoolean() ? 1e-4 : 5e-3; // 100 ppm, or a badly broken 0.5%
    Recording[] physical = new Recording[n];
    DriftingClock[] drifting = new DriftingClock[n];
    HybridLogicalClock[] hlc = new HybridLogicalClock[n];
    AtomicInteger overflows = new AtomicInteger();
    HybridClockListener countOverflows =
        new HybridClockListener() {
          @Override
          public void logicalOverflow(HybridTimestamp carried) {
            overflows.incrementAndGet();
          }
        };
    for (int i = 0; i < n; i++) {
      drifting[i] =
          new DriftingClock(
              trueTime::get,
              r.nextLong(-maxSkew / 2, maxSkew / 2 + 1),
              (r.nextDouble() * 2 - 1) * maxDrift);
      physical[i] = new Recording(drifting[i]);
      hlc[i] = new HybridLogicalClock(physical[i], Long.MAX_VALUE, countOverflows);
    }
    List<Event> events = new ArrayList<>();
    List<Message> inFlight = new ArrayList<>();
    int[] lastEvent = new int[n];
    Arrays.fill(lastEvent, -1);
    long epsilon = 0;
    for (int s = 0; s < steps; s++) {
      if (r.nextInt(4) == 0) {
        trueTime.addAndGet(r.nextInt(6)); // sometimes a burst of events in the same millisecond
      }
      long[] readings = new long[n];
      for (int i = 0; i < n; i++) {
        readings[i] = drifting[i].getAsLong();
      }
      long lo = Arrays.stream(readings).min().orElseThrow();
      long hi = Arrays.stream(readings).max().orElseThrow();
      epsilon = Math.max(epsilon, hi - lo);

      int node;
      Message received = null;
      List<Integer> deliverable = new ArrayList<>();
      for (int m = 0; m < inFlight.size(); m++) {
        if (inFlight.get(m).deliverAt() <= trueTime.get()) {
          deliverable.add(m);
        }
      }
      if (!deliverable.isEmpty() && r.nextBoolean()) {
        received = inFlight.get(deliverable.get(r.nextInt(deliverable.size())));
        node = received.to();
      } else {
        node = r.nextInt(n);
      }
      if (onePerTick
          && lastEvent[node] >= 0
          && events.get(lastEvent[node]).pt() == readings[node]) {
        continue; // this node already had an event at this reading
      }
      HybridTimestamp ts;
      BitSet past = new BitSet();
      boolean send = false;
      if (received != null) {
        inFlight.remove(received);
        ts = hlc[node].update(received.ts());
        past.or(events.get(received.sendEvent()).past());
        past.set(received.sendEvent());
      } else {
        ts = hlc[node].now();
        send = r.nextBoolean();
      }
      if (lastEvent[node] >= 0) {
        Event previous = events.get(lastEvent[node]);
        assertTrue(ts.isAfter(previous.ts()), "strictly increasing at node " + node);
        past.or(previous.past());
        past.set(lastEvent[node]);
      }
      int index = events.size();
      events.add(new Event(node, physical[node].last, ts, past));
      lastEvent[node] = index;
      if (send) {
        long deliverAt = trueTime.get() + r.nextInt(20); // delays of 0 to 19 ms
        inFlight.add(new Message(r.nextInt(n), ts, deliverAt, index));
      }
    }
    return new Run(events, epsilon, n, overflows.get());
  }

  private static void checkPaperProperties(Run run) {
    List<Event> events = run.events();
    for (int f = 0; f < events.size(); f++) {
      Event ef = events.get(f);
      long l = ef.ts().wallMillis();
      int event = f;
      // Theorem 2 and its corollary: pt <= l <= pt + ε.
      assertTrue(l >= ef.pt(), () -> "l < pt at event " + event + ": " + ef);
      assertTrue(
          l - ef.pt() <= run.epsilon(),
          () -> "l - pt = " + (l - ef.pt()) + " exceeds ε = " + run.epsilon() + " at " + ef);
      // Theorem 1: e hb f implies ts(e) < ts(f).
      ef.past().stream()
          .forEach(
              e ->
                  assertTrue(
                      events.get(e).ts().compareTo(ef.ts()) < 0,
                      () -> "event " + e + " happened before " + event + " but is not smaller"));
      // Theorem 3: if l.f > pt.f, some g with g hb f has pt.g = l.f.
      if (l > ef.pt()) {
        assertTrue(
            ef.past().stream().anyMatch(g -> events.get(g).pt() == l),
            () -> "no event in the past of " + event + " has pt = l = " + l);
      }
      // Theorem 4: c.f <= |{g : g hb f and l.g = l.f}|.
      long sameL = ef.past().stream().filter(g -> events.get(g).ts().wallMillis() == l).count();
      assertTrue(
          ef.ts().logical() <= sameL,
          () -> "c = " + ef.ts().logical() + " but only " + sameL + " earlier events share l");
    }
  }

  @Test
  void invariantsHoldOverRandomExchanges() throws Exception {
    Seeds.check(
        60,
        (r, seed) -> {
          Run run = simulate(r, 2 + r.nextInt(5), 400 + r.nextInt(400), false);
          assertEquals(0, run.overflows(), "no overflow at these rates");
          checkPaperProperties(run);
        });
  }

  @Test
  void counterStaysWithinNTimesEpsilonPlusOne() throws Exception {
    Seeds.check(
        60,
        (r, seed) -> {
          Run run = simulate(r, 2 + r.nextInt(5), 800, true);
          checkPaperProperties(run);
          long bound = run.nodes() * (run.epsilon() + 1);
          for (Event e : run.events()) {
            assertTrue(
                e.ts().logical() <= bound,
                () -> "c = " + e.ts().logical() + " exceeds N(ε + 1) = " + bound);
          }
        });
  }
}
