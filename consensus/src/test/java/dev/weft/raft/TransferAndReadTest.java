package dev.weft.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.raft.RaftMessage.TimeoutNow;
import dev.weft.testkit.sim.Links;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Leadership transfer (thesis §3.10) and reads without the log (ReadIndex, thesis §6.4; follower
 * reads) on the simulated cluster, with {@link Invariants} checked after every event.
 */
class TransferAndReadTest {
  private static Cluster cluster(long seed) {
    return new Cluster(3, seed, () -> Links.reordering(1, 5), c -> c);
  }

  private static Cluster.Probe<String> leaderIs(Cluster c, String id) {
    return new Cluster.Probe<>() {
      @Override
      public String get() {
        return id.equals(c.stableLeader()) ? id : null;
      }

      @Override
      public String toString() {
        return id + " leading";
      }
    };
  }

  @Test
  void aTransferToALaggingNodeBringsItUpToDateFirst() {
    Cluster c = cluster(11);
    String leader = c.tickUntil(c.oneLeader());
    String target = leader.equals("n3") ? "n2" : "n3";
    c.partition(target);
    List<String> commands = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      commands.add("w" + i);
      c.one("w" + i, 2, true);
    }
    c.heal();
    long term = c.term(leader);
    RaftNode node = c.member(leader).node();
    assertEquals(target, node.transferLeadership(target));
    List<RaftMessage> first = new ArrayList<>();
    // the target lags by 20 entries: the leader sends entries, not TimeoutNow
    c.member(leader).drain();
    assertThrows(TransferInProgressException.class, () -> node.propose(new byte[] {1}));
    assertTrue(first.stream().noneMatch(m -> m instanceof TimeoutNow));
    c.tickUntil(leaderIs(c, target), 100);
    assertTrue(c.term(target) > term);
    assertEquals(Role.FOLLOWER, c.member(leader).status().role());
    commands.add("after");
    c.one("after", 3, true);
    c.assertCommittedEverywhere(commands);
  }

  @Test
  void aTransferThatTimesOutResumesProposals() {
    Cluster c = cluster(12);
    String leader = c.tickUntil(c.oneLeader());
    c.one("a", 3, true);
    String target = leader.equals("n3") ? "n2" : "n3";
    c.partition(target);
    RaftNode node = c.member(leader).node();
    node.transferLeadership(target);
    c.member(leader).drain();
    TransferInProgressException refused =
        assertThrows(TransferInProgressException.class, () -> node.propose(new byte[] {1}));
    assertEquals(target, refused.target());
    c.runFor(25); // more than an election timeout (10 ticks)
    assertEquals(null, node.leadTransferee(), "abandoned");
    assertEquals(leader, c.stableLeader());
    c.proposeAt(leader, "b");
    c.heal();
    c.assertCommittedEverywhere(List.of("a", "b"));
  }

  @Test
  void aTransferWithoutATargetPicksTheMostUpToDateVoter() {
    Cluster c = cluster(13);
    String leader = c.tickUntil(c.oneLeader());
    c.one("a", 3, true);
    String behind = leader.equals("n3") ? "n2" : "n3";
    c.partition(behind);
    c.one("b", 2, true);
    c.heal();
    String chosen = c.member(leader).node().transferLeadership(null);
    assertNotEquals(behind, chosen);
    assertNotEquals(leader, chosen);
    c.member(leader).drain();
    c.tickUntil(leaderIs(c, chosen), 100);
    assertThrows(
        IllegalArgumentException.class, () -> c.member(chosen).node().transferLeadership(chosen));
    assertThrows(
        NotLeaderException.class, () -> c.member(leader).node().transferLeadership(chosen));
  }

  @Test
  void aLeaderServesReadIndexOnlyAfterAQuorumConfirmsIt() {
    Cluster c = cluster(14);
    String leader = c.tickUntil(c.oneLeader());
    long index = c.one("a", 3, true);
    RaftNode node = c.member(leader).node();
    node.readIndex(7);
    node.readIndex(8);
    assertTrue(node.readStates().isEmpty(), "not before a round of heartbeats");
    c.member(leader).drain();
    c.runFor(5);
    List<ReadState> states = node.readStates();
    assertEquals(List.of(new ReadState(7, index), new ReadState(8, index)), states);

    // cut off, the old leader cannot confirm: it never answers (with CheckQuorum it steps down)
    c.partition(leader);
    node.readIndex(9);
    c.member(leader).drain();
    c.runFor(40);
    assertEquals(List.of(), node.readStates());
  }

  @Test
  void aFollowerReadGetsAnIndexThatCoversEveryCommittedWrite() {
    Cluster c = cluster(15);
    String leader = c.tickUntil(c.oneLeader());
    String follower = leader.equals("n1") ? "n2" : "n1";
    long index = c.one("a", 3, true);
    RaftNode f = c.member(follower).node();
    f.readIndex(1);
    c.member(follower).drain();
    c.runFor(5);
    List<ReadState> states = f.readStates();
    assertEquals(1, states.size());
    assertTrue(states.get(0).index() >= index, states + " must cover " + index);
  }

  @Test
  void theLeaseEpochChangesWithATransferAndATerm() {
    Cluster c = cluster(16);
    String leader = c.tickUntil(c.oneLeader());
    c.one("a", 3, true);
    RaftNode node = c.member(leader).node();
    long epoch = node.leaseEpoch();
    assertTrue(epoch >= 0);
    c.runFor(5);
    assertEquals(epoch, node.leaseEpoch(), "stable while nothing changes");
    String target = leader.equals("n1") ? "n2" : "n1";
    node.transferLeadership(target);
    assertEquals(-1, node.leaseEpoch(), "no lease reads while leadership moves");
    c.member(leader).drain();
    c.tickUntil(leaderIs(c, target), 100);
    assertEquals(-1, node.leaseEpoch());
    RaftNode next = c.member(target).node();
    c.one("b", 3, true);
    assertTrue(next.leaseEpoch() >= 0);
    Cluster noCheckQuorum =
        new Cluster(3, 17, () -> Links.reordering(1, 5), cfg -> cfg.withCheckQuorum(false));
    String l = noCheckQuorum.tickUntil(noCheckQuorum.oneLeader());
    noCheckQuorum.one("a", 3, true);
    assertEquals(-1, noCheckQuorum.member(l).node().leaseEpoch(), "no lease without CheckQuorum");
  }
}
