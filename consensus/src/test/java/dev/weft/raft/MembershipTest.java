package dev.weft.raft;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.raft.RaftMessage.AppendEntries;
import dev.weft.raft.RaftMessage.AppendEntriesResponse;
import dev.weft.raft.RaftMessage.Heartbeat;
import dev.weft.raft.RaftMessage.HeartbeatResponse;
import dev.weft.raft.RaftMessage.RequestVote;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The configuration as replicated state (the groundwork for membership changes): the {@link
 * Membership} type and its encoding, membership entries taking effect when applied, a restart
 * reading the configuration from the log, quorums counted in the configuration in force, learners,
 * and messages from servers outside the configuration.
 */
class MembershipTest {
  private static final List<String> ABC = List.of("a", "b", "c");

  @Test
  void membershipsAreCheckedValuesThatRoundTripThroughTheirEncoding() {
    Membership joint = new Membership(List.of("a", "d"), List.of("l"), List.of("a", "b", "c"));
    assertEquals(joint, Membership.decode(joint.encode()));
    assertTrue(joint.isJoint());
    assertEquals(List.of("a", "d", "b", "c"), joint.allVoters());
    assertEquals(List.of("a", "d", "b", "c", "l"), joint.members());
    assertTrue(joint.isVoter("b") && !joint.isVoter("l"));
    assertFalse(Membership.of(ABC).isJoint());
    assertThrows(IllegalArgumentException.class, () -> Membership.of(List.of()));
    assertThrows(IllegalArgumentException.class, () -> Membership.of(List.of("a", "a")));
    assertThrows(
        IllegalArgumentException.class,
        () -> new Membership(List.of("a"), List.of("a"), List.of()));
    assertThrows(NullPointerException.class, () -> Membership.of(Arrays.asList("a", null)));
  }

  @Test
  void decodingRejectsEveryTruncationAndRandomBytes() {
    byte[] good = new Membership(List.of("a", "bb"), List.of("l"), List.of()).encode();
    for (int n = 0; n < good.length; n++) {
      byte[] cut = Arrays.copyOf(good, n);
      assertThrows(IllegalArgumentException.class, () -> Membership.decode(cut), "length " + n);
    }
    byte[] longer = Arrays.copyOf(good, good.length + 1);
    assertThrows(IllegalArgumentException.class, () -> Membership.decode(longer));
    Random r = new Random(5);
    for (int i = 0; i < 10_000; i++) {
      byte[] junk = new byte[r.nextInt(40)];
      r.nextBytes(junk);
      try {
        Membership.decode(junk);
      } catch (IllegalArgumentException expected) {
        // the only failure allowed
      }
    }
  }

  @Test
  void membershipEntriesAreNotCommands() {
    LogEntry m = LogEntry.membership(3, 2, Membership.of(ABC));
    assertEquals(LogEntry.Kind.MEMBERSHIP, m.kind());
    assertFalse(m.isCommand());
    assertTrue(m.isEmpty(), "no command for the state machine");
    assertEquals("3/2 membership", m.toString());
    assertEquals(LogEntry.Kind.COMMAND, new LogEntry(1, 1, new byte[] {1}).kind());
    assertTrue(new LogEntry(1, 1, new byte[] {1}).isCommand());
    assertFalse(new LogEntry(1, 1, new byte[0]).isCommand(), "a no-op");
    assertFalse(m.equals(new LogEntry(3, 2, m.data())), "the kind is part of the value");
  }

  // Thesis §4.1: a node uses the latest configuration in its log, committed or not, and rolls back
  // to the previous one if that entry is truncated away.
  @Test
  void aFollowerUsesAMembershipOnceItsEntryIsAppendedAndRollsBackIfItIsReplaced() {
    TestNode a = TestNode.create("a", ABC);
    Membership abcd = Membership.of(List.of("a", "b", "c", "d"));
    List<LogEntry> entries =
        List.of(new LogEntry(1, 1, new byte[] {1}), LogEntry.membership(2, 1, abcd));
    a.step(new AppendEntries("b", "a", 1, 0, 0, entries, 1));
    a.drain();
    assertEquals(abcd, a.node.membership(), "in force once appended, before it commits");
    assertEquals(2, a.node.membershipIndex());
    // a leader of term 2 replaces index 2 with a command: the configuration goes with it
    a.step(new AppendEntries("c", "a", 2, 1, 1, List.of(new LogEntry(2, 2, new byte[] {2})), 1));
    a.drain();
    assertEquals(Membership.of(ABC), a.node.membership());
    assertEquals(0, a.node.membershipIndex());
    assertEquals(
        List.of(1L), a.applied.stream().filter(LogEntry::isCommand).map(LogEntry::index).toList());
  }

