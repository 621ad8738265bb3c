package dev.weft.raft;

import static dev.weft.raft.TestNode.only;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.raft.RaftMessage.AppendEntries;
import dev.weft.raft.RaftMessage.AppendEntriesResponse;
import dev.weft.raft.RaftMessage.Heartbeat;
import dev.weft.raft.RaftMessage.HeartbeatResponse;
import dev.weft.raft.RaftMessage.RequestVote;
import dev.weft.raft.RaftMessage.RequestVoteResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * One test per rule of Ongaro and Ousterhout's paper, "In Search of an Understandable Consensus
 * Algorithm" (USENIX ATC 2014), sections 5.1 to 5.4, each citing its section; in the manner of etcd
 * raft's {@code raft_paper_test.go}, written for this implementation. Nodes are driven by hand
 * ({@link TestNode}, {@link Pipe}), with PreVote and CheckQuorum off unless a test says otherwise,
 * so that the messages are exactly the paper's.
 */
class RaftPaperTest {
  private static final List<String> ABC = List.of("a", "b", "c");

  // ---- §5.1 Raft basics ---------------------------------------------------------------------

  // Raft §5.1: "When servers start up, they begin as followers."
  @Test
  void s51_serversStartAsFollowers() {
    TestNode a = TestNode.create("a", ABC);
    assertEquals(new RaftStatus("a", 0, Role.FOLLOWER, null, 0, 0), a.status());
    TestNode restarted = TestNode.withLog("a", ABC, 5, 1, 2, 5);
    assertEquals(Role.FOLLOWER, restarted.status().role());
    assertEquals(5, restarted.status().term());
  }

  // Raft §5.1: "If a server's current term is smaller than the other's, it updates its current
  // term to the larger value. If a candidate or leader discovers that its term is out of date, it
  // immediately reverts to follower state."
  @Test
  void s51_aLargerTermMakesEveryRoleAFollowerOfThatTerm() {
    TestNode follower = TestNode.create("a", ABC);
    follower.step(new AppendEntries("b", "a", 2, 0, 0, List.of(), 0));
    assertEquals(new RaftStatus("a", 2, Role.FOLLOWER, "b", 0, 0), follower.status());

    TestNode candidate = TestNode.create("a", ABC);
    candidate.campaign();
    assertEquals(Role.CANDIDATE, candidate.status().role());
    candidate.step(new Heartbeat("b", "a", 2, 0));
    assertEquals(new RaftStatus("a", 2, Role.FOLLOWER, "b", 0, 0), candidate.status());

    TestNode leader = TestNode.create("a", ABC);
    leader.becomeLeader();
    leader.step(new RequestVote("b", "a", 3, 0, 0, false));
    assertEquals(3, leader.status().term());
    assertEquals(Role.FOLLOWER, leader.status().role());
    assertNull(leader.status().leader());
  }

  // Raft §5.1: "If a server receives a request with a stale term number, it rejects the request."
  @Test
  void s51_aRequestWithAStaleTermIsRejected() {
    TestNode a = TestNode.withLog("a", ABC, 2);
    a.drain();
    a.step(new AppendEntries("b", "a", 1, 0, 0, TestNode.entries(1, 1), 1));
    a.step(new RequestVote("c", "a", 1, 9, 1, false));
    assertEquals(new RaftStatus("a", 2, Role.FOLLOWER, null, 0, 0), a.status());
    assertEquals(List.of(), a.drain());
    assertEquals(0, a.storage.lastIndex());

    // With CheckQuorum (or PreVote) the stale leader is told the newer term, so it steps down.
    TestNode q = TestNode.create("a", ABC, c -> c.withCheckQuorum(true));
    q.step(new AppendEntries("b", "a", 2, 0, 0, List.of(), 0));
    q.drain();
    q.step(new Heartbeat("c", "a", 1, 0));
    assertEquals(List.of(new HeartbeatResponse("a", "c", 2)), q.drain());
  }

  // ---- §5.2 Leader election -----------------------------------------------------------------

  // Raft §5.2: "Leaders send periodic heartbeats (AppendEntries RPCs that carry no log entries)
  // to all followers in order to maintain their authority."
  @Test
  void s52_aLeaderSendsHeartbeatsEveryHeartbeatInterval() {
    TestNode a = TestNode.create("a", ABC, c -> c.withHeartbeatTicks(3));
    a.becomeLeader();
    a.tick(2);
    assertEquals(List.of(), only(Heartbeat.class, a.drain()));
    a.tick(1);
    assertEquals(
        List.of(new Heartbeat("a", "b", 1, 0), new Heartbeat("a", "c", 1, 0)),
        only(Heartbeat.class, a.drain()));
  }

