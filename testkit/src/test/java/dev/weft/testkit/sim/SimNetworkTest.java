package dev.weft.testkit.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SimNetworkTest {
  @Test
  void aFifoLinkDeliversInSendOrderWhateverTheLatencies() {
    for (long seed = 0; seed < 50; seed++) {
      Simulation sim = new Simulation(seed);
      SimNetwork<Integer> net = new SimNetwork<>(sim);
      List<Integer> got = new ArrayList<>();
      List<Long> times = new ArrayList<>();
      net.addProcess("a", (from, m) -> {});
      net.addProcess(
          "b",
          (from, m) -> {
            got.add(m);
            times.add(sim.now());
          });
      net.connect("a", "b", Links.fifo(0, 50));
      int[] next = {0};
      for (int i = 0; i < 40; i++) {
        sim.schedule(sim.random().nextInt(30), "send", () -> net.send("a", "b", next[0]++));
      }
      sim.runUntilIdle(1_000);
      List<Integer> expected = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        expected.add(i);
      }
      assertEquals(expected, got, "seed " + seed);
      for (int i = 1; i < times.size(); i++) {
        assertTrue(times.get(i - 1) <= times.get(i), "seed " + seed);
      }
    }
  }

  @Test
  void aFixedLatencyLinkDeliversThatLate() {
    Simulation sim = new Simulation(3);
    SimNetwork<String> net = new SimNetwork<>(sim);
    List<String> got = new ArrayList<>();
    net.addProcess("a", (from, m) -> got.add(sim.now() + " " + from + " " + m));
    net.addProcess("b", (from, m) -> net.send("b", from, m + "!"));
    net.connect("a", "b", Links.fifo(7));
    net.connect("b", "a", Links.fifo(2));
    net.send("a", "b", "hi");
    assertEquals(1, net.inFlight("a", "b"));
    assertEquals(0, net.inFlight("b", "a"));
    sim.runUntilIdle(100);
    assertEquals(List.of("9 b hi!"), got);
    assertEquals(2, net.sent());
    assertEquals(2, net.delivered());
    assertEquals(0, net.inFlight());
  }

  @Test
  void sendsAndDeliveriesAreTraced() {
    Simulation sim = new Simulation(3);
    SimNetwork<String> net = new SimNetwork<>(sim);
    net.addProcess("a", (from, m) -> {});
    net.addProcess("b", (from, m) -> {});
    net.connect("a", "b", Links.fifo(4));
    net.send("a", "b", "x");
    sim.runUntilIdle(10);
    assertEquals(
        List.of(new TraceEntry(0, -1, "send a->b: x"), new TraceEntry(4, 0, "deliver a->b: x")),
        sim.trace());
  }

  @Test
  void aReplacedProcessReceivesWhatWasInFlightToItsPredecessor() {
    Simulation sim = new Simulation(3);
    SimNetwork<String> net = new SimNetwork<>(sim);
    List<String> got = new ArrayList<>();
    net.addProcess("a", (from, m) -> {});
    net.addProcess("b", (from, m) -> got.add("old " + m));
    net.connect("a", "b", Links.fifo(5));
    net.send("a", "b", "1");
    net.replaceProcess("b", (from, m) -> got.add("new " + m));
    sim.runUntilIdle(10);
    assertEquals(List.of("new 1"), got);
  }

  @Test
  void topologyIsReportedInInsertionOrder() {
    SimNetwork<String> net = new SimNetwork<>(new Simulation(0));
    for (String p : List.of("c", "a", "b")) {
      net.addProcess(p, (from, m) -> {});
    }
    net.connect("c", "a", Links.fifo(1));
    net.connect("b", "a", Links.fifo(1));
    net.connect("a", "c", Links.fifo(1));
    net.connect("a", "b", Links.fifo(1));
    assertEquals(List.of("c", "a", "b"), List.copyOf(net.processes()));
    assertEquals(List.of("c", "b"), List.copyOf(net.outgoing("a")));
    assertEquals(List.of("c", "b"), List.copyOf(net.incoming("a")));
    assertEquals(List.of("a"), List.copyOf(net.incoming("b")));
  }

  @Test
  void misuseIsRejected() {
    SimNetwork<String> net = new SimNetwork<>(new Simulation(0));
    net.addProcess("a", (from, m) -> {});
    net.addProcess("b", (from, m) -> {});
    net.connect("a", "b", Links.fifo(1));
    assertThrows(IllegalArgumentException.class, () -> net.addProcess("a", (from, m) -> {}));
    assertThrows(IllegalArgumentException.class, () -> net.connect("a", "b", Links.fifo(1)));
    assertThrows(IllegalArgumentException.class, () -> net.connect("a", "z", Links.fifo(1)));
    assertThrows(IllegalArgumentException.class, () -> net.send("b", "a", "no link"));
    assertThrows(IllegalArgumentException.class, () -> net.replaceProcess("z", (f, m) -> {}));
    assertThrows(NullPointerException.class, () -> net.send("a", "b", null));
    assertThrows(IllegalArgumentException.class, () -> Links.fifo(-1, 3));
    assertThrows(IllegalArgumentException.class, () -> Links.fifo(4, 3));
    assertEquals(0, net.sent());
  }

  @Test
  void aLinkThatDeliversInThePastIsCaught() {
    Simulation sim = new Simulation(0);
    SimNetwork<String> net = new SimNetwork<>(sim);
    net.addProcess("a", (from, m) -> {});
    net.addProcess("b", (from, m) -> {});
    sim.schedule(10, "later", () -> {});
    sim.step();
    net.connect("a", "b", (now, random) -> new long[] {now - 1});
    assertThrows(IllegalStateException.class, () -> net.send("a", "b", "x"));
  }

  @Test
  void aLinkMayLoseOrDuplicate() {
    Simulation sim = new Simulation(0);
    SimNetwork<String> net = new SimNetwork<>(sim);
    List<String> got = new ArrayList<>();
    net.addProcess("a", (from, m) -> got.add(m));
    net.addProcess("b", (from, m) -> {});
    net.connect("b", "a", (now, random) -> new long[] {now + 1, now + 3});
    net.connect("a", "b", (now, random) -> new long[0]);
    net.send("b", "a", "twice");
    net.send("a", "b", "lost");
    sim.runUntilIdle(10);
    assertEquals(List.of("twice", "twice"), got);
    assertEquals(2, net.sent());
    assertEquals(2, net.delivered());
  }
}
