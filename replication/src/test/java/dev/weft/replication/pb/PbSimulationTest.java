package dev.weft.replication.pb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.weft.testkit.lin.LinearizabilityChecker;
import dev.weft.testkit.sim.Seeds;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Primary-backup on the simulator under faults: lossy, duplicating and reordering links, crashes of
 * primaries and backups, restarts, partitions (the primary cut off from the configuration service
 * and its backup but not from clients among them), and crashes and partitions of configuration
 * members. Every seed's history must be linearizable, and every client answered once the faults
 * stop.
 *
 * <p>{@code -Dweft.replication.seeds=N} runs N seeds (default 500); {@code -Dweft.seed=S} replays
 * one; {@code -Dweft.trace=true} keeps the trace, and prints its end on failure.
 */
class PbSimulationTest {
  static final long RUN = 2_000;
  static final int SEEDS = Integer.getInteger("weft.replication.seeds", 500);
  static final String REPLAY =
      "mvn -q -pl replication -am verify -Dsurefire.failIfNoSpecifiedTests=false"
          + " -Dtest=PbSimulationTest -Dweft.seed={seed}";

  static PbSim run(long seed, java.util.function.Consumer<PbServer> plant) {
    PbSim s = new PbSim(seed, plant, true);
    s.runAndSettle(RUN);
    return s;
  }

  @Test
  @Timeout(300)
  void everyHistoryIsLinearizableUnderFaults() {
    long[] totals = new long[5];
    long ran =
        Seeds.run(
            SEEDS,
            REPLAY,
            seed -> {
              PbSim s = run(seed, p -> {});
              if (!s.w.clientsIdle()) {
                System.out.print(s.w.traceTail(Integer.getInteger("weft.trace.tail", 300)));
                fail("a client still waits after the faults stopped; servers: " + servers(s));
              }
              LinearizabilityChecker.Result r = s.w.check();
              if (!r.linearizable()) {
                System.out.print(s.w.traceTail(Integer.getInteger("weft.trace.tail", 300)));
              }
              assertTrue(r.linearizable(), r::describe);
              totals[0] += s.w.completedOperations();
              totals[1] += s.crashes;
              totals[2] += s.partitions + s.splitBrains;
              totals[3] += s.view().number();
              totals[4] += s.splitBrains;
              if (Boolean.getBoolean("weft.stats")) {
                System.out.println(
                    "seed "
                        + seed
                        + " events "
                        + s.w.sim.eventsRun()
                        + " sent "
                        + s.w.net.sent()
                        + " time "
                        + s.w.sim.now());
              }
            });
    System.out.printf(
        "PbSimulationTest: %d seeds, %d operations answered, %d crashes, %d partitions"
            + " (%d split brains), %d views%n",
        ran, totals[0], totals[1], totals[2], totals[4], totals[3]);
    assertTrue(totals[0] > 30 * ran, "too few operations: " + totals[0]);
    if (ran >= 20) {
      assertTrue(totals[1] > ran / 2 && totals[4] > 0, "the nemesis did too little");
    }
  }

  static String servers(PbSim s) {
    StringBuilder b = new StringBuilder();
    for (String id : PbSim.SERVERS) {
      b.append("\n  ").append(s.w.isUp(id) ? s.server(id).toString() : id + " down");
    }
    return b.toString();
  }

  /** The test of the tests: a primary that answers before its backup acknowledges is caught. */
  @Test
  @Timeout(300)
  void aPrimaryThatAnswersBeforeItsBackupIsCaught() {
    assertEquals(true, caughtWithin(p -> p.plantAnswerBeforeBackup(true)));
  }

  /** A primary that answers reads alone serves stale reads once cut off: caught. */
  @Test
  @Timeout(300)
  void aPrimaryThatReadsAloneIsCaught() {
    assertEquals(true, caughtWithin(p -> p.plantReadLocally(true)));
  }

  private static boolean caughtWithin(java.util.function.Consumer<PbServer> plant) {
    for (long seed = 0; seed < SEEDS; seed++) {
      PbSim s = run(seed, plant);
      LinearizabilityChecker.Result r = s.w.check();
      if (!r.linearizable()) {
        System.out.println("planted bug caught at seed " + seed + ":\n" + r.describe());
        return true;
      }
    }
    return false;
  }
}