  // Raft §5.2: "If a follower receives no communication over a period of time called the election
  // timeout, then it ... begins an election ... increments its current term and transitions to
  // candidate state. It then votes for itself and issues RequestVote RPCs in parallel."
  @Test
  void s52_aFollowerStartsAnElectionAfterItsTimeout() {
    TestNode a = TestNode.withLog("a", ABC, 1, 1);
    a.campaign();
    List<RaftMessage> sent = a.drain();
    assertEquals(new RaftStatus("a", 2, Role.CANDIDATE, null, 0, 1), a.status());
    assertEquals(new HardState(2, "a", 0), a.storage.hardState());
    assertEquals(
        List.of(
            new RequestVote("a", "b", 2, 1, 1, false), new RequestVote("a", "c", 2, 1, 1, false)),
        sent);
  }

  // Raft §5.2: "each candidate restarts its randomized election timeout at the start of an
  // election, and it waits for that timeout to elapse before starting the next election."
  @Test
  void s52_aCandidateStartsANewElectionAfterATimeout() {
    TestNode a = TestNode.create("a", ABC);
    a.campaign();
    a.drain();
    assertEquals(1, a.status().term());
    int ticks = 0;
    while (a.status().term() == 1) {
      a.tick(1);
      ticks++;
    }
    assertTrue(ticks >= 10 && ticks < 20, "a new election after " + ticks + " ticks");
    assertEquals(new RaftStatus("a", 2, Role.CANDIDATE, null, 0, 0), a.status());
    assertEquals(2, only(RequestVote.class, a.drain()).size());
  }

  // Raft §5.2: "A candidate wins an election if it receives votes from a majority of the servers
  // in the full cluster for the same term."
  @Test
  void s52_aCandidateWinsWithAMajorityAndLosesWithout() {
    record Case(int size, Map<String, Boolean> votes, Role expected) {}
    List<Case> cases =
        List.of(
            new Case(1, Map.of(), Role.LEADER),
            new Case(3, Map.of("n2", true, "n3", true), Role.LEADER),
            new Case(3, Map.of("n2", true), Role.LEADER),
            new Case(5, Map.of("n2", true, "n3", true, "n4", true, "n5", true), Role.LEADER),
            new Case(5, Map.of("n2", true, "n3", true), Role.LEADER),
            new Case(5, Map.of("n2", true), Role.CANDIDATE),
            new Case(5, Map.of("n2", true, "n3", false, "n4", false), Role.CANDIDATE),
            new Case(5, Map.of("n3", false, "n4", false, "n5", false), Role.FOLLOWER),
            new Case(3, Map.of("n2", false, "n3", false), Role.FOLLOWER));
    for (Case c : cases) {
      List<String> voters = new ArrayList<>();
      for (int i = 1; i <= c.size(); i++) {
        voters.add("n" + i);
      }
      TestNode n = TestNode.create("n1", voters);
      n.campaign();
      n.drain();
      for (String v : voters.subList(1, voters.size())) {
        Boolean granted = c.votes().get(v);
        if (granted != null) {
          n.step(new RequestVoteResponse(v, "n1", 1, granted, false));
        }
      }
      assertEquals(c.expected(), n.status().role(), c.toString());
      assertEquals(1, n.status().term(), c.toString());
    }
  }

  // Raft §5.2: "Each server will vote for at most one candidate in a given term, on a
  // first-come-first-served basis."
  @Test
  void s52_aFollowerVotesForAtMostOneCandidatePerTerm() {
    record Case(String votedFor, String candidate, boolean granted) {}
    List<Case> cases =
        List.of(
            new Case(null, "b", true),
            new Case(null, "c", true),
            new Case("b", "b", true),
            new Case("c", "c", true),
            new Case("b", "c", false),
            new Case("c", "b", false));
    for (Case c : cases) {
      TestNode a = TestNode.create("a", ABC);
      a.storage.setHardState(new HardState(1, c.votedFor(), 0));
      a.restart();
      a.step(new RequestVote(c.candidate(), "a", 1, 0, 0, false));
      assertEquals(
          List.of(new RequestVoteResponse("a", c.candidate(), 1, c.granted(), false)),
          a.drain(),
          c.toString());
      assertEquals(c.granted() ? c.candidate() : c.votedFor(), a.storage.hardState().votedFor());
    }
  }

