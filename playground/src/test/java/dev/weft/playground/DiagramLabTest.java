package dev.weft.playground;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.clocks.Causality;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DiagramLabTest {
  @Test
  void clocksAgreeWithTheHappenedBeforeRelationOfTheRun() {
    for (long seed = 0; seed < 30; seed++) {
      DiagramLab lab = new DiagramLab(DiagramLab.Mode.CLOCKS, seed);
      lab.act(Actions.of("send", "from", "A", "to", "C"));
      lab.advanceTo(300);
      lab.act(Actions.of("local", "process", "B"));
      Actions.until(lab, () -> lab.sim.pending() == 0, 100, 10_000, "the end of the run");
      assertNull(lab.stopped());
      List<DiagramLab.Event> events = new ArrayList<>();
      for (DiagramLab.Event e : lab.events()) {
        if (!e.kind().equals("marker") && !e.kind().equals("record")) {
          events.add(e);
        }
      }
      assertTrue(events.size() > 20, "a run of " + events.size() + " events");
      Map<String, Set<String>> before = happenedBefore(events);
      for (DiagramLab.Event a : events) {
        Map<String, Object> c = lab.causality(a.id());
        for (DiagramLab.Event b : events) {
          if (a == b) {
            continue;
          }
          boolean ab = before.get(b.id()).contains(a.id());
          boolean ba = before.get(a.id()).contains(b.id());
          Causality expected = ab ? Causality.BEFORE : ba ? Causality.AFTER : Causality.CONCURRENT;
          assertEquals(expected, a.vector().compare(b.vector()), a.id() + " vs " + b.id());
          if (ab) {
            assertTrue(a.lamport() < b.lamport(), "Lamport " + a.id() + " < " + b.id());
          }
          String list =
              switch (expected) {
                case BEFORE -> "future";
                case AFTER -> "past";
                default -> "concurrent";
              };
          assertTrue(((List<?>) c.get(list)).contains(b.id()), b.id() + " in " + list);
        }
      }
    }
  }

  /** The oracle: for each event, every event that happened before it, by graph reachability. */
  private static Map<String, Set<String>> happenedBefore(List<DiagramLab.Event> events) {
    Map<String, Set<String>> before = new HashMap<>();
    Map<String, String> previous = new HashMap<>();
    Map<Long, String> sendOf = new HashMap<>();
    for (DiagramLab.Event e : events) { // in the order they happened
      Set<String> b = new HashSet<>();
      String prev = previous.put(e.process(), e.id());
      if (prev != null) {
        b.add(prev);
        b.addAll(before.get(prev));
      }
      if (e.kind().equals("send")) {
        sendOf.put(e.message(), e.id());
      } else if (e.kind().equals("receive")) {
        String send = sendOf.get(e.message());
        b.add(send);
        b.addAll(before.get(send));
      }
      before.put(e.id(), b);
    }
    return before;
  }

  @Test
  void everySnapshotCompletesWithAConsistentCut() {
    for (long seed = 0; seed < 40; seed++) {
      DiagramLab lab = new DiagramLab(DiagramLab.Mode.SNAPSHOT, seed);
      java.util.Random r = new java.util.Random(seed);
      for (int i = 0; i < 4; i++) {
        lab.advanceTo(lab.viewTime() + 50 + r.nextInt(300));
        lab.act(Actions.of("snapshot", "process", List.of("A", "B", "C", "D").get(r.nextInt(4))));
      }
      Actions.until(lab, () -> lab.sim.pending() == 0, 100, 10_000, "the end of the run");
      assertNull(lab.stopped(), "seed " + seed);
      List<?> snaps = (List<?>) lab.state().get("snapshots");
      assertEquals(4, snaps.size());
      for (Object o : snaps) {
        Map<?, ?> s = (Map<?, ?>) o;
        assertEquals(Boolean.TRUE, s.get("complete"), "seed " + seed + ": " + s);
        for (Object c : (List<?>) s.get("checks")) {
          assertTrue(((CutCheck.Result) c).ok(), "seed " + seed + ": " + c);
        }
      }
      long markers = lab.events().stream().filter(e -> e.kind().equals("marker")).count();
      assertEquals(4 * 4 * 3, markers, "a marker on each of 12 channels, per snapshot");
    }
  }

  @Test
  void badActionsAreRefused() {
    DiagramLab clocks = new DiagramLab(DiagramLab.Mode.CLOCKS, 1);
    assertEquals(
        400,
        assertThrows(ApiException.class, () -> clocks.act(Actions.of("local", "process", "Z")))
            .status());
    assertEquals(
        400,
        assertThrows(ApiException.class, () -> clocks.act(Actions.of("snapshot", "process", "A")))
            .status());
    assertEquals(
        400,
        assertThrows(
                ApiException.class, () -> clocks.act(Actions.of("send", "from", "A", "to", "A")))
            .status());
    assertEquals(404, assertThrows(ApiException.class, () -> clocks.causality("zz9")).status());
  }
}