  // A delayed AppendEntries whose entries all match truncates nothing: the configuration of a
  // later entry stays in force.
  @Test
  void aStaleShorterAppendDoesNotRollTheMembershipBack() {
    TestNode a = TestNode.create("a", ABC);
    Membership ab = Membership.of(List.of("a", "b"));
    List<LogEntry> all =
        List.of(
            new LogEntry(1, 1, new byte[] {1}),
            new LogEntry(2, 1, new byte[] {2}),
            LogEntry.membership(3, 1, ab));
    a.step(new AppendEntries("b", "a", 1, 0, 0, all, 0));
    a.drain();
    assertEquals(ab, a.node.membership());
    a.step(new AppendEntries("b", "a", 1, 0, 0, all.subList(0, 2), 0));
    a.drain();
    assertEquals(ab, a.node.membership(), "entries 1 and 2 matched; entry 3 is still there");
    assertEquals(3, a.node.membershipIndex());
  }

  @Test
  void aRestartedNodeStartsWithTheLastCommittedMembershipInItsLog() {
    Membership abd = Membership.of(List.of("a", "b", "d"));
    Membership abde = Membership.of(List.of("a", "b", "d", "e"));
    MemoryStorage storage = new MemoryStorage();
    List<LogEntry> log = new ArrayList<>();
    log.add(LogEntry.membership(1, 1, abd));
    for (int i = 2; i <= 600; i++) {
      log.add(new LogEntry(i, 1, new byte[] {(byte) i}));
    }
    storage.append(log);
    storage.setHardState(new HardState(1, null, 600));
    RaftNode node =
        RaftNode.start(
            new RaftConfig("a", ABC, 10, 1, 0).withLogger(QuietLogger.INSTANCE), storage);
    assertEquals(abd, node.membership(), "found 600 entries back, past a chunk boundary");
    storage.append(List.of(LogEntry.membership(601, 1, abde))); // not committed
    node =
        RaftNode.start(
            new RaftConfig("a", ABC, 10, 1, 0).withLogger(QuietLogger.INSTANCE), storage);
    assertEquals(abde, node.membership(), "the latest in the log, committed or not");
    assertEquals(601, node.membershipIndex());
  }

  /** A leader of term 1 over a, b, c whose no-op (index 1) b has acknowledged. */
  private static TestNode leader() {
    TestNode a = TestNode.create("a", ABC);
    a.becomeLeader();
    a.step(new AppendEntriesResponse("b", "a", 1, true, 1, 0, 0));
    a.drain();
    assertEquals(1, a.status().commitIndex());
    return a;
  }

  @Test
  void aLeaderCountsQuorumsInTheMembershipItAppended() {
    TestNode a = leader();
    Membership ab = Membership.of(List.of("a", "b"));
    long index = a.node.proposeMembership(ab);
    a.drain();
    a.step(new AppendEntriesResponse("b", "a", 1, true, index, 0, 0));
    a.drain();
    assertEquals(ab, a.node.membership(), "in force since appended; committed with b");
    long next = a.node.propose(new byte[] {7});
    a.drain();
    a.step(new AppendEntriesResponse("c", "a", 1, true, next, 0, 0));
    a.drain();
    assertEquals(index, a.status().commitIndex(), "c's copy no longer counts");
    a.step(new AppendEntriesResponse("b", "a", 1, true, next, 0, 0));
    a.drain();
    assertEquals(next, a.status().commitIndex(), "a and b are the whole group now");
    assertEquals(0, a.node.malformedMessages(), "c's answer is not malformed, only ignored");
    a.tick(1);
    List<String> heartbeatsTo =
        TestNode.only(Heartbeat.class, a.drain()).stream().map(Heartbeat::to).toList();
    assertEquals(List.of("b"), heartbeatsTo);
  }

