package dev.weft.raft;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.raft.RaftMessage.AppendEntries;
import dev.weft.raft.RaftMessage.Heartbeat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The API contract of {@link RaftNode}: proposals, the Ready protocol, restarts, misuse. */
class RaftNodeTest {
  private static final List<String> ABC = List.of("a", "b", "c");

  @Test
  void aSingleNodeElectsItselfAndCommitsAtOnce() {
    MemoryStorage storage = new MemoryStorage();
    RaftNode node =
        RaftNode.start(
            new RaftConfig("a", List.of("a"), 10, 1, 42).withLogger(QuietLogger.INSTANCE), storage);
    for (int i = 0; i < 20 && node.status().role() != Role.LEADER; i++) {
      node.tick();
    }
    assertEquals(Role.LEADER, node.status().role());
    long index = node.propose(new byte[] {1, 2});
    assertEquals(2, index);
    Ready r = node.ready();
    assertEquals(2, r.entries().size());
    assertEquals(2, r.committedEntries().size(), "committed in the Ready that persists them");
    assertTrue(r.committedEntries().get(0).isEmpty(), "the leader's no-op");
    assertArrayEquals(new byte[] {1, 2}, r.committedEntries().get(1).data());
    assertEquals(new HardState(1, "a", 2), r.hardState());
    storage.append(r.entries());
    storage.setHardState(r.hardState());
    node.advance(r);
    assertFalse(node.hasReady());
  }

  @Test
  void proposingOffTheLeaderThrowsWithTheKnownLeader() {
    TestNode a = TestNode.create("a", ABC);
    NotLeaderException none =
        assertThrows(NotLeaderException.class, () -> a.node.propose(new byte[1]));
    assertNull(none.leader());
    assertTrue(none.knownLeader().isEmpty());
    a.step(new Heartbeat("b", "a", 1, 0));
    NotLeaderException known =
        assertThrows(NotLeaderException.class, () -> a.node.propose(new byte[1]));
    assertEquals("b", known.leader());
    assertTrue(known.getMessage().contains("the leader is b"), known.getMessage());
  }

  @Test
  void aRestartedNodeEmitsItsCommittedEntriesAgainFromIndexOne() {
    TestNode a = TestNode.create("a", ABC);
    a.step(new AppendEntries("b", "a", 1, 0, 0, TestNode.entries(1, 1, 1, 1), 2));
    a.drain();
    assertEquals(2, a.applied.size());
    assertEquals(new HardState(1, null, 2), a.storage.hardState());

    a.restart();
    a.drain();
    assertEquals(List.of(1L, 2L), a.applied.stream().map(LogEntry::index).toList());
    assertEquals(3, a.status().lastIndex());
    assertEquals(1, a.status().term());

    RaftNode skipping =
        RaftNode.start(
            new RaftConfig("a", ABC, 10, 1, 0).withAppliedIndex(1).withLogger(a.logger), a.storage);
    Ready r = skipping.ready();
    assertEquals(List.of(2L), r.committedEntries().stream().map(LogEntry::index).toList());
    assertThrows(
        IllegalArgumentException.class,
        () -> RaftNode.start(new RaftConfig("a", ABC, 10, 1, 0).withAppliedIndex(3), a.storage));
  }

  @Test
  void theReadyProtocolIsEnforced() {
    TestNode a = TestNode.create("a", ABC);
    a.step(new Heartbeat("b", "a", 1, 0));
    assertTrue(a.node.hasReady());
    Ready r = a.node.ready();
    assertFalse(a.node.hasReady(), "nothing more until advanced");
    assertThrows(IllegalStateException.class, a.node::ready);
    assertThrows(
        IllegalArgumentException.class,
        () -> a.node.advance(new Ready(null, List.of(), List.of(), List.of())));
    a.node.advance(r);
    assertThrows(IllegalArgumentException.class, () -> a.node.advance(r));
    assertTrue(a.node.ready().isEmpty(), "an empty Ready when there is nothing to do");
  }

