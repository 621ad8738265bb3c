package dev.weft.testkit.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SimulationTest {
  @Test
  void eventsRunInTimeOrderAndTiesInScheduleOrder() {
    Simulation sim = new Simulation(1);
    List<String> ran = new ArrayList<>();
    sim.schedule(5, "c", () -> ran.add("c@" + sim.now()));
    sim.schedule(1, "a", () -> ran.add("a@" + sim.now()));
    sim.schedule(5, "d", () -> ran.add("d@" + sim.now()));
    sim.schedule(3, "b", () -> ran.add("b@" + sim.now()));
    assertEquals(4, sim.runUntilIdle(100));
    assertEquals(List.of("a@1", "b@3", "c@5", "d@5"), ran);
    assertEquals(5, sim.now());
  }

  @Test
  void aZeroDelayEventRunsAfterEverythingAlreadyDueNow() {
    Simulation sim = new Simulation(1);
    List<String> ran = new ArrayList<>();
    sim.schedule(
        2,
        "first",
        () -> {
          ran.add("first");
          sim.schedule(0, "spawned", () -> ran.add("spawned"));
        });
    sim.schedule(2, "second", () -> ran.add("second"));
    sim.runUntilIdle(100);
    assertEquals(List.of("first", "second", "spawned"), ran);
  }

  @Test
  void aCancelledEventNeverRuns() {
    Simulation sim = new Simulation(1);
    List<String> ran = new ArrayList<>();
    ScheduledEvent timer = sim.schedule(10, "timer", () -> ran.add("timer"));
    sim.schedule(5, "reset", () -> assertTrue(timer.cancel()));
    assertEquals(2, sim.pending());
    sim.runUntilIdle(100);
    assertEquals(List.of(), ran);
    assertFalse(timer.isPending());
    assertFalse(timer.cancel(), "a second cancel does nothing");
    assertEquals(0, sim.pending());
    assertEquals(1, sim.eventsRun());
  }

  @Test
  void runUntilATimeRunsWhatIsDueAndMovesTheClock() {
    Simulation sim = new Simulation(1);
    List<Long> ran = new ArrayList<>();
    for (long t : new long[] {1, 4, 4, 9}) {
      sim.schedule(t, "e" + t, () -> ran.add(sim.now()));
    }
    assertEquals(3, sim.runUntil(6));
    assertEquals(6, sim.now());
    assertEquals(List.of(1L, 4L, 4L), ran);
    assertEquals(1, sim.pending());
    assertThrows(IllegalArgumentException.class, () -> sim.runUntil(5));
  }

  @Test
  void runUntilAConditionStopsWhenItHolds() {
    Simulation sim = new Simulation(1);
    int[] count = {0};
    for (int i = 1; i <= 10; i++) {
      sim.schedule(i, "tick", () -> count[0]++);
    }
    assertTrue(sim.runUntil(() -> count[0] == 4, 100));
    assertEquals(4, sim.now());
    assertFalse(sim.runUntil(() -> count[0] == 99, 100), "queue ran dry first");
    assertEquals(10, count[0]);
  }

  @Test
  void aRunThatNeverEndsIsStoppedByTheEventBound() {
    Simulation sim = new Simulation(7);
    Runnable[] forever = new Runnable[1];
    forever[0] = () -> sim.schedule(1, "again", forever[0]);
    sim.schedule(0, "start", forever[0]);
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> sim.runUntilIdle(1_000));
    assertTrue(e.getMessage().contains("seed 7"), e.getMessage());
    assertEquals(1_000, sim.eventsRun());
  }

  @Test
  void theClockNeverGoesBack() {
    Simulation sim = new Simulation(1);
    sim.schedule(5, "x", () -> {});
    sim.step();
    assertThrows(IllegalArgumentException.class, () -> sim.scheduleAt(4, "past", () -> {}));
    assertThrows(IllegalArgumentException.class, () -> sim.schedule(-1, "past", () -> {}));
    assertThrows(
        IllegalArgumentException.class, () -> sim.schedule(Long.MAX_VALUE, "overflow", () -> {}));
  }

  @Test
  void anActionsExceptionPropagatesAndTheSimulationGoesOn() {
    Simulation sim = new Simulation(1);
    sim.schedule(
        1,
        "boom",
        () -> {
          throw new IllegalStateException("boom");
        });
    sim.schedule(2, "after", () -> sim.record("after ran"));
    assertThrows(IllegalStateException.class, sim::step);
    assertTrue(sim.step());
    assertEquals("after ran", sim.trace().get(sim.trace().size() - 1).what());
    assertFalse(sim.step());
  }

  @Test
  void theTraceListsEventsAndRecordedLines() {
    Simulation sim = new Simulation(1);
    sim.schedule(3, "wake", () -> sim.record("woke"));
    sim.runUntilIdle(10);
    assertEquals(List.of(new TraceEntry(3, 0, "wake"), new TraceEntry(3, -1, "woke")), sim.trace());
    assertEquals("3 #0 wake", sim.trace().get(0).toString());
    assertEquals("3 woke", sim.trace().get(1).toString());
  }

  @Test
  void theSameSeedGivesTheSameTraceAndAnotherSeedAnotherOne() {
    for (long seed = 0; seed < 20; seed++) {
      Simulation first = gossip(seed, true);
      Simulation second = gossip(seed, true);
      assertEquals(first.trace(), second.trace(), "seed " + seed);
      assertEquals(first.fingerprint(), second.fingerprint(), "seed " + seed);
      assertTrue(first.trace().size() > 100, "a run worth comparing");
      assertNotEquals(first.fingerprint(), gossip(seed + 1000, true).fingerprint(), "seed " + seed);
    }
  }

  @Test
  void theFingerprintDoesNotDependOnKeepingTheTrace() {
    Simulation kept = gossip(42, true);
    Simulation notKept = gossip(42, false);
    assertEquals(kept.fingerprint(), notKept.fingerprint());
    assertTrue(notKept.trace().isEmpty());
  }

  /** Five processes that forward a counter to random peers over random-latency FIFO links. */
  private static Simulation gossip(long seed, boolean keepTrace) {
    Simulation sim = new Simulation(seed);
    sim.keepTrace(keepTrace);
    SimNetwork<Integer> net = new SimNetwork<>(sim);
    List<String> names = List.of("a", "b", "c", "d", "e");
    for (String name : names) {
      net.addProcess(
          name,
          (from, hops) -> {
            if (hops < 60) {
              int self = names.indexOf(name);
              String to = names.get((self + 1 + sim.random().nextInt(names.size() - 1)) % 5);
              sim.schedule(
                  sim.random().nextInt(3), name + " thinks", () -> net.send(name, to, hops + 1));
            }
          });
    }
    for (String from : names) {
      for (String to : names) {
        if (!from.equals(to)) {
          net.connect(from, to, Links.fifo(1, 20));
        }
      }
    }
    net.send("a", "b", 0);
    net.send("c", "d", 0);
    net.send("e", "a", 0);
    sim.runUntilIdle(100_000);
    return sim;
  }
}