  // Raft §5.2: "While waiting for votes, a candidate may receive an AppendEntries RPC from another
  // server claiming to be leader. If the leader's term ... is at least as large as the
  // candidate's current term, then the candidate recognizes the leader as legitimate and returns
  // to follower state."
  @Test
  void s52_aCandidateFallsBackToFollowerOnALegitimateLeader() {
    for (long term : new long[] {1, 2}) {
      TestNode a = TestNode.create("a", ABC);
      a.campaign();
      a.drain();
      a.step(new AppendEntries("b", "a", term, 0, 0, List.of(), 0));
      assertEquals(new RaftStatus("a", term, Role.FOLLOWER, "b", 0, 0), a.status());
    }
  }

  // Raft §5.2: "election timeouts are chosen randomly from a fixed interval (e.g., 150-300ms)";
  // here [electionTicks, 2 * electionTicks), drawn from the seeded generator.
  @Test
  void s52_electionTimeoutsAreRandomizedOverTheWholeInterval() {
    Set<Integer> seen = new HashSet<>();
    for (long seed = 0; seed < 500; seed++) {
      long s = seed;
      TestNode a = TestNode.create("a", ABC, c -> c.withRandomSeed(s));
      int ticks = 0;
      while (a.status().role() == Role.FOLLOWER) {
        a.tick(1);
        ticks++;
      }
      assertTrue(ticks >= 10 && ticks < 20, "timeout " + ticks);
      seen.add(ticks);
    }
    assertEquals(10, seen.size(), "every timeout in [10, 20) occurs: " + seen);
  }

  // Raft §5.2: randomized timeouts "spread out the servers so that in most cases only a single
  // server will time out": nodes given the same seed still draw different timeouts.
  @Test
  void s52_nodesRarelyTimeOutTogether() {
    List<String> ids = List.of("a", "b", "c", "d", "e");
    int conflicts = 0;
    int rounds = 500;
    for (long seed = 0; seed < rounds; seed++) {
      long s = seed;
      List<Integer> timeouts = new ArrayList<>();
      for (String id : ids) {
        TestNode n = TestNode.create(id, ids, c -> c.withRandomSeed(s));
        int ticks = 0;
        while (n.status().role() == Role.FOLLOWER) {
          n.tick(1);
          ticks++;
        }
        timeouts.add(ticks);
      }
      int min = timeouts.stream().min(Integer::compare).orElseThrow();
      if (timeouts.stream().filter(t -> t == min).count() > 1) {
        conflicts++;
      }
    }
    assertTrue(conflicts < rounds * 0.3, conflicts + " of " + rounds + " rounds had a tie");
  }

  // ---- §5.3 Log replication -----------------------------------------------------------------

  // Raft §5.3: "The leader appends the command to its log as a new entry, then issues
  // AppendEntries RPCs in parallel to each of the other servers to replicate the entry."
  @Test
  void s53_aLeaderAppendsAProposalAndReplicatesItToEveryFollower() {
    TestNode a = TestNode.create("a", ABC);
    ack(a, a.becomeLeader(), "b", "c");
    long index = a.node.propose(new byte[] {42});
    assertEquals(2, index);
    Ready r = a.node.ready();
    LogEntry entry = new LogEntry(2, 1, new byte[] {42});
    assertEquals(List.of(entry), r.entries(), "persisted in the Ready that sends it");
    assertEquals(
        List.of(
            new AppendEntries("a", "b", 1, 1, 1, List.of(entry), 1),
            new AppendEntries("a", "c", 1, 1, 1, List.of(entry), 1)),
        r.messages());
    a.node.advance(r);
  }

  // Raft §5.3: "A log entry is committed once the leader that created the entry has replicated it
  // on a majority of the servers ... The leader keeps track of the highest index it knows to be
  // committed, and it includes that index in future AppendEntries RPCs (including heartbeats) so
  // that the other servers eventually find out."
  @Test
  void s53_aLeaderCommitsOnAMajorityAndTellsTheFollowers() {
    TestNode a = TestNode.create("a", ABC);
    ack(a, a.becomeLeader(), "b", "c");
    long index = a.node.propose(new byte[] {7});
    List<RaftMessage> sent = a.drain();
    assertEquals(1, a.status().commitIndex());
    ack(a, sent, "b");
    assertEquals(index, a.status().commitIndex());
    assertEquals(new LogEntry(index, 1, new byte[] {7}), a.applied.get(a.applied.size() - 1));
    a.tick(1);
    assertEquals(
        List.of(new Heartbeat("a", "b", 1, index), new Heartbeat("a", "c", 1, 1)),
        only(Heartbeat.class, a.drain()),
        "each follower learns the commit index, capped at what it holds");
  }

