package dev.weft.snapshot;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.testkit.sim.Simulation;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The token-passing application on the simulator, over many seeds, topologies and ways of taking
 * snapshots. {@link TokenSim#checkAll()} checks every snapshot: each process records once; each
 * channel state is exactly the messages sent before the sender recorded and received after the
 * receiver recorded; no message is counted as received whose send is not counted; tokens are
 * conserved.
 *
 * <p>{@value #SEEDS_PROPERTY} sets the seeds per topology and mode (default {@value
 * #DEFAULT_SEEDS}); {@value SeedRunner#SEED_PROPERTY} replays one seed.
 */
class SnapshotScenarioTest {
  static final String SEEDS_PROPERTY = "weft.snapshot.seeds";
  static final int DEFAULT_SEEDS = 200;

  private static long snapshotsChecked;
  private static long snapshotsWithMessagesInFlight;

  /** A family of topologies, drawn from the run's random generator. */
  private record Family(String name, Function<Random, Topology> make) {}

  /** A way of taking snapshots in a run. */
  private interface Mode {
    void plan(TokenSim system, Random random);
  }

  private static final List<Family> FAMILIES =
      List.of(
          new Family("two processes", r -> Topology.pair()),
          new Family("complete graphs", r -> Topology.complete(3 + r.nextInt(4))),
          new Family("directed rings", r -> Topology.ring(3 + r.nextInt(6))),
          new Family(
              "random strongly connected",
              r -> Topology.randomStronglyConnected(3 + r.nextInt(6), 0.3, r)));

  @TestFactory
  Stream<DynamicTest> oneSnapshot() {
    return scenarios(
        "one snapshot",
        (system, random) -> system.snapshotAt(20 + random.nextInt(200), pick(system, random), 1));
  }

  @TestFactory
  Stream<DynamicTest> concurrentSnapshotsFromRandomInitiators() {
    return scenarios(
        "concurrent",
        (system, random) -> {
          int count = 2 + random.nextInt(4);
          long start = 20 + random.nextInt(100);
          for (int id = 1; id <= count; id++) {
            system.snapshotAt(start + random.nextInt(40), pick(system, random), id);
          }
        });
  }

  @TestFactory
  Stream<DynamicTest> sequentialSnapshots() {
    return scenarios(
        "sequential",
        (system, random) -> {
          int count = 2 + random.nextInt(4);
          system.onComplete(
              g -> {
                long next = g.snapshotId() + 1;
                if (next <= count) {
                  system.sim.schedule(
                      random.nextInt(30),
                      "next snapshot",
                      () -> system.snapshotNow(pick(system, random), next));
                }
              });
          system.snapshotAt(10 + random.nextInt(50), pick(system, random), 1);
        });
  }

  @TestFactory
  Stream<DynamicTest> oneSnapshotStartedBySeveralInitiators() {
    return scenarios(
        "several initiators",
        (system, random) -> {
          long start = 20 + random.nextInt(100);
          for (String p : system.topology.processes()) {
            if (random.nextInt(2) == 0) {
              system.snapshotAt(start + random.nextInt(20), p, 1);
            }
          }
          system.snapshotAt(start + random.nextInt(20), pick(system, random), 1);
          system.snapshotAt(start + random.nextInt(60), pick(system, random), 2);
        });
  }

  @AfterAll
  static void theScenariosExercisedInFlightMessages() {
    assertTrue(snapshotsChecked > 0, "no snapshot checked");
    assertTrue(
        snapshotsWithMessagesInFlight * 5 > snapshotsChecked,
        "too few snapshots caught messages in flight: "
            + snapshotsWithMessagesInFlight
            + " of "
            + snapshotsChecked);
  }

  private static String pick(TokenSim system, Random random) {
    List<String> processes = system.topology.processes();
    return processes.get(random.nextInt(processes.size()));
  }

  private static Stream<DynamicTest> scenarios(String mode, Mode plan) {
    List<DynamicTest> tests = new ArrayList<>();
    for (Family family : FAMILIES) {
      tests.add(
          DynamicTest.dynamicTest(
              family.name(),
              () ->
                  SeedRunner.run(
                      SnapshotScenarioTest.class,
                      Integer.getInteger(SEEDS_PROPERTY, DEFAULT_SEEDS),
                      mode + ", " + family.name(),
                      seed -> run(seed, family, plan))));
    }
    return tests.stream();
  }

  private static void run(long seed, Family family, Mode plan) {
    Simulation sim = new Simulation(seed);
    sim.keepTrace(false);
    Random random = sim.random();
    Topology topology = family.make().apply(random);
    TokenSim system = new TokenSim(sim, topology, 1 + random.nextInt(8), 1, 1 + random.nextInt(30));
    system.work(400, 1 + random.nextInt(10));
    plan.plan(system, random);
    system.runToQuiet();
    system.checkAll();
    for (GlobalSnapshot<?, ?> g : system.completed.values()) {
      snapshotsChecked++;
      if (g.inFlight() > 0) {
        snapshotsWithMessagesInFlight++;
      }
    }
  }
}
