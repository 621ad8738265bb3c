package dev.weft.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.raft.RaftMessage.Heartbeat;
import dev.weft.raft.RaftMessage.RequestVote;
import dev.weft.raft.RaftMessage.RequestVoteResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * PreVote and CheckQuorum, from Ongaro's thesis ("Consensus: Bridging Theory and Practice",
 * Stanford 2014): §9.6 (preventing disruptions when a server rejoins the cluster), §6.2 (a leader
 * steps down when it cannot reach a majority) and §4.2.3 (ignoring vote requests within the minimum
 * election timeout of hearing from a leader).
 */
class PreVoteCheckQuorumTest {
  private static final List<String> ABC = List.of("a", "b", "c");

  // Thesis §9.6: "a candidate only increments its term if it first learns from a majority of the
  // cluster that they would be willing to grant the candidate their votes".
  @Test
  void aPreCandidateAsksAtTheNextTermWithoutTakingIt() {
    TestNode a = TestNode.create("a", ABC, c -> c.withPreVote(true));
    a.campaign();
    assertEquals(new RaftStatus("a", 0, Role.PRE_CANDIDATE, null, 0, 0), a.status());
    assertEquals(
        List.of(new RequestVote("a", "b", 1, 0, 0, true), new RequestVote("a", "c", 1, 0, 0, true)),
        a.drain());
    assertEquals(HardState.EMPTY, a.storage.hardState(), "no term or vote was persisted");
    a.step(new RequestVoteResponse("b", "a", 1, true, true));
    assertEquals(Role.CANDIDATE, a.status().role(), "a majority would vote: a real election");
    assertEquals(1, a.status().term());
    List<RequestVote> real = TestNode.only(RequestVote.class, a.drain());
    assertEquals(List.of(false, false), real.stream().map(RequestVote::preVote).toList());
  }

  // Thesis §9.6: an isolated node, with PreVote, never raises its term, so when it returns it does
  // not force the healthy leader to step down.
  @Test
  void anIsolatedNodeThatRejoinsDoesNotDisruptTheLeader() {
    Cluster c = new Cluster(3, 11);
    String leader = c.tickUntil(c.oneLeader());
    long term = c.term(leader);
    String lonely = c.ids().stream().filter(id -> !id.equals(leader)).findFirst().orElseThrow();
    c.partition(lonely);
    c.runFor(300);
    assertEquals(term, c.term(lonely), "pre-votes that no one answers raise no term");
    c.heal();
    c.runFor(100);
    assertEquals(leader, c.stableLeader());
    assertEquals(term, c.term(leader));
  }

  // Without PreVote, the same isolated node raises its term over and over, and its return
  // forces a new election: the disruption that PreVote exists to prevent.
  @Test
  void withoutPreVoteTheReturningNodeDisruptsTheCluster() {
    Cluster c =
        new Cluster(
            3,
            11,
            () -> dev.weft.testkit.sim.Links.reordering(1, 5),
            cfg -> cfg.withPreVote(false));
    String leader = c.tickUntil(c.oneLeader());
    long term = c.term(leader);
    String lonely = c.ids().stream().filter(id -> !id.equals(leader)).findFirst().orElseThrow();
    c.partition(lonely);
    c.runFor(300);
    assertTrue(c.term(lonely) > term + 5, "its term ran away: " + c.term(lonely));
    c.heal();
    // The leader's next heartbeat reaches the returning node, whose answer carries its higher
    // term: the leader steps down, and the cluster must elect again at a term above the runaway.
    c.runFor(5);
    String after = c.tickUntil(c.oneLeader());
    assertTrue(c.term(after) > term + 5, "the cluster had to move to a higher term");
  }

  // Thesis §6.2: "a leader steps down if an election timeout elapses without a successful round
  // of heartbeats to a majority of its cluster".
  @Test
  void aLeaderCutOffFromTheMajorityStepsDown() {
    Cluster c = new Cluster(5, 12);
    String leader = c.tickUntil(c.oneLeader());
    c.partition(leader);
    c.runFor(2 * 10 + 5);
    assertNotEquals(Role.LEADER, c.member(leader).status().role());

    Cluster without =
        new Cluster(
            5,
            12,
            () -> dev.weft.testkit.sim.Links.reordering(1, 5),
            cfg -> cfg.withCheckQuorum(false));
    String l2 = without.tickUntil(without.oneLeader());
    without.partition(l2);
    without.runFor(100);
    assertEquals(Role.LEADER, without.member(l2).status().role(), "without CheckQuorum it stays");
  }

  // Thesis §4.2.3: "if a server receives a RequestVote request within the minimum election
  // timeout of hearing from a current leader, it does not update its term or grant its vote."
  @Test
  void aFollowerThatHeardFromTheLeaderIgnoresVoteRequests() {
    TestNode a = TestNode.create("a", ABC, cfg -> cfg.withCheckQuorum(true).withPreVote(true));
    a.step(new Heartbeat("b", "a", 1, 0));
    a.drain();
    a.step(new RequestVote("c", "a", 2, 5, 1, false));
    a.step(new RequestVote("c", "a", 2, 5, 1, true));
    assertEquals(List.of(), a.drain(), "ignored, not even refused");
    assertEquals(1, a.status().term());
    a.tick(10);
    a.step(new RequestVote("c", "a", 2, 5, 1, true));
    assertEquals(
        List.of(new RequestVoteResponse("a", "c", 2, true, true)),
        TestNode.only(RequestVoteResponse.class, a.drain()),
        "an election timeout later, the pre-vote is granted");
    assertEquals(1, a.status().term(), "and a pre-vote still changes no term");
  }
}