  // Raft §5.3: an entry is committed by a majority of the full cluster, the leader included.
  @Test
  void s53_whichAcknowledgementsCommit() {
    record Case(int size, List<String> acks, boolean committed) {}
    List<Case> cases =
        List.of(
            new Case(1, List.of(), true),
            new Case(3, List.of(), false),
            new Case(3, List.of("n2"), true),
            new Case(3, List.of("n2", "n3"), true),
            new Case(5, List.of(), false),
            new Case(5, List.of("n2"), false),
            new Case(5, List.of("n2", "n3"), true),
            new Case(5, List.of("n2", "n3", "n4", "n5"), true));
    for (Case c : cases) {
      List<String> voters = new ArrayList<>();
      for (int i = 1; i <= c.size(); i++) {
        voters.add("n" + i);
      }
      TestNode n = TestNode.create("n1", voters);
      ack(n, n.becomeLeader(), voters.subList(1, voters.size()).toArray(String[]::new));
      long index = n.node.propose(new byte[] {1});
      ack(n, n.drain(), c.acks().toArray(String[]::new));
      assertEquals(c.committed(), n.status().commitIndex() == index, c.toString());
    }
  }

  // Raft §5.3: "This also commits all preceding entries in the leader's log, including entries
  // created by previous leaders."
  @Test
  void s53_committingAnEntryCommitsThePrecedingOnes() {
    TestNode a = TestNode.withLog("a", ABC, 2, 1, 2);
    List<RaftMessage> sent = a.becomeLeader();
    assertEquals(3, a.status().lastIndex());
    ack(a, sent, "b");
    assertEquals(3, a.status().commitIndex());
    assertEquals(List.of(1L, 2L, 3L), a.applied.stream().map(LogEntry::term).toList());
  }

  // Raft §5.3: "Once a follower learns that a log entry is committed, it applies the entry to its
  // local state machine (in log order)"; it commits min(leaderCommit, index of last new entry).
  @Test
  void s53_aFollowerAppliesWhatTheLeaderCommitted() {
    TestNode a = TestNode.create("a", ABC);
    a.step(new AppendEntries("b", "a", 1, 0, 0, TestNode.entries(1, 1, 1), 1));
    a.drain();
    assertEquals(List.of(1L), a.applied.stream().map(LogEntry::index).toList());
    a.step(new AppendEntries("b", "a", 1, 2, 1, List.of(), 2));
    a.drain();
    assertEquals(List.of(1L, 2L), a.applied.stream().map(LogEntry::index).toList());

    TestNode f = TestNode.withLog("f", List.of("f", "b", "c"), 1, 1, 1, 1);
    f.step(new AppendEntries("b", "f", 1, 0, 0, TestNode.entries(1, 1), 5));
    f.drain();
    assertEquals(1, f.status().commitIndex(), "only up to the last entry the message vouches for");
  }

  // Raft §5.3: "If the follower does not find an entry in its log with the same index and term,
  // then it refuses the new entries." The refusal carries a hint (see s53_fastBackup...).
  @Test
  void s53_aFollowerRefusesEntriesThatDoNotFollowItsLog() {
    record Case(long prevIndex, long prevTerm, AppendEntriesResponse expected) {}
    List<Case> cases =
        List.of(
            new Case(0, 0, new AppendEntriesResponse("a", "b", 2, true, 0, 0, 0)),
            new Case(1, 1, new AppendEntriesResponse("a", "b", 2, true, 1, 0, 0)),
            new Case(2, 2, new AppendEntriesResponse("a", "b", 2, true, 2, 0, 0)),
            new Case(2, 1, new AppendEntriesResponse("a", "b", 2, false, 2, 1, 1)),
            new Case(3, 2, new AppendEntriesResponse("a", "b", 2, false, 3, 2, 2)));
    for (Case c : cases) {
      TestNode a = TestNode.withLog("a", ABC, 2, 1, 2);
      a.step(new AppendEntries("b", "a", 2, c.prevIndex(), c.prevTerm(), List.of(), 0));
      assertEquals(List.of(c.expected()), a.drain(), c.toString());
      assertEquals(List.of(1L, 2L), a.logTerms(), "a refusal changes nothing");
    }
  }

