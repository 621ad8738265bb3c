package dev.weft.testkit.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The failure models of {@link SimNetwork} and {@link Links#builder()}. */
class SimFaultsTest {
  private static SimNetwork<String> network(Simulation sim, List<String> got, String... names) {
    SimNetwork<String> net = new SimNetwork<>(sim);
    for (String n : names) {
      net.addProcess(n, (from, m) -> got.add(n + "<" + from + ":" + m));
    }
    net.connectAll(() -> Links.fifo(1));
    return net;
  }

  private static List<String> labels(Simulation sim) {
    return sim.trace().stream().map(TraceEntry::what).toList();
  }

  @Test
  void aPartitionDropsMessagesAcrossItUntilHealed() {
    Simulation sim = new Simulation(1);
    List<String> got = new ArrayList<>();
    SimNetwork<String> net = network(sim, got, "a", "b", "c");
    net.send("a", "b", "early");
    net.partition(List.of("a"));
    sim.runUntilIdle(100);
    net.send("a", "b", "1");
    net.send("b", "c", "2");
    sim.runUntilIdle(100);
    assertEquals(List.of("c<b:2"), got, "in flight when cut, and sent across it: dropped");
    assertTrue(net.isBlocked("b", "a"));
    net.heal();
    net.send("a", "b", "3");
    sim.runUntilIdle(100);
    assertEquals(List.of("c<b:2", "b<a:3"), got);
    assertEquals(2, net.dropped());
    assertTrue(labels(sim).contains("drop a->b (partition): 1"), labels(sim).toString());
    assertTrue(labels(sim).contains("partition [a] | [b, c]"));
  }

  @Test
  void partitionIntoGroupsAndOneWayCuts() {
    Simulation sim = new Simulation(1);
    List<String> got = new ArrayList<>();
    SimNetwork<String> net = network(sim, got, "a", "b", "c", "d");
    net.partitionInto(List.of(List.of("a", "b"), List.of("c")));
    assertFalse(net.isBlocked("a", "b"));
    assertTrue(net.isBlocked("a", "c"));
    assertTrue(net.isBlocked("c", "d"), "d, in no group, is a group of its own");
    net.heal();
    net.cut("a", "b");
    assertTrue(net.isBlocked("a", "b"));
    assertFalse(net.isBlocked("b", "a"));
    net.reconnect("b");
    assertFalse(net.isBlocked("a", "b"));
    assertThrows(
        IllegalArgumentException.class,
        () -> net.partitionInto(List.of(List.of("a"), List.of("a"))));
  }

  @Test
  void aCrashCancelsTimersAndDropsTrafficUntilARestart() {
    Simulation sim = new Simulation(1);
    List<String> got = new ArrayList<>();
    SimNetwork<String> net = network(sim, got, "a", "b");
    List<String> fired = new ArrayList<>();
    net.schedule("b", 5, "b's timer", () -> fired.add("timer"));
    net.send("a", "b", "in flight");
    net.crash("b");
    assertFalse(net.isUp("b"));
    net.send("b", "a", "from the dead");
    sim.runUntilIdle(100);
    assertEquals(List.of(), fired, "the crash cancelled b's timer");
    assertEquals(List.of(), got);
    assertThrows(IllegalStateException.class, () -> net.schedule("b", 1, "x", () -> {}));
    net.restart("b", (from, m) -> got.add("new b<" + from + ":" + m));
    net.send("a", "b", "after");
    sim.runUntilIdle(100);
    assertEquals(List.of("new b<a:after"), got);
    assertTrue(labels(sim).containsAll(List.of("crash b", "restart b")));
    assertThrows(IllegalStateException.class, () -> net.restart("b", (f, m) -> {}));
  }

  @Test
  void aStoppedProcessNeverRestarts() {
    Simulation sim = new Simulation(1);
    SimNetwork<String> net = network(sim, new ArrayList<>(), "a", "b");
    net.stop("a");
    assertTrue(net.isStopped("a"));
    assertThrows(IllegalStateException.class, () -> net.restart("a", (f, m) -> {}));
    net.crash("b");
    net.stop("b");
    assertTrue(net.isStopped("b"), "a crashed process can be declared stopped");
  }

  @Test
  void omissionDropsAShareOfSendsOrReceives() {
    Simulation sim = new Simulation(5);
    List<String> got = new ArrayList<>();
    SimNetwork<String> net = network(sim, got, "a", "b");
    net.sendOmission("a", 1.0);
    net.send("a", "b", "x");
    net.send("b", "a", "y");
    sim.runUntilIdle(100);
    assertEquals(List.of("a<b:y"), got);
    net.sendOmission("a", 0);
    net.receiveOmission("b", 0.5);
    for (int i = 0; i < 1_000; i++) {
      net.send("a", "b", "m");
    }
    sim.runUntilIdle(10_000);
    long received = got.stream().filter(s -> s.startsWith("b<")).count();
    assertTrue(received > 400 && received < 600, received + " of 1000 at 50% omission");
  }

  @Test
  void corruptionDamagesOrDropsCopies() {
    Simulation sim = new Simulation(6);
    List<String> got = new ArrayList<>();
    SimNetwork<String> net = network(sim, got, "a", "b");
    net.corruption(1.0, (m, r) -> m.equals("detectable") ? null : m.toUpperCase());
    net.send("a", "b", "hello");
    net.send("a", "b", "detectable");
    sim.runUntilIdle(100);
    assertEquals(List.of("b<a:HELLO"), got);
    assertEquals(2, net.corrupted());
    assertTrue(labels(sim).contains("corrupt a->b: hello => HELLO"));
    assertTrue(labels(sim).contains("drop a->b (corruption detected): detectable"));
  }

  @Test
  void unreliableLinksLoseDuplicateAndReorder() {
    Simulation sim = new Simulation(7);
    List<Integer> got = new ArrayList<>();
    SimNetwork<Integer> net = new SimNetwork<>(sim);
    net.addProcess("a", (f, m) -> {});
    net.addProcess("b", (f, m) -> got.add(m));
    net.connect("a", "b", Links.builder().latency(1, 50).loss(0.2).duplication(0.1).build());
    for (int i = 0; i < 2_000; i++) {
      net.send("a", "b", i);
    }
    sim.runUntilIdle(100_000);
    long distinct = got.stream().distinct().count();
    assertTrue(distinct > 1_500 && distinct < 1_700, distinct + " of 2000 arrived at 20% loss");
    assertTrue(got.size() - distinct > 100, "some arrived twice");
    boolean reordered = false;
    for (int i = 1; i < got.size(); i++) {
      reordered |= got.get(i) < got.get(i - 1);
    }
    assertTrue(reordered);
  }

  @Test
  void longDelaysAndFifoOptions() {
    Simulation sim = new Simulation(8);
    List<Long> times = new ArrayList<>();
    SimNetwork<Integer> net = new SimNetwork<>(sim);
    net.addProcess("a", (f, m) -> {});
    net.addProcess("b", (f, m) -> times.add(sim.now()));
    net.connect("a", "b", Links.builder().latency(1, 1).longDelay(1.0, 1_000).fifo(true).build());
    for (int i = 0; i < 50; i++) {
      net.send("a", "b", i);
    }
    sim.runUntilIdle(1_000);
    assertTrue(times.get(times.size() - 1) > 500, "held up: " + times);
    for (int i = 1; i < times.size(); i++) {
      assertTrue(times.get(i - 1) <= times.get(i), "FIFO despite long delays");
    }
    assertThrows(IllegalArgumentException.class, () -> Links.builder().loss(1.5));
    assertThrows(IllegalArgumentException.class, () -> Links.builder().latency(3, 2));
    assertThrows(IllegalArgumentException.class, () -> Links.builder().longDelay(0.1, -1));
  }

  @Test
  void aRunWithFaultsReplaysExactlyFromItsSeed() {
    long[] prints = new long[3];
    for (int run = 0; run < 3; run++) {
      Simulation sim = new Simulation(run == 2 ? 43 : 42);
      SimNetwork<Integer> net = new SimNetwork<>(sim);
      for (String p : List.of("a", "b", "c")) {
        net.addProcess(
            p,
            (from, m) -> {
              if (m < 200) {
                net.send(p, from, m + 1);
              }
            });
      }
      net.connectAll(() -> Links.builder().latency(1, 9).loss(0.1).duplication(0.1).build());
      net.corruption(0.1, (m, r) -> r.nextBoolean() ? null : m + 1000);
      net.send("a", "b", 0);
      net.send("c", "a", 0);
      sim.schedule(30, "cut", () -> net.partition(Set.of("c")));
      sim.schedule(60, "heal", net::heal);
      sim.schedule(40, "crash", () -> net.crash("b"));
      sim.schedule(80, "restart", () -> net.restart("b", (f, m) -> {}));
      sim.runUntilIdle(100_000);
      prints[run] = sim.fingerprint();
    }
    assertEquals(prints[0], prints[1]);
    assertNotEquals(prints[0], prints[2]);
  }

  @Test
  void seedsRunsEverySeedOrTheNamedOne() {
    List<Long> ran = new ArrayList<>();
    assertEquals(5, Seeds.run(5, "replay {seed}", ran::add));
    assertEquals(List.of(0L, 1L, 2L, 3L, 4L), ran);
    AssertionError e =
        assertThrows(
            AssertionError.class,
            () ->
                Seeds.run(
                    10,
                    "mvn -Dweft.seed={seed}",
                    seed -> {
                      if (seed == 3) {
                        throw new IllegalStateException("boom");
                      }
                    }));
    assertTrue(e.getMessage().startsWith("failed with seed 3; replay with: mvn -Dweft.seed=3"));
    assertEquals("boom", e.getCause().getMessage());
  }
}
