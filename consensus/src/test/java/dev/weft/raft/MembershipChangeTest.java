package dev.weft.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.testkit.sim.Links;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Membership changes on the simulated cluster, as the Raft thesis (Ongaro, Stanford 2014, chapter
 * 4) describes them: learners that catch up before they vote (§4.2.1), single-server changes
 * (§4.1), joint consensus (§4.3), a removed leader stepping down (§4.2.2), removed servers that do
 * not disrupt (§4.2.3), and one change at a time. {@link Invariants} are checked after every event.
 */
class MembershipChangeTest {
  private static Cluster cluster(int voters, int spares, long seed) {
    return new Cluster(voters, spares, seed, () -> Links.reordering(1, 5), c -> c);
  }

  private static RaftNode leaderNode(Cluster c, String leader) {
    return c.member(leader).node();
  }

  /** Proposes {@code next} at the leader and waits until every up member uses it, committed. */
  private static void change(Cluster c, Membership next) {
    String leader = c.tickUntil(c.oneLeader());
    leaderNode(c, leader).changeMembership(next);
    c.member(leader).drain();
    awaitCommitted(c, next);
  }

  private static void awaitCommitted(Cluster c, Membership next) {
    c.tickUntil(
        new Cluster.Probe<Boolean>() {
          @Override
          public Boolean get() {
            for (String id : next.members()) {
              Cluster.Member m = c.member(id);
              if (!m.isUp()
                  || !m.node().membership().equals(next)
                  || m.status().commitIndex() < m.node().membershipIndex()) {
                return null;
              }
            }
            return Boolean.TRUE;
          }

          @Override
          public String toString() {
            return "every member using " + next + ", committed";
          }
        });
  }

  private static void awaitCaughtUp(Cluster c, String learner) {
    c.tickUntil(
        new Cluster.Probe<Boolean>() {
          @Override
          public Boolean get() {
            String leader = c.stableLeader();
            return leader != null && leaderNode(c, leader).isCaughtUp(learner)
                ? Boolean.TRUE
                : null;
          }

          @Override
          public String toString() {
            return learner + " caught up";
          }
        });
  }