  // Raft §5.3: "If an existing entry conflicts with a new one (same index but different terms),
  // delete the existing entry and all that follow it; append any new entries not already in the
  // log."
  @Test
  void s53_aFollowerReplacesConflictingEntriesAndKeepsMatchingOnes() {
    record Case(long prevIndex, long prevTerm, List<LogEntry> entries, List<Long> terms) {}
    List<Case> cases =
        List.of(
            new Case(2, 2, TestNode.entries(3, 3), List.of(1L, 2L, 3L)),
            new Case(1, 1, TestNode.entries(2, 3, 4), List.of(1L, 3L, 4L)),
            new Case(0, 0, TestNode.entries(1, 1), List.of(1L, 2L)),
            new Case(0, 0, TestNode.entries(1, 3), List.of(3L)));
    for (Case c : cases) {
      TestNode a = TestNode.withLog("a", ABC, 2, 1, 2);
      a.step(new AppendEntries("b", "a", 4, c.prevIndex(), c.prevTerm(), c.entries(), 0));
      a.drain();
      assertEquals(c.terms(), a.logTerms(), c.toString());
    }
  }

  // Raft §5.3 and Figure 7: "the leader handles inconsistencies by forcing the followers' logs to
  // duplicate its own": every follower log of Figure 7 ends up equal to the leader's.
  @Test
  void s53_theLeaderBringsEveryFollowerOfFigure7InLine() {
    long[] leader = {1, 1, 1, 4, 4, 5, 5, 6, 6, 6};
    List<long[]> followers =
        List.of(
            new long[] {1, 1, 1, 4, 4, 5, 5, 6, 6},
            new long[] {1, 1, 1, 4},
            new long[] {1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 6},
            new long[] {1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 7, 7},
            new long[] {1, 1, 1, 4, 4, 4, 4},
            new long[] {1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3});
    for (long[] f : followers) {
      Pipe pipe =
          new Pipe(
              TestNode.withLog("a", ABC, 7, leader),
              TestNode.withLog("b", ABC, 7, f),
              TestNode.withLog("c", ABC, 7, leader));
      pipe.node("a").campaign();
      pipe.deliverAll();
      TestNode a = pipe.node("a");
      assertEquals(Role.LEADER, a.status().role());
      assertEquals(8, a.status().term());
      List<Long> expected = new ArrayList<>(a.logTerms());
      assertEquals(11, expected.size());
      assertEquals(expected, pipe.node("b").logTerms(), java.util.Arrays.toString(f));
    }
  }

  // Raft §5.3: "the follower can include the term of the conflicting entry and the first index it
  // stores for that term. With this information, the leader can decrement nextIndex to bypass all
  // of the conflicting entries in that term; one AppendEntries RPC will be required for each term
  // with conflicting entries, rather than one RPC per entry."
  @Test
  void s53_fastBackupSkipsAWholeConflictingTermInOneRoundTrip() {
    long[] leaderLog = new long[51];
    long[] followerLog = new long[51];
    leaderLog[0] = 1;
    followerLog[0] = 1;
    for (int i = 1; i <= 50; i++) {
      leaderLog[i] = 3;
      followerLog[i] = 2;
    }
    Pipe pipe =
        new Pipe(
            TestNode.withLog("a", ABC, 3, leaderLog),
            TestNode.withLog("b", ABC, 3, followerLog),
            TestNode.withLog("c", ABC, 3, leaderLog));
    pipe.node("a").campaign();
    long rejections = 0;
    pipe.collect();
    TestNode b = pipe.node("b");
    int before = b.readies.size();
    pipe.deliverAll();
    for (Ready r : b.readies.subList(before, b.readies.size())) {
      for (AppendEntriesResponse m : only(AppendEntriesResponse.class, r.messages())) {
        if (!m.success()) {
          rejections++;
        }
      }
    }
    assertEquals(pipe.node("a").logTerms(), b.logTerms());
    assertTrue(rejections <= 2, rejections + " rejections to repair 50 conflicting entries");
  }

  // ---- §5.4 Safety --------------------------------------------------------------------------

