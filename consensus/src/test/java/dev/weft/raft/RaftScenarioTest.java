package dev.weft.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.testkit.sim.Links;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The scenarios Raft implementations are judged by (the election, agreement, persistence and Figure
 * 8 tests of MIT's 6.824 labs), written afresh as stories over the simulated {@link Cluster}, in
 * virtual time: a tick is 10 units, links take 1 to 5 units unless a test says otherwise, the
 * election timeout is 10 ticks and the heartbeat 1 tick. {@link Invariants} are checked after every
 * event of every scenario.
 *
 * <p>Each scenario uses a fixed seed, so it is one reproducible run; {@link RandomizedClusterTest}
 * covers many seeds.
 */
class RaftScenarioTest {
  private static final long SEED = 7;
  private static final StringBuilder timings = new StringBuilder();

  @AfterAll
  static void report() {
    System.out.print(timings);
  }

  private static void timed(String name, Cluster c, long startNanos) {
    timings.append(
        String.format(
            "scenario %-20s virtual %,7d units (%,5d ticks)  wall %,4d ms  events checked %,6d"
                + "  leaders %,d%n",
            name,
            c.sim.now(),
            c.sim.now() / Cluster.TICK,
            (System.nanoTime() - startNanos) / 1_000_000,
            c.invariants.checks(),
            c.invariants.termsWithLeader()));
  }

  // ---- elections ----------------------------------------------------------------------------

  @Test
  void initialElection() {
    long t0 = System.nanoTime();
    Cluster c = new Cluster(3, SEED);
    String leader = c.tickUntil(c.oneLeader());
    long term = c.term(leader);
    for (String id : c.ids()) {
      assertEquals(term, c.term(id), "every node agrees on the term");
    }
    c.runFor(50);
    assertEquals(leader, c.stableLeader(), "no election without a failure");
    assertEquals(term, c.term(leader));
    timed("initialElection", c, t0);
  }

  @Test
  void reElectionAfterLeaderLossAndWhenTheOldLeaderReturns() {
    long t0 = System.nanoTime();
    Cluster c = new Cluster(3, SEED);
    String leader1 = c.tickUntil(c.oneLeader());

    c.partition(leader1);
    String leader2 = c.tickUntil(c.oneLeader());
    assertNotEquals(leader1, leader2);
    c.runFor(30);
    assertNotEquals(Role.LEADER, c.member(leader1).status().role(), "CheckQuorum: it stepped down");

    c.heal();
    assertEquals(
        leader2, c.tickUntil(c.oneLeader()), "the old leader does not disrupt the new one");
    long term = c.term(leader2);

    // No majority: no leader.
    String other = c.ids().stream().filter(id -> !id.equals(leader2)).findFirst().orElseThrow();
    c.isolate(leader2, other);
    c.runFor(50);
    assertNull(c.stableLeader());

    // A majority again: a leader.
    c.reconnect(other);
    assertNotNull(c.tickUntil(c.oneLeader()));
    c.heal();
    assertNotNull(c.tickUntil(c.oneLeader()));
    assertTrue(c.term(leader2) >= term);
    timed("reElection", c, t0);
  }

  @Test
  void manyElectionsWithSevenNodesAndRandomDisconnections() {
    long t0 = System.nanoTime();
    Cluster c = new Cluster(7, SEED);
    c.tickUntil(c.oneLeader());
    Random r = new Random(SEED);
    for (int round = 0; round < 10; round++) {
      List<String> ids = new ArrayList<>(c.ids());
      java.util.Collections.shuffle(ids, r);
      c.isolate(ids.get(0), ids.get(1), ids.get(2));
      assertNotNull(c.tickUntil(c.oneLeader()), "four of seven elect a leader");
      c.heal();
    }
    assertNotNull(c.tickUntil(c.oneLeader()));
    timed("manyElections", c, t0);
  }

  // ---- agreement ----------------------------------------------------------------------------

  @Test
  void basicAgreement() {
    long t0 = System.nanoTime();
    Cluster c = new Cluster(3, SEED);
    c.tickUntil(c.oneLeader());
    for (int i = 1; i <= 3; i++) {
      long index = c.one("cmd" + i, 3, false);
      assertEquals(i + 1, index, "index 1 is the leader's no-op");
    }
    c.assertCommittedEverywhere(List.of("cmd1", "cmd2", "cmd3"));
    timed("basicAgreement", c, t0);
  }

  @Test
  void agreementDespiteAFailedFollower() {
    long t0 = System.nanoTime();
    Cluster c = new Cluster(3, SEED);
    c.one("101", 3, false);
    String leader = c.leader();
    String follower = c.ids().stream().filter(id -> !id.equals(leader)).findFirst().orElseThrow();
    c.partition(follower);
    c.one("102", 2, false);
    c.one("103", 2, false);
    c.runFor(20);
    c.one("104", 2, false);
    c.one("105", 2, false);
    c.heal();
    c.one("106", 3, true);
    c.runFor(20);
    c.one("107", 3, true);
    c.assertCommittedEverywhere(List.of("101", "102", "103", "104", "105", "106", "107"));
    timed("failedFollower", c, t0);
  }

  @Test
  void noAgreementWithoutAMajority() {
    long t0 = System.nanoTime();
    Cluster c = new Cluster(5, SEED);
    c.one("10", 5, false);
    String leader = c.leader();
    List<String> followers = c.ids().stream().filter(id -> !id.equals(leader)).toList();
    c.isolate(followers.get(0), followers.get(1), followers.get(2));

    long index = c.proposeAt(leader, "20");
    assertEquals(3, index, "after the no-op and 10");
    c.runFor(40);
    String[] got = new String[1];
    assertEquals(0, c.nCommitted(index, got), "committed without a majority");
    assertTrue(c.member(leader).status().commitIndex() < index, "the leader did not commit it");

    c.heal();
    String leader2 = c.tickUntil(c.oneLeader());
    long index2 = c.proposeAt(leader2, "30");
    assertTrue(index2 >= 4 && index2 <= 5, "unexpected index " + index2);
    c.one("1000", 5, true);
    timed("noMajority", c, t0);
  }

  @Test
  void concurrentProposals() {
    long t0 = System.nanoTime();
    Cluster c = new Cluster(3, SEED);
    String leader = c.tickUntil(c.oneLeader());
    long term = c.term(leader);
    List<Long> indexes = new ArrayList<>();
    List<String> commands = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      commands.add("c" + i);
      indexes.add(c.proposeAt(leader, "c" + i));
    }
    assertEquals(5, new HashSet<>(indexes).size(), "distinct indexes: " + indexes);
    c.assertCommittedEverywhere(commands);
    assertEquals(term, c.term(leader), "no election happened meanwhile");
    timed("concurrentProposals", c, t0);
  }

  @Test
  void rejoinOfAPartitionedLeaderWithDivergentEntries() {
    long t0 = System.nanoTime();
    Cluster c = new Cluster(3, SEED);
    c.one("101", 3, true);
    String leader1 = c.leader();
    c.partition(leader1);
    c.proposeAt(leader1, "x102");
    c.proposeAt(leader1, "x103");
    c.proposeAt(leader1, "x104");

    c.one("103", 2, true);
    String leader2 = c.leader();
    c.isolate(leader2);
    c.one("104", 2, true);

    c.heal();
    c.one("105", 3, true);
    c.assertCommittedEverywhere(List.of("101", "103", "104", "105"));
    timed("rejoin", c, t0);
  }

  @Test
  void fastBackupOverManyConflictingEntries() {
    long t0 = System.nanoTime();
    Cluster c = new Cluster(5, SEED);
    Random r = new Random(SEED);
    c.one("start", 5, true);

    // The leader and one follower on one side, the other three apart: 50 proposals that can
    // never commit.
    String leader1 = c.leader();
    List<String> others = new ArrayList<>(c.ids());
    others.remove(leader1);
    String partner = others.remove(0);
    c.split(List.of(List.of(leader1, partner), others));
    for (int i = 0; i < 50; i++) {
      c.proposeAt(leader1, "lost-a" + i);
    }
    c.runFor(5);

    // The three elect a leader and commit 50 entries.
    c.split(List.of(List.of(leader1), List.of(partner), others));
    for (int i = 0; i < 50; i++) {
      c.one("b" + i, 3, true);
    }

    // Its leader and one follower accept 50 more that cannot commit.
    String leader2 = c.leader();
    List<String> rest = new ArrayList<>(others);
    rest.remove(leader2);
    String kept = rest.get(0);
    String dropped = rest.get(1);
    c.split(List.of(List.of(leader2, kept), List.of(dropped), List.of(leader1), List.of(partner)));
    for (int i = 0; i < 50; i++) {
      c.proposeAt(leader2, "lost-c" + i);
    }
    c.runFor(5);

    // The first group of three returns; its new leader repairs 50 conflicting entries at once.
    c.split(List.of(List.of(leader1, partner, dropped), List.of(leader2), List.of(kept)));
    for (int i = 0; i < 50; i++) {
      c.one("d" + i, 3, true);
    }

    c.heal();
    c.one("end" + r.nextInt(100), 5, true);
    List<String> expected = new ArrayList<>(List.of("start"));
    for (int i = 0; i < 50; i++) {
      expected.add("b" + i);
    }
    for (int i = 0; i < 50; i++) {
      expected.add("d" + i);
    }
    List<String> applied = Cluster.commandsOf(c.member(c.leader()));
    assertEquals(expected, applied.subList(0, expected.size()));
    timed("fastBackup", c, t0);
  }

  // ---- message counts -----------------------------------------------------------------------

  /**
   * Counts RPCs as the 6.824 lab does: each AppendEntries, heartbeat and vote request counts once,
   * its answer being part of the same call. All messages, answers included, are reported too.
   */
  @Test
  void messageCounts() {
    long t0 = System.nanoTime();
    Cluster c = new Cluster(3, SEED);
    c.tickUntil(c.oneLeader());
    long electionRpcs = c.rpcs();
    long electionMessages = c.messages();
    assertTrue(electionRpcs <= 30, electionRpcs + " RPCs to elect a leader");
    assertTrue(electionMessages <= 30, electionMessages + " messages to elect a leader");

    String leader = c.leader();
    long rpcs0 = c.rpcs();
    long messages0 = c.messages();
    List<String> commands = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      commands.add("n" + i);
      c.proposeAt(leader, "n" + i);
    }
    c.assertCommittedEverywhere(commands);
    long agreementRpcs = c.rpcs() - rpcs0;
    long agreementMessages = c.messages() - messages0;
    assertTrue(agreementRpcs <= 42, agreementRpcs + " RPCs for 10 agreements");

    long rpcs1 = c.rpcs();
    c.runFor(100);
    long idle = c.rpcs() - rpcs1;
    // One heartbeat to each follower per heartbeat interval, and nothing else, when idle.
    assertTrue(idle <= (100 + 1) * 2, idle + " RPCs in 100 idle ticks");
    assertTrue(idle >= 100, idle + " RPCs in 100 idle ticks: heartbeats stopped");
    timings.append(
        String.format(
            "message counts: election %d RPCs (%d messages); 10 agreements %d RPCs (%d"
                + " messages); 100 idle ticks %d RPCs%n",
            electionRpcs, electionMessages, agreementRpcs, agreementMessages, idle));
    timed("messageCounts", c, t0);
  }

  @Test
  void electionMessageCountHoldsOverManySeeds() {
    for (long seed = 0; seed < 50; seed++) {
      Cluster c = new Cluster(3, seed);
      c.tickUntil(c.oneLeader());
      assertTrue(c.rpcs() <= 30, c.rpcs() + " RPCs to elect a leader, seed " + seed);
    }
  }

  // ---- persistence --------------------------------------------------------------------------

  @Test
  void persistenceAcrossARestartOfEveryNode() {
    long t0 = System.nanoTime();
    Cluster c = new Cluster(3, SEED);
    c.one("11", 3, true);
    for (String id : c.ids()) {
      c.crash(id);
    }
    for (String id : c.ids()) {
      c.restart(id);
    }
    c.assertCommittedEverywhere(List.of("11"));
    c.one("12", 3, true);
    c.assertCommittedEverywhere(List.of("11", "12"));
    timed("persistEveryNode", c, t0);
  }

  @Test
  void persistenceAcrossARestartOfTheLeader() {
    long t0 = System.nanoTime();
    Cluster c = new Cluster(3, SEED);
    c.one("11", 3, true);
    String leader1 = c.leader();
    c.crash(leader1);
    c.one("12", 2, true);
    c.restart(leader1);
    c.one("13", 3, true);

    String leader2 = c.leader();
    c.partition(leader2);
    c.one("14", 2, true);
    c.crash(leader2);
    c.restart(leader2);
    c.heal();
    c.assertCommittedEverywhere(List.of("11", "12", "13", "14"));
    timed("persistLeader", c, t0);
  }

  @Test
  void persistenceAcrossRestartsOfAMinority() {
    long t0 = System.nanoTime();
    Cluster c = new Cluster(5, SEED);
    List<String> expected = new ArrayList<>();
    int n = 0;
    for (int round = 0; round < 5; round++) {
      String cmd = "p" + n++;
      expected.add(cmd);
      c.one(cmd, 5, true);
      String leader = c.leader();
      List<String> followers = c.ids().stream().filter(id -> !id.equals(leader)).toList();
      String f1 = followers.get(round % 4);
      String f2 = followers.get((round + 1) % 4);
      c.crash(f1);
      c.crash(f2);
      cmd = "p" + n++;
      expected.add(cmd);
      c.one(cmd, 3, true);
      c.restart(f1);
      c.restart(f2);
      cmd = "p" + n++;
      expected.add(cmd);
      c.one(cmd, 5, true);
    }
    c.assertCommittedEverywhere(expected);
    timed("persistMinority", c, t0);
  }

  // ---- Figure 8 -----------------------------------------------------------------------------

  /**
   * Raft §5.4.2, Figure 8, as a stress test: 1,000 rounds in which whoever leads gets a proposal
   * and is then crashed, sometimes right away and sometimes after a while, with crashed nodes
   * restarted whenever fewer than a majority are up. Entries of old terms must never be committed
   * by counting replicas; {@link Invariants} would see a committed entry lost.
   */
  @Test
  void figure8() {
    long t0 = System.nanoTime();
    Cluster c = new Cluster(5, SEED);
    Random r = new Random(SEED);
    c.one("first", 1, true);
    int up = 5;
    for (int round = 0; round < 1000; round++) {
      String leader = c.leader();
      if (leader != null) {
        c.proposeAt(leader, "f" + round);
      }
      c.runFor(r.nextInt(100) < 10 ? r.nextInt(10) : r.nextInt(2));
      if (leader != null && c.member(leader).isUp()) {
        c.crash(leader);
        up--;
      }
      if (up < 3) {
        String s = c.ids().get(r.nextInt(5));
        if (!c.member(s).isUp()) {
          c.restart(s);
          up++;
        }
      }
    }
    for (String id : c.ids()) {
      if (!c.member(id).isUp()) {
        c.restart(id);
      }
    }
    c.one("last", 5, true);
    assertTrue(c.invariants.termsWithLeader() > 20, c.invariants.termsWithLeader() + " leaders");
    timed("figure8", c, t0);
  }

  /**
   * Figure 8 on an unreliable network: 10% of messages lost, latencies up to 27 units, and after
   * 200 rounds long reordering (two thirds of messages held up to 200 more units, well over an
   * election timeout); leaders are cut off instead of crashed.
   */
  @Test
  void figure8Unreliable() {
    long t0 = System.nanoTime();
    Cluster c =
        new Cluster(5, SEED, () -> Links.builder().latency(1, 27).loss(0.1).build(), cfg -> cfg);
    Random r = new Random(SEED);
    c.one("first", 1, true);
    Set<String> cut = new HashSet<>();
    for (int round = 0; round < 1000; round++) {
      if (round == 200) {
        c.setLinks(() -> Links.builder().latency(1, 27).loss(0.1).longDelay(0.66, 200).build());
      }
      String leader = c.leader();
      if (leader != null) {
        c.proposeAt(leader, "u" + round);
      }
      c.runFor(r.nextInt(100) < 10 ? r.nextInt(10) : r.nextInt(2));
      if (leader != null && r.nextInt(1000) < 500 && !cut.contains(leader)) {
        cut.add(leader);
      }
      if (c.ids().size() - cut.size() < 3) {
        cut.remove(c.ids().get(r.nextInt(5)));
      }
      // Three connected nodes of five must all agree to elect, which the long delays make rare:
      // now and then a cut node returns, so that the rounds keep electing leaders to cut.
      if (!cut.isEmpty() && r.nextInt(100) < 5) {
        cut.remove(c.ids().get(r.nextInt(5)));
      }
      c.isolate(cut.toArray(String[]::new));
    }
    c.heal();
    c.setLinks(() -> Links.reordering(1, 5));
    c.one("last", 5, true);
    assertTrue(c.invariants.termsWithLeader() >= 10, c.invariants.termsWithLeader() + " leaders");
    timed("figure8Unreliable", c, t0);
  }

  // ---- unreliable networks and churn --------------------------------------------------------

  @Test
  void unreliableAgreement() {
    long t0 = System.nanoTime();
    Cluster c =
        new Cluster(
            5,
            SEED,
            () -> Links.builder().latency(1, 27).loss(0.1).duplication(0.05).build(),
            cfg -> cfg);
    List<String> expected = new ArrayList<>();
    for (int iter = 1; iter < 50; iter++) {
      for (int j = 0; j < 4; j++) {
        c.propose("u" + iter + "-" + j);
      }
      c.one("one" + iter, 1, true);
      expected.add("one" + iter);
    }
    c.setLinks(() -> Links.reordering(1, 5));
    c.one("final", 5, true);
    expected.add("final");
    List<String> applied = Cluster.commandsOf(c.member(c.leader()));
    assertTrue(applied.containsAll(expected), "every agreed command is applied: " + applied);
    timed("unreliableAgreement", c, t0);
  }

  /**
   * Constant proposals from a client while nodes are crashed, restarted and cut off at random; at
   * the end every node applies the same log, containing every command a client saw committed.
   */
  @Test
  void churn() {
    churn(false, "churn");
  }

  @Test
  void churnOnAnUnreliableNetwork() {
    churn(true, "churnUnreliable");
  }

  private void churn(boolean unreliable, String name) {
    long t0 = System.nanoTime();
    Cluster c =
        unreliable
            ? new Cluster(
                5, SEED, () -> Links.builder().latency(1, 27).loss(0.1).build(), cfg -> cfg)
            : new Cluster(5, SEED);
    Random r = new Random(SEED);
    int next = 0;
    for (int round = 0; round < 20; round++) {
      for (int k = 0; k < 7; k++) {
        for (int p = 0; p < 3; p++) {
          c.propose("k" + next++);
        }
        c.runFor(1);
      }
      int what = r.nextInt(1000);
      String victim = c.ids().get(r.nextInt(5));
      if (what < 200) {
        c.isolate(victim);
      } else if (what < 700 && c.member(victim).isUp()) {
        c.crash(victim);
      } else if (what < 900 && !c.member(victim).isUp()) {
        c.restart(victim);
      } else {
        c.heal();
      }
    }
    c.heal();
    c.setLinks(() -> Links.reordering(1, 5));
    for (String id : c.ids()) {
      if (!c.member(id).isUp()) {
        c.restart(id);
      }
    }
    long last = c.one("last", 5, true);
    c.tickUntil(
        new Cluster.Probe<Boolean>() {
          @Override
          public Boolean get() {
            for (Cluster.Member m : c.members()) {
              if (m.applied().size() < last) {
                return null;
              }
            }
            return Boolean.TRUE;
          }
        });
    List<String> reference = Cluster.commandsOf(c.member(c.ids().get(0)));
    for (Cluster.Member m : c.members()) {
      List<String> mine = Cluster.commandsOf(m);
      assertEquals(
          reference.subList(0, Math.min(reference.size(), mine.size())),
          mine.subList(0, Math.min(reference.size(), mine.size())));
    }
    // Everything any node ever applied (what a client could have seen committed) is in it.
    List<String> ever = Cluster.commands(c.invariants.applied());
    int common = Math.min(ever.size(), reference.size());
    assertEquals(ever.subList(0, common), reference.subList(0, common));
    assertTrue(reference.size() >= ever.size(), "a committed command was lost");
    assertTrue(reference.size() > 20, "some proposals survived the churn: " + reference.size());
    timed(name, c, t0);
  }
}
