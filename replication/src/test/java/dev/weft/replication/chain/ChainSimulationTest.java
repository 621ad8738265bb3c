package dev.weft.replication.chain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.weft.testkit.lin.LinearizabilityChecker;
import dev.weft.testkit.sim.Seeds;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Chain replication on the simulator under faults, with tail reads and with CRAQ reads: lossy,
 * duplicating and reordering links, crashes of heads, middles, tails, joining tails and the master,
 * restarts (as spares the master adds back as new tails), servers cut off (a falsely suspected tail
 * included), and crashes of configuration members. After every event both invariants of the chain
 * must hold; every seed's history must be linearizable; every client must be answered once the
 * faults stop.
 *
 * <p>{@code -Dweft.replication.seeds=N} runs N seeds per read mode (default 500); {@code
 * -Dweft.seed=S} replays one; {@code -Dweft.trace=true} keeps the trace, printed on failure.
 */
class ChainSimulationTest {
  static final long RUN = 2_000;
  static final int SEEDS = Integer.getInteger("weft.replication.seeds", 500);

  static ChainSim run(long seed, ChainServer.ReadMode mode, Consumer<ChainServer> plant) {
    ChainSim s = new ChainSim(seed, mode, plant, true);
    s.runAndSettle(RUN);
    return s;
  }

  @Test
  @Timeout(300)
  void tailReadsAreLinearizableAndTheInvariantsHoldUnderFaults() {
    runSeeds(ChainServer.ReadMode.TAIL, "tailReadsAreLinearizableAndTheInvariantsHoldUnderFaults");
  }

  @Test
  @Timeout(300)
  void craqReadsAreLinearizableAndTheInvariantsHoldUnderFaults() {
    runSeeds(ChainServer.ReadMode.CRAQ, "craqReadsAreLinearizableAndTheInvariantsHoldUnderFaults");
  }

  private static void runSeeds(ChainServer.ReadMode mode, String test) {
    long[] totals = new long[6];
    long ran =
        Seeds.run(
            SEEDS,
            "mvn -q -pl replication -am verify -Dsurefire.failIfNoSpecifiedTests=false"
                + " -Dtest='ChainSimulationTest#"
                + test
                + "' -Dweft.seed={seed}",
            seed -> {
              ChainSim s = run(seed, mode, c -> {});
              String tail = s.w.traceTail(Integer.getInteger("weft.trace.tail", 300));
              if (!s.violations.isEmpty()) {
                System.out.print(tail);
                fail("invariant broken: " + s.violations.get(0));
              }
              if (!s.w.clientsIdle()) {
                System.out.print(tail);
                fail("a client still waits after the faults stopped:" + s.servers());
              }
              assertEquals(0, s.divergences(), "a server computed another result than the head");
              LinearizabilityChecker.Result r = s.w.check();
              if (!r.linearizable()) {
                System.out.print(tail);
              }
              assertTrue(r.linearizable(), () -> r.describe() + s.servers());
              totals[0] += s.w.completedOperations();
              totals[1] += s.crashes;
              totals[2] += s.partitions + s.splitBrains;
              totals[3] += s.view().number();
              totals[4] += s.extensionFailures;
              totals[5] += s.checks;
            });
    System.out.printf(
        "ChainSimulationTest %s: %d seeds, %d operations answered, %d crashes, %d partitions,"
            + " %d failures during extension, %d views, invariants checked %d times%n",
        mode, ran, totals[0], totals[1], totals[2], totals[4], totals[3], totals[5]);
    assertTrue(totals[0] > 30 * ran, "too few operations: " + totals[0]);
    if (ran >= 20) {
      assertTrue(totals[1] > ran / 2 && totals[4] > 0, "the nemesis did too little");
    }
  }

  /** A tail that answers an update when it arrives, before applying it, is caught. */
  @Test
  @Timeout(300)
  void aTailThatAnswersBeforeApplyingIsCaught() {
    long seed = firstCaught(ChainServer.ReadMode.TAIL, c -> c.plantAnswerOnReceipt(true), false);
    assertTrue(seed >= 0, "the planted bug went unnoticed in " + SEEDS + " seeds");
  }

  /**
   * A server that acknowledges an update to its predecessor before the tail has processed it breaks
   * the in-process requests invariant, and the monitor catches it at the event that broke it.
   */
  @Test
  @Timeout(300)
  void aServerThatAcknowledgesEarlyBreaksTheInvariant() {
    long seed = firstCaught(ChainServer.ReadMode.TAIL, c -> c.plantAckOnReceipt(true), true);
    assertTrue(seed >= 0, "the planted bug went unnoticed in " + SEEDS + " seeds");
  }

  private static long firstCaught(
      ChainServer.ReadMode mode, Consumer<ChainServer> plant, boolean byMonitor) {
    for (long seed = 0; seed < SEEDS; seed++) {
      ChainSim s = run(seed, mode, plant);
      if (byMonitor && !s.violations.isEmpty()) {
        System.out.println("planted bug caught at seed " + seed + ": " + s.violations.get(0));
        assertTrue(s.violations.get(0).contains("in-process requests"), s.violations.get(0));
        return seed;
      }
      if (!byMonitor) {
        LinearizabilityChecker.Result r = s.w.check();
        if (!r.linearizable()) {
          System.out.println("planted bug caught at seed " + seed + ":\n" + r.describe());
          return seed;
        }
      }
    }
    return -1;
  }
}