  // What a snapshot at an index records: the configuration at that index, not a later entry's.
  @Test
  void membershipAtAnIndexIsThatOfTheLastEntryAtOrBelowIt() {
    TestNode a = leader();
    Membership ab = Membership.of(List.of("a", "b"));
    long first = a.node.proposeMembership(ab);
    a.drain();
    assertEquals(ab, a.node.membership(), "in force, not committed");
    assertEquals(Membership.of(ABC), a.node.membershipAt(1));
    assertThrows(IllegalArgumentException.class, () -> a.node.membershipAt(first));
    a.step(new AppendEntriesResponse("b", "a", 1, true, first, 0, 0));
    a.drain();
    assertEquals(first, a.status().commitIndex());
    assertEquals(ab, a.node.membershipAt(first));
    Membership abc = Membership.of(ABC);
    long second = a.node.proposeMembership(abc);
    a.drain();
    a.step(new AppendEntriesResponse("b", "a", 1, true, second, 0, 0));
    a.drain();
    assertEquals(second, a.status().commitIndex());
    assertEquals(abc, a.node.membershipAt(second));
    assertEquals(ab, a.node.membershipAt(second - 1));
    assertEquals(abc, a.node.membershipAt(1), "before any entry: the bootstrap voters");
  }

  @Test
  void aLeaderReplicatesToLearnersButCommitsWithVotersOnly() {
    TestNode a = leader();
    Membership withLearner = new Membership(ABC, List.of("l"), List.of());
    long index = a.node.proposeMembership(withLearner);
    a.drain();
    a.step(new AppendEntriesResponse("b", "a", 1, true, index, 0, 0));
    a.drain();
    assertEquals(withLearner, a.node.membership());
    a.tick(1);
    List<String> heartbeatsTo =
        TestNode.only(Heartbeat.class, a.drain()).stream().map(Heartbeat::to).toList();
    assertEquals(List.of("b", "c", "l"), heartbeatsTo, "the learner hears from the leader");
    a.step(new HeartbeatResponse("l", "a", 1));
    List<AppendEntries> probe = TestNode.only(AppendEntries.class, a.drain());
    assertEquals("l", probe.get(0).to(), "and is probed for the log");
    long next = a.node.propose(new byte[] {1});
    a.drain();
    a.step(new AppendEntriesResponse("l", "a", 1, true, next, 0, 0));
    a.drain();
    assertTrue(a.status().commitIndex() < next, "a learner's copy does not commit");
  }

  @Test
  void aLearnerNeverCampaigns() {
    TestNode l = TestNode.create("l", List.of("a", "b", "l"));
    Membership m = new Membership(List.of("a", "b"), List.of("l"), List.of());
    l.step(new AppendEntries("a", "l", 1, 0, 0, List.of(LogEntry.membership(1, 1, m)), 1));
    l.drain();
    assertEquals(m, l.node.membership());
    l.tick(100);
    assertEquals(Role.FOLLOWER, l.status().role());
    assertEquals(List.of(), TestNode.only(RequestVote.class, l.drain()));
  }

  // A node that has not applied the configuration that added a server must still follow that
  // server when it leads; a leader ignores answers from servers outside its configuration.
  @Test
  void serversOutsideTheConfigurationAreNotMalformed() {
    TestNode a = TestNode.create("a", ABC);
    a.step(new Heartbeat("d", "a", 2, 0));
    assertEquals(new RaftStatus("a", 2, Role.FOLLOWER, "d", 0, 0), a.status());
    assertEquals(List.of(new HeartbeatResponse("a", "d", 2)), a.drain());
    assertEquals(0, a.node.malformedMessages());

    TestNode leader = leader();
    leader.step(new AppendEntriesResponse("z", "a", 1, true, 1, 0, 0));
    leader.step(new HeartbeatResponse("z", "a", 1));
    assertEquals(List.of(), leader.drain());
    assertEquals(0, leader.node.malformedMessages());
    assertEquals(0, leader.logger.at(Level.WARNING).size());
    assertTrue(
        leader.logger.at(Level.DEBUG).stream().anyMatch(l -> l.message().contains("not a member")));
  }

  @Test
  void theEntryDataOfAMembershipRoundTripsThroughStorage() {
    Membership m = Membership.of(ABC);
    LogEntry e = LogEntry.membership(1, 1, m);
    MemoryStorage s = new MemoryStorage();
    s.append(List.of(e));
    assertArrayEquals(m.encode(), s.entries(1, 2, Long.MAX_VALUE).get(0).data());
    assertEquals(e, s.entries(1, 2, Long.MAX_VALUE).get(0));
  }
}