  @Test
  void aNewServerCatchesUpAsALearnerBeforeItVotes() {
    Cluster c = cluster(3, 1, 1);
    List<String> commands = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      commands.add("w" + i);
      c.one("w" + i, 3, true);
    }
    String leader = c.tickUntil(c.oneLeader());
    Membership start = leaderNode(c, leader).membership();
    Membership withLearner = start.withLearner("n4");
    leaderNode(c, leader).changeMembership(withLearner);
    c.member(leader).drain();
    // thesis §4.2.1: the new server may not vote before it holds the log
    MembershipChangeException early =
        assertThrows(
            MembershipChangeException.class,
            () -> leaderNode(c, leader).changeMembership(withLearner.promote("n4")));
    assertTrue(early.getMessage().contains("in progress"), early.getMessage());
    awaitCommitted(c, withLearner);
    assertEquals(Role.FOLLOWER, c.member("n4").status().role(), "a learner never campaigns");
    awaitCaughtUp(c, "n4");
    change(c, withLearner.promote("n4"));
    assertEquals(List.of("n1", "n2", "n3", "n4"), c.member("n4").node().membership().voters());
    commands.add("after");
    c.one("after", 4, true);
    c.assertCommittedEverywhere(commands);
    // four voters need three: the group survives losing one, whichever it is
    c.crash(c.tickUntil(c.oneLeader()));
    commands.add("after-crash");
    c.one("after-crash", 3, true);
  }

  @Test
  void aLearnerThatHasNotCaughtUpIsNotPromoted() {
    Cluster c = cluster(3, 1, 2);
    c.one("x", 3, true);
    String leader = c.tickUntil(c.oneLeader());
    c.crash("n4"); // the spare is down: it can never catch up
    Membership withLearner = leaderNode(c, leader).membership().withLearner("n4");
    leaderNode(c, leader).changeMembership(withLearner);
    c.member(leader).drain();
    for (int i = 0; i < 5; i++) {
      c.one("w" + i, 3, true);
    }
    String now = c.tickUntil(c.oneLeader());
    MembershipChangeException e =
        assertThrows(
            MembershipChangeException.class,
            () -> leaderNode(c, now).changeMembership(withLearner.promote("n4")));
    assertTrue(e.getMessage().contains("not caught up"), e.getMessage());
    MembershipChangeException never =
        assertThrows(
            MembershipChangeException.class,
            () ->
                leaderNode(c, now)
                    .changeMembership(
                        new Membership(List.of("n1", "n2", "n3", "n5"), List.of("n4"), List.of())));
    assertTrue(never.getMessage().contains("not a learner"), never.getMessage());
  }

  @Test
  void twoConcurrentChangesAreRefused() {
    Cluster c = cluster(3, 2, 3);
    String leader = c.tickUntil(c.oneLeader());
    c.one("x", 3, true);
    Membership m = leaderNode(c, leader).membership();
    leaderNode(c, leader).changeMembership(m.withLearner("n4"));
    MembershipChangeException e =
        assertThrows(
            MembershipChangeException.class,
            () -> leaderNode(c, leader).changeMembership(m.withLearner("n5")));
    assertTrue(e.getMessage().contains("another membership change is in progress"));
    c.member(leader).drain();
    awaitCommitted(c, m.withLearner("n4"));
    change(c, m.withLearner("n4").withLearner("n5")); // the next change, once the first commits
  }

  @Test
  void aRemovedLeaderStepsDownOnceTheChangeCommits() {
    Cluster c = cluster(3, 0, 4);
    String leader = c.tickUntil(c.oneLeader());
    c.one("before", 3, true);
    long term = c.term(leader);
    Membership without = leaderNode(c, leader).membership().without(leader);
    leaderNode(c, leader).changeMembership(without);
    c.member(leader).drain();
    String next =
        c.tickUntil(
            new Cluster.Probe<String>() {
              @Override
              public String get() {
                String l = c.stableLeader();
                return l != null && !l.equals(leader) ? l : null;
              }

              @Override
              public String toString() {
                return "a leader other than " + leader;
              }
            },
            100);
    assertNotEquals(leader, next);
    assertEquals(Role.FOLLOWER, c.member(leader).status().role());
    assertEquals(without, leaderNode(c, next).membership());
    assertTrue(c.term(next) > term);
    c.one("after", 2, true);
    c.runFor(100);
    assertEquals(Role.FOLLOWER, c.member(leader).status().role(), "a removed node never campaigns");
  }

  // Thesis §4.3: replacing two of three voters at once goes through a joint configuration, which
  // needs both majorities, and which the leader leaves by itself once it is committed.
  @Test
  void jointConsensusReplacesTwoVotersAtOnce() {
    Cluster c = cluster(3, 2, 5);
    String leader = c.tickUntil(c.oneLeader());
    c.one("a", 3, true);
    Membership m = leaderNode(c, leader).membership();
    change(c, m.withLearner("n4"));
    change(c, m.withLearner("n4").withLearner("n5"));
    awaitCaughtUp(c, "n4");
    awaitCaughtUp(c, "n5");
    leader = c.tickUntil(c.oneLeader());
    List<String> old = new ArrayList<>(m.voters());
    old.remove(leader);
    Membership target = new Membership(List.of(leader, "n4", "n5"), List.of(), List.of());
    long index = leaderNode(c, leader).changeMembership(target);
    Membership joint = leaderNode(c, leader).membership();
    assertTrue(joint.isJoint(), "two voters change: joint first");
    assertEquals(m.voters(), joint.outgoingVoters());
    assertEquals(index, leaderNode(c, leader).membershipIndex());
    c.member(leader).drain();
    awaitCommitted(c, target);
    for (String gone : old) {
      assertFalse(leaderNode(c, c.tickUntil(c.oneLeader())).membership().isVoter(gone));
      c.crash(gone); // an operator shuts removed servers down
    }
    c.one("b", 3, true);
  }

  // Thesis §4.2.3: a server removed while cut off does not learn of it, times out and campaigns;
  // the others, hearing from their leader, ignore it, and the leader keeps its term.
  @Test
  void aRemovedServerDoesNotDisruptTheCluster() {
    Cluster c = cluster(3, 0, 6);
    String leader = c.tickUntil(c.oneLeader());
    c.one("a", 3, true);
    String victim = leader.equals("n3") ? "n2" : "n3";
    c.partition(victim);
    Membership without = leaderNode(c, leader).membership().without(victim);
    leaderNode(c, leader).changeMembership(without);
    c.member(leader).drain();
    c.one("b", 2, true);
    long term = c.term(leader);
    c.heal();
    c.runFor(300); // many election timeouts of the removed server
    assertEquals(leader, c.tickUntil(c.oneLeader()));
    assertEquals(term, c.term(leader), "no election was forced on the group");
    assertFalse(leaderNode(c, leader).membership().isVoter(victim));
  }

  @Test
  void membershipHelpersRefuseWhatCannotBeDone() {
    Membership m = Membership.of(List.of("a", "b"));
    assertThrows(IllegalArgumentException.class, () -> m.withLearner("a"));
    assertThrows(IllegalArgumentException.class, () -> m.promote("c"));
    assertThrows(IllegalArgumentException.class, () -> m.without("c"));
    assertThrows(IllegalArgumentException.class, () -> Membership.of(List.of("a")).without("a"));
    assertThrows(IllegalArgumentException.class, () -> m.replace("a", "c"));
    Membership withC = m.withLearner("c");
    assertEquals(new Membership(List.of("c", "b"), List.of(), List.of()), withC.replace("a", "c"));
    assertThrows(
        IllegalArgumentException.class,
        () -> new Membership(List.of("a"), List.of(), List.of("b")).withLearner("x"));
  }
}
