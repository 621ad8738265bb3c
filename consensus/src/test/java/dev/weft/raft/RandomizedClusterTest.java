package dev.weft.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.testkit.sim.Link;
import dev.weft.testkit.sim.Links;
import dev.weft.testkit.sim.Seeds;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Randomized simulation: each seed builds a cluster of 3, 5 or 7 nodes with random options
 * (PreVote, CheckQuorum, flow-control limits) on a random unreliable network (loss, duplication,
 * reordering, sometimes long delays), then runs a random schedule of proposals and faults of every
 * class: partitions and heals, crash-recovery, crash-stop (of at most a minority), send and receive
 * omission, and corrupted messages. {@link Invariants} checks election safety, log matching, leader
 * completeness and state machine safety after every event. Then the faults stop, and the nodes
 * still alive must elect a leader, commit one more command and all apply it (liveness).
 *
 * <p>{@value #SEEDS_PROPERTY} sets the number of seeds (default {@value #DEFAULT_SEEDS}; the long
 * mode is 100,000); {@value Seeds#SEED_PROPERTY} replays one, and a failure prints the command.
 */
class RandomizedClusterTest {
  static final String SEEDS_PROPERTY = "weft.raft.seeds";
  static final int DEFAULT_SEEDS = 1_000;
  static final int BATCH = 100;
  private static final Duration BATCH_TIMEOUT = Duration.ofMinutes(3);
  private static final String REPLAY =
      "mvn -pl consensus -am verify -Dsurefire.failIfNoSpecifiedTests=false"
          + " -Dtest=RandomizedClusterTest -Dweft.seed={seed}";

  /** Totals over all seeds, printed at the end as evidence of what was exercised. */
  private static final class Totals {
    long ran;
    long wallNanos;
    long seeds;
    long events;
    long virtualTime;
    long leaders;
    long crashes;
    long stops;
    long partitions;
    long omissions;
    long corruptions;
    long malformedDropped;
    long committed;
    long messagesDropped;
  }

  /**
   * One dynamic test per batch of {@value #BATCH} seeds (each within the default timeout), then one
   * that reports the totals and checks that every fault class was exercised.
   */
  @TestFactory
  Stream<DynamicTest> everySeedKeepsRaftSafeAndLive() {
    int seeds = Integer.getInteger(SEEDS_PROPERTY, DEFAULT_SEEDS);
    boolean replay = System.getProperty(Seeds.SEED_PROPERTY) != null;
    Totals totals = new Totals();
    int batches = replay ? 1 : (seeds + BATCH - 1) / BATCH;
    Stream<DynamicTest> runs =
        IntStream.range(0, batches)
            .mapToObj(
                b -> {
                  long from = (long) b * BATCH;
                  long to = Math.min(seeds, from + BATCH);
                  return DynamicTest.dynamicTest(
                      replay ? "replayed seed" : "seeds " + from + ".." + (to - 1),
                      () ->
                          // Dynamic tests get no default timeout: bound each batch here.
                          assertTimeoutPreemptively(
                              BATCH_TIMEOUT,
                              () -> {
                                long t0 = System.nanoTime();
                                totals.ran +=
                                    Seeds.run(from, to, REPLAY, seed -> runOne(seed, totals));
                                totals.wallNanos += System.nanoTime() - t0;
                              }));
                });
    return Stream.concat(
        runs, Stream.of(DynamicTest.dynamicTest("totals", () -> report(totals, replay))));
  }

  private static void report(Totals totals, boolean replay) {
    System.out.printf(
        "randomized simulation: %,d seeds in %,d ms; %,d events checked, %,d units of virtual"
            + " time, %,d leaders, %,d crashes (%,d crash-stops), %,d partitions, %,d omission"
            + " faults, %,d corruption periods, %,d malformed messages dropped, %,d messages"
            + " dropped by the network, %,d entries committed%n",
        totals.ran,
        totals.wallNanos / 1_000_000,
        totals.events,
        totals.virtualTime,
        totals.leaders,
        totals.crashes,
        totals.stops,
        totals.partitions,
        totals.omissions,
        totals.corruptions,
        totals.malformedDropped,
        totals.messagesDropped,
        totals.committed);
    assertEquals(totals.ran, totals.seeds);
    if (!replay && totals.ran >= 100) {
      assertTrue(totals.malformedDropped > 0, "corruption never reached a node");
      assertTrue(totals.crashes > 0, "no crash");
      assertTrue(totals.stops > 0, "no crash-stop");
      assertTrue(totals.partitions > 0, "no partition");
      assertTrue(totals.omissions > 0, "no omission");
    }
  }

  /**
   * A failing seed replays exactly: the same seed twice gives the same events (the simulation's
   * fingerprint hashes every event's time and label: sends, deliveries, drops, faults), the same
   * logs and the same applied entries.
   */
  @Test
  void aSeedReplaysExactly() {
    for (long seed : new long[] {3, 17, 4_242}) {
      Cluster first = runOne(seed, new Totals());
      Cluster again = runOne(seed, new Totals());
      assertEquals(first.sim.fingerprint(), again.sim.fingerprint(), "seed " + seed);
      assertEquals(first.sim.now(), again.sim.now(), "seed " + seed);
      assertEquals(first.invariants.checks(), again.invariants.checks(), "seed " + seed);
      for (String id : first.ids()) {
        MemoryStorage a = first.member(id).storage();
        MemoryStorage b = again.member(id).storage();
        assertEquals(a.hardState(), b.hardState(), id + ", seed " + seed);
        assertEquals(
            a.entries(1, a.lastIndex() + 1, Long.MAX_VALUE),
            b.entries(1, b.lastIndex() + 1, Long.MAX_VALUE),
            id + ", seed " + seed);
      }
      assertEquals(first.invariants.applied(), again.invariants.applied(), "seed " + seed);
    }
  }

  private static Cluster runOne(long seed, Totals totals) {
    Random r = new Random(seed);
    int n = r.nextInt(8) == 0 ? 7 : r.nextBoolean() ? 5 : 3;
    double loss = r.nextInt(3) == 0 ? 0 : r.nextDouble() * 0.15;
    double duplication = r.nextDouble() * 0.05;
    long maxLatency = 2 + r.nextInt(20);
    boolean longDelays = r.nextInt(4) == 0;
    Supplier<Link> links =
        () ->
            Links.builder()
                .latency(1, maxLatency)
                .loss(loss)
                .duplication(duplication)
                .longDelay(longDelays ? 0.05 : 0, 300)
                .build();
    boolean preVote = r.nextInt(4) != 0;
    boolean checkQuorum = r.nextInt(4) != 0;
    int inflight = new int[] {1, 2, 4, 256}[r.nextInt(4)];
    long maxSize = new long[] {1, 16, 1 << 20}[r.nextInt(3)];
    int heartbeat = 1 + r.nextInt(3);
    Cluster c =
        new Cluster(
            n,
            seed,
            links,
            cfg ->
                cfg.withPreVote(preVote)
                    .withCheckQuorum(checkQuorum)
                    .withMaxInflightMessages(inflight)
                    .withMaxSizePerMessage(maxSize)
                    .withHeartbeatTicks(heartbeat));
    try {
      exercise(seed, r, c, n, maxLatency, totals);
      return c;
    } catch (RuntimeException | AssertionError e) {
      throw new AssertionError(e.getMessage() + "\n" + c.traceTail(200), e);
    }
  }

  private static void exercise(
      long seed, Random r, Cluster c, int n, long maxLatency, Totals totals) {
    List<String> ids = c.ids();
    int stopped = 0;
    int next = 0;
    int rounds = 20 + r.nextInt(20);
    for (int round = 0; round < rounds; round++) {
      int action = r.nextInt(100);
      String victim = ids.get(r.nextInt(n));
      if (action < 35) {
        for (int k = r.nextInt(4); k >= 0; k--) {
          c.propose("s" + seed + "-" + next++);
        }
      } else if (action < 45) {
        List<String> side = new ArrayList<>();
        for (String id : ids) {
          if (r.nextBoolean()) {
            side.add(id);
          }
        }
        c.partition(side);
        totals.partitions++;
      } else if (action < 53) {
        c.heal();
      } else if (action < 61) {
        if (c.member(victim).isUp()) {
          c.crash(victim);
          totals.crashes++;
        }
      } else if (action < 71) {
        if (!c.member(victim).isUp() && !c.net.isStopped(victim)) {
          c.restart(victim);
        }
      } else if (action < 74) {
        if (stopped < (n - 1) / 2 && !c.net.isStopped(victim)) {
          c.stop(victim);
          stopped++;
          totals.stops++;
          totals.crashes++;
        }
      } else if (action < 80) {
        double rate = 0.3 + 0.7 * r.nextDouble();
        if (r.nextBoolean()) {
          c.net.sendOmission(victim, rate);
        } else {
          c.net.receiveOmission(victim, rate);
        }
        totals.omissions++;
      } else if (action < 85) {
        for (String id : ids) {
          c.net.sendOmission(id, 0);
          c.net.receiveOmission(id, 0);
        }
      } else if (action < 91) {
        c.net.corruption(0.02 + 0.2 * r.nextDouble(), RaftCorrupter.INSTANCE);
        totals.corruptions++;
      } else if (action < 95) {
        c.net.corruption(0, RaftCorrupter.INSTANCE);
      }
      c.runFor(1 + r.nextInt(30));
    }

    // The faults stop: the live nodes must agree on one more command.
    c.heal();
    c.net.corruption(0, RaftCorrupter.INSTANCE);
    for (String id : ids) {
      c.net.sendOmission(id, 0);
      c.net.receiveOmission(id, 0);
    }
    c.setLinks(() -> Links.reordering(1, maxLatency));
    int live = 0;
    for (String id : ids) {
      if (!c.net.isStopped(id)) {
        live++;
        if (!c.member(id).isUp()) {
          c.restart(id);
        }
      }
    }
    long index = c.one("final-" + seed, live, true);
    c.tickUntil(
        new Cluster.Probe<Boolean>() {
          @Override
          public Boolean get() {
            for (Cluster.Member m : c.members()) {
              if (m.isUp() && m.applied().size() < index) {
                return null;
              }
            }
            return Boolean.TRUE;
          }

          @Override
          public String toString() {
            return "every live node applying index " + index;
          }
        });
    checkLogsMatch(c);

    totals.seeds++;
    totals.events += c.invariants.checks();
    totals.virtualTime += c.sim.now();
    totals.leaders += c.invariants.termsWithLeader();
    totals.committed += c.invariants.applied().size();
    totals.messagesDropped += c.net.dropped();
    for (Cluster.Member m : c.members()) {
      totals.malformedDropped += m.malformedSeen();
    }
  }

  /** Log matching, checked directly at the end: equal (index, term) means equal prefixes. */
  private static void checkLogsMatch(Cluster c) {
    List<Cluster.Member> ms = new ArrayList<>(c.members());
    for (int i = 0; i < ms.size(); i++) {
      for (int j = i + 1; j < ms.size(); j++) {
        MemoryStorage a = ms.get(i).storage();
        MemoryStorage b = ms.get(j).storage();
        long last = Math.min(a.lastIndex(), b.lastIndex());
        long k = last;
        while (k > 0 && a.term(k) != b.term(k)) {
          k--;
        }
        if (k > 0) {
          assertEquals(
              a.entries(1, k + 1, Long.MAX_VALUE),
              b.entries(1, k + 1, Long.MAX_VALUE),
              "log matching between " + ms.get(i).id() + " and " + ms.get(j).id());
        }
      }
    }
  }
}
