package dev.weft.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.snapshot.Tokens.State;
import dev.weft.snapshot.Tokens.Token;
import dev.weft.testkit.sim.Simulation;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Restarting the token system from a global snapshot: the restarted system holds exactly the
 * snapshot's tokens and in-flight messages, continues working, and its own snapshots still satisfy
 * every invariant, with the same token total.
 */
class RestoreTest {
  private static final int SEEDS = Integer.getInteger(SnapshotScenarioTest.SEEDS_PROPERTY, 100);

  @Test
  void aRestartedSystemContinuesFromTheCutAndStaysConsistent() throws Exception {
    int[] restoredWithMessagesInFlight = {0};
    SeedRunner.run(
        RestoreTest.class,
        SEEDS,
        "restore",
        seed -> {
          Simulation first = new Simulation(seed);
          first.keepTrace(false);
          Random random = first.random();
          Topology topology =
              switch (random.nextInt(3)) {
                case 0 -> Topology.complete(3 + random.nextInt(3));
                case 1 -> Topology.ring(3 + random.nextInt(4));
                default -> Topology.randomStronglyConnected(3 + random.nextInt(4), 0.3, random);
              };
          TokenSim original = new TokenSim(first, topology, 5, 1, 20);
          original.work(300, 3);
          original.snapshotAt(50 + random.nextInt(100), "p0", 1);
          original.runToQuiet();
          original.checkAll();
          GlobalSnapshot<State, Token> cut = original.completed.get(1L);
          if (cut.inFlight() > 0) {
            restoredWithMessagesInFlight[0]++;
          }

          Simulation second = new Simulation(seed + 1_000_000);
          second.keepTrace(false);
          TokenSim restored = TokenSim.restore(second, topology, cut, 1, 20);
          // Before anything runs, the restarted system is the snapshot.
          for (String p : topology.processes()) {
            assertEquals(cut.states().get(p).tokens(), restored.process(p).tokens(), p);
          }
          for (ChannelId c : topology.channels()) {
            assertEquals(
                cut.channel(c.from(), c.to()).size(), restored.net.inFlight(c.from(), c.to()));
          }
          assertEquals(original.total(), restored.total());

          Random r2 = second.random();
          restored.work(300, 3);
          for (int id = 1; id <= 3; id++) {
            List<String> processes = topology.processes();
            restored.snapshotAt(r2.nextInt(200), processes.get(r2.nextInt(processes.size())), id);
          }
          restored.runToQuiet();
          restored.checkAll();
          assertEquals(3, restored.completed.size());
        });
    assertTrue(restoredWithMessagesInFlight[0] > 0, "some restores re-delivered messages");
  }

  @Test
  void aRestoreOfAQuietSnapshotGivesTheSameHoldings() {
    Simulation sim = new Simulation(5);
    TokenSim original = new TokenSim(sim, Topology.complete(4), 7, 1, 10);
    original.work(100, 2);
    original.runToQuiet();
    original.snapshotNow("p2", 1);
    original.runToQuiet();
    GlobalSnapshot<State, Token> quiet = original.completed.get(1L);
    assertEquals(0, quiet.inFlight());
    TokenSim restored = TokenSim.restore(new Simulation(6), Topology.complete(4), quiet, 1, 10);
    restored.runToQuiet();
    assertEquals(original.holdings(), restored.holdings());
  }
}