  // Raft §5.4.1: "The RequestVote RPC ... includes information about the candidate's log".
  @Test
  void s541_aVoteRequestCarriesTheCandidatesLastEntry() {
    TestNode a = TestNode.withLog("a", ABC, 2, 1, 2);
    a.campaign();
    assertEquals(
        List.of(
            new RequestVote("a", "b", 3, 2, 2, false), new RequestVote("a", "c", 3, 2, 2, false)),
        a.drain());
  }

  // Raft §5.4.1: "the voter denies its vote if its own log is more up-to-date than that of the
  // candidate ... If the logs have last entries with different terms, then the log with the later
  // term is more up-to-date. If the logs end with the same term, then whichever log is longer is
  // more up-to-date."
  @Test
  void s541_aVoterGrantsOnlyToCandidatesAtLeastAsUpToDate() {
    record Case(long lastIndex, long lastTerm, boolean granted) {}
    List<Case> cases =
        List.of(
            new Case(2, 2, true),
            new Case(3, 2, true),
            new Case(1, 3, true),
            new Case(1, 2, false),
            new Case(3, 1, false),
            new Case(0, 0, false));
    for (Case c : cases) {
      TestNode a = TestNode.withLog("a", ABC, 2, 2, 2);
      a.step(new RequestVote("b", "a", 3, c.lastIndex(), c.lastTerm(), false));
      RequestVoteResponse r = only(RequestVoteResponse.class, a.drain()).get(0);
      assertEquals(c.granted(), r.granted(), c.toString());
      assertEquals(3, r.term(), "the voter adopts the newer term either way");
    }
  }

  // Raft §5.4.2 and Figure 8: "Raft never commits log entries from previous terms by counting
  // replicas. Only log entries from the leader's current term are committed by counting
  // replicas."
  @Test
  void s542_aLeaderCommitsByCountingOnlyEntriesOfItsOwnTerm() {
    TestNode a = TestNode.withLog("a", ABC, 2, 1, 2);
    a.becomeLeader();
    assertEquals(3, a.status().term());
    a.step(new AppendEntriesResponse("b", "a", 3, true, 2, 0, 0));
    a.drain();
    assertEquals(0, a.status().commitIndex(), "index 2 is on a majority but from term 2");
    a.step(new AppendEntriesResponse("b", "a", 3, true, 3, 0, 0));
    a.drain();
    assertEquals(3, a.status().commitIndex(), "the term-3 no-op commits everything before it");
  }

  // Raft §5.4.3 (with Figure 2's persistent state): a vote and the entries a follower accepts are
  // durable before the answer that reports them leaves the node, so a restart cannot undo them.
  @Test
  void s54_votesAndEntriesAreDurableBeforeTheyAreAcknowledged() {
    TestNode a = TestNode.create("a", ABC);
    a.step(new RequestVote("b", "a", 1, 0, 0, false));
    Ready vote = a.node.ready();
    assertEquals(new HardState(1, "b", 0), vote.hardState());
    assertEquals(List.of(new RequestVoteResponse("a", "b", 1, true, false)), vote.messages());
    a.storage.setHardState(vote.hardState());
    a.node.advance(vote);
    a.restart();
    a.step(new RequestVote("c", "a", 1, 5, 1, false));
    assertEquals(
        List.of(new RequestVoteResponse("a", "c", 1, false, false)),
        a.drain(),
        "after a restart the node still voted for b in term 1");

    a.step(new AppendEntries("b", "a", 1, 0, 0, TestNode.entries(1, 1), 0));
    Ready append = a.node.ready();
    assertEquals(TestNode.entries(1, 1), append.entries());
    assertEquals(List.of(new AppendEntriesResponse("a", "b", 1, true, 1, 0, 0)), append.messages());
    a.node.advance(append);
    assertFalse(a.node.hasReady());
  }

  /** Acknowledges every AppendEntries in {@code sent} addressed to {@code from}; drains. */
  static List<RaftMessage> ack(TestNode leader, List<RaftMessage> sent, String... from) {
    Set<String> acking = Set.of(from);
    for (AppendEntries m : only(AppendEntries.class, sent)) {
      if (acking.contains(m.to())) {
        long last = m.prevLogIndex() + m.entries().size();
        leader.step(new AppendEntriesResponse(m.to(), m.from(), m.term(), true, last, 0, 0));
      }
    }
    return leader.drain();
  }
}