  @Test
  void unpersistedEntriesAreHandedOutAgainUntilAdvanced() {
    TestNode a = TestNode.create("a", ABC);
    a.step(new AppendEntries("b", "a", 1, 0, 0, TestNode.entries(1, 1, 1), 0));
    Ready first = a.node.ready();
    assertEquals(2, first.entries().size());
    // Before the first Ready is advanced, the leader replaces entry 2.
    a.step(new AppendEntries("b", "a", 2, 1, 1, List.of(new LogEntry(2, 2, new byte[] {9})), 0));
    a.storage.append(first.entries());
    a.storage.setHardState(first.hardState());
    a.node.advance(first);
    Ready second = a.node.ready();
    assertEquals(
        List.of(new LogEntry(1, 1, new byte[] {0}), new LogEntry(2, 2, new byte[] {9})),
        second.entries(),
        "the unstable suffix again, with the replacement");
    a.storage.append(second.entries());
    a.node.advance(second);
    assertEquals(List.of(1L, 2L), a.logTerms());
  }

  @Test
  void aMessageForAnotherNodeIsRefused() {
    TestNode a = TestNode.create("a", ABC);
    assertThrows(IllegalArgumentException.class, () -> a.step(new Heartbeat("b", "c", 1, 0)));
    assertThrows(NullPointerException.class, () -> a.step(null));
    assertThrows(NullPointerException.class, () -> a.node.propose(null));
    assertEquals(0, a.status().term(), "nothing changed");
  }

  @Test
  void theSameInputsGiveTheSameOutputs() {
    Cluster c1 = new Cluster(5, 99);
    Cluster c2 = new Cluster(5, 99);
    c1.one("x", 5, true);
    c2.one("x", 5, true);
    c1.runFor(30);
    c2.runFor(30);
    assertEquals(c1.sim.fingerprint(), c2.sim.fingerprint());
    assertEquals(c1.messages(), c2.messages());
    Cluster c3 = new Cluster(5, 100);
    c3.one("x", 5, true);
    c3.runFor(30);
    assertFalse(c1.sim.fingerprint() == c3.sim.fingerprint(), "another seed, another run");
  }

  // Defect (issue 12): a stored commit index beyond the stored log was logged and ignored; it
  // means acknowledged entries were lost, so the node must refuse to start (as etcd's raft does).
  @Test
  void aStoredCommitBeyondTheStoredLogRefusesToStart() {
    MemoryStorage storage = new MemoryStorage();
    storage.append(TestNode.entries(1, 1, 1));
    storage.setHardState(new HardState(1, null, 5));
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> RaftNode.start(new RaftConfig("a", ABC, 10, 1, 0), storage));
    assertTrue(e.getMessage().contains("5") && e.getMessage().contains("2"), e.getMessage());
  }

  // Defect (issue 12): a restarted node handed its whole committed log to the application in one
  // Ready; each Ready now carries at most about maxCommittedSizePerReady bytes of committed data.
  @Test
  void aRestartedNodeReplaysItsLogInBoundedReadies() {
    MemoryStorage storage = new MemoryStorage();
    List<LogEntry> log = new java.util.ArrayList<>();
    for (int i = 1; i <= 300; i++) {
      log.add(new LogEntry(i, 1, new byte[10_000]));
    }
    storage.append(log);
    storage.setHardState(new HardState(1, null, 300));
    RaftConfig config = new RaftConfig("a", ABC, 10, 1, 0).withLogger(QuietLogger.INSTANCE);
    RaftNode node = RaftNode.start(config, storage);
    long limit = 1 << 20; // the default
    int readies = 0;
    long next = 1;
    while (node.hasReady()) {
      Ready r = node.ready();
      long bytes = 0;
      for (LogEntry e : r.committedEntries()) {
        assertEquals(next++, e.index(), "in order, without gaps");
        bytes += e.size();
      }
      assertTrue(
          bytes <= limit || r.committedEntries().size() == 1,
          bytes + " bytes of committed entries in one Ready");
      readies++;
      node.advance(r);
    }
    assertEquals(301, next, "the whole log was replayed");
    assertTrue(readies >= 3, "3 MB in Readies of at most 1 MiB: " + readies);
  }
}
