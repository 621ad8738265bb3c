package dev.weft.examples.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.weft.testkit.lin.KeyValueModel;
import dev.weft.testkit.lin.LinearizabilityChecker;
import dev.weft.testkit.lin.Operation;
import dev.weft.testkit.sim.Link;
import dev.weft.testkit.sim.Links;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The replicated key-value service on a simulated five-server cluster in virtual time: four clients
 * issue get, put, append, delete and cas on three keys while links lose, duplicate, delay and
 * reorder messages and a nemesis partitions servers, isolates the leader and crashes servers (which
 * restart from their storage). For every seed: no request executed twice by a state machine, no two
 * replicas applying different commands at an index, replicas equal once settled, and the whole
 * client history linearizable (which includes: no acknowledged write lost).
 *
 * <p>Seeds: {@code -Dweft.kv.seeds=N} runs N seeds (default 150); {@code -Dweft.seed=S} replays
 * one.
 */
class SimulatedKvTest {
  private static final long RUN = 20_000; // virtual ms of client traffic per seed

  private static Supplier<Link> faultyLinks() {
    return () ->
        Links.builder()
            .latency(1, 5)
            .loss(0.05)
            .duplication(0.03)
            .longDelay(0.03, 100)
            .fifo(false)
            .build();
  }

  static SimKvCluster run(long seed) {
    return run(seed, false);
  }

  static SimKvCluster run(long seed, boolean staleReads) {
    SimKvCluster c = new SimKvCluster(seed, 5, 4, 3, faultyLinks());
    c.staleReads = staleReads;
    c.nemesis(500, RUN);
    c.startClients(RUN);
    c.sim.runUntil(RUN);
    c.settle(3_000);
    c.checkConvergence();
    return c;
  }

  @Test
  @Timeout(300)
  void everyHistoryIsLinearizableUnderFaults() {
    String replay = System.getProperty("weft.seed");
    long first = replay != null ? Long.parseLong(replay) : 1;
    int seeds = replay != null ? 1 : Integer.getInteger("weft.kv.seeds", 150);
    long ops = 0;
    long crashes = 0;
    long partitions = 0;
    long duplicates = 0;
    for (long seed = first; seed < first + seeds; seed++) {
      SimKvCluster c = run(seed);
      String where = " (seed " + seed + "; replay with -Dweft.seed=" + seed + ")";
      if (!c.violations.isEmpty() || !c.clientsIdle()) {
        System.out.print(c.traceTail(Integer.getInteger("weft.trace.tail", 400)));
      }
      if (!c.violations.isEmpty()) {
        fail(c.violations.size() + " violations" + where + ", first: " + c.violations.get(0));
      }
      if (!c.clientsIdle()) {
        fail("a client still waits for an answer after the cluster healed" + where);
      }
      List<Operation<KeyValueModel.Op, KeyValueModel.Result>> history = c.history.operations();
      LinearizabilityChecker.Result verdict =
          LinearizabilityChecker.check(new KeyValueModel(), history);
      assertTrue(
          verdict.linearizable(), () -> "not linearizable" + where + ": " + verdict.describe());
      ops += history.size();
      crashes += c.crashes;
      partitions += c.partitions;
      duplicates += c.duplicatesSkipped();
    }
    System.out.printf(
        "SimulatedKvTest: %d seeds from %d, %d operations, %d crashes, %d partitions,"
            + " %d retried requests deduplicated%n",
        seeds, first, ops, crashes, partitions, duplicates);
    // the run must have exercised what it claims to check
    assertTrue(ops > 100L * seeds, "too few operations: " + ops);
    if (seeds >= 10) {
      assertTrue(crashes > 0 && partitions > 0, "the nemesis did nothing");
      assertTrue(duplicates > 0, "no retried request reached the deduplication table");
    }
  }

  /** The test of the tests: a server that answers reads from its own state is caught. */
  @Test
  @Timeout(120)
  void staleReadsFromLocalStateAreCaught() {
    int caught = 0;
    for (long seed = 1; seed <= 10; seed++) {
      SimKvCluster c = run(seed, true);
      LinearizabilityChecker.Result verdict =
          LinearizabilityChecker.check(new KeyValueModel(), c.history.operations());
      if (!verdict.linearizable()) {
        caught++;
        assertTrue(
            verdict.describe().contains("get"),
            () -> "the counterexample should show a read: " + verdict.describe());
      }
    }
    assertTrue(caught >= 5, "stale reads went unnoticed in " + (10 - caught) + " of 10 seeds");
  }

  @Test
  @Timeout(60)
  void theSameSeedReplaysTheSameRun() {
    SimKvCluster a = run(7);
    SimKvCluster b = run(7);
    assertEquals(a.sim.fingerprint(), b.sim.fingerprint());
    assertEquals(a.history.operations().toString(), b.history.operations().toString());
  }
}
