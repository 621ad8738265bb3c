package dev.weft.raft;

import static dev.weft.raft.TestNode.only;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.raft.RaftMessage.AppendEntries;
import dev.weft.raft.RaftMessage.AppendEntriesResponse;
import dev.weft.raft.RaftMessage.HeartbeatResponse;
import dev.weft.raft.RaftMessage.InstallSnapshot;
import dev.weft.raft.RaftMessage.InstallSnapshotResponse;
import java.io.ByteArrayInputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Snapshots in the core (Raft §7, Figure 13): the leader sends one to a follower that needs
 * compacted entries instead of failing to read them; the follower installs only a complete one
 * beyond its commit index; bad input changes nothing.
 */
class SnapshotCoreTest {
  private static final List<String> ABC = List.of("a", "b", "c");
  private static final byte[] CONFIG = Membership.of(ABC).encode();

  /**
   * A leader "a" of term 1 with entries up to 10 committed, a snapshot at 8 and the log compacted.
   */
  private static TestNode compactedLeader() {
    TestNode a = TestNode.create("a", ABC);
    a.becomeLeader();
    for (int i = 0; i < 9; i++) {
      a.node.propose(new byte[] {(byte) i});
    }
    a.drain();
    a.step(new AppendEntriesResponse("b", "a", 1, true, 10, 0, 0));
    a.drain();
    assertEquals(10, a.status().commitIndex());
    a.storage.saveSnapshot(
        new SnapshotMetadata(8, 1, CONFIG), new ByteArrayInputStream(new byte[] {42}));
    a.storage.compact(8);
    assertEquals(9, a.storage.firstIndex());
    return a;
  }

  // Raft §7: "the leader must occasionally send snapshots to followers that lag behind".
  @Test
  void aFollowerThatNeedsCompactedEntriesGetsTheSnapshot() {
    TestNode a = compactedLeader();
    // c has nothing: it rejects the leader's first probe (after entry 0), and the leader's next
    // try would need entries it has compacted
    a.step(new AppendEntriesResponse("c", "a", 1, false, 0, 0, 0));
    List<InstallSnapshot> sent = only(InstallSnapshot.class, a.drain());
    assertEquals(1, sent.size(), "one request, no exception");
    InstallSnapshot request = sent.get(0);
    assertEquals(new SnapshotMetadata(8, 1, CONFIG), request.snapshot());
    assertEquals(0, request.offset());
    assertEquals(0, request.data().length, "the core never holds the bytes");
    assertFalse(request.done());

    // while the snapshot is on its way, nothing else is sent to c
    a.step(new HeartbeatResponse("c", "a", 1));
    assertEquals(List.of(), only(AppendEntries.class, a.drain()));
    assertEquals(List.of(), only(InstallSnapshot.class, a.drain()));

    // c installed it: the log goes on after it
    a.step(new InstallSnapshotResponse("c", "a", 1, 8, 1, true));
    a.step(new AppendEntriesResponse("c", "a", 1, true, 8, 0, 0));
    List<AppendEntries> next = only(AppendEntries.class, a.drain());
    assertEquals(1, next.size());
    assertEquals(8, next.get(0).prevLogIndex());
    assertEquals(9, next.get(0).entries().get(0).index());
  }

  // A transfer that gets no answer for an election timeout is given up and started again.
  @Test
  void aStalledTransferIsStartedAgain() {
    TestNode a = compactedLeader();
    a.step(new AppendEntriesResponse("c", "a", 1, false, 0, 0, 0));
    assertEquals(1, only(InstallSnapshot.class, a.drain()).size());
    a.tick(20); // two election timeouts without a word from c about the snapshot
    a.drain();
    a.step(new HeartbeatResponse("c", "a", 1));
    assertEquals(
        1, only(InstallSnapshot.class, a.drain()).size(), "probing again finds it needs one");
  }

  // Figure 13, steps 7 and 8: a snapshot that the log does not hold replaces the whole log.
  @Test
  void aFollowerInstallsACompleteSnapshotAndDropsItsConflictingLog() {
    TestNode b = TestNode.withLog("b", ABC, 1, 1, 1, 1); // three uncommitted entries of term 1
    b.received = new byte[] {7, 7};
    SnapshotMetadata s = new SnapshotMetadata(5, 2, CONFIG);
    b.step(InstallSnapshot.chunk("a", "b", 2, s, 0, new byte[] {7}, false));
    assertTrue(only(AppendEntriesResponse.class, b.drain()).isEmpty(), "a chunk is not an answer");
    assertNull(b.readies.isEmpty() ? null : b.readies.get(b.readies.size() - 1).snapshot());
    b.step(InstallSnapshot.chunk("a", "b", 2, s, 1, new byte[] {7}, true));
    List<RaftMessage> out = b.drain();
    Ready installed = b.readies.get(b.readies.size() - 1);
    assertEquals(s, installed.snapshot());
    assertEquals(List.of(), installed.committedEntries(), "the snapshot stands for them");
    assertEquals(new AppendEntriesResponse("b", "a", 2, true, 5, 0, 0), out.get(0));
    assertEquals(5, b.status().commitIndex());
    assertEquals(5, b.status().lastIndex());
    assertEquals(6, b.storage.firstIndex(), "the old log is gone");
    assertArrayEquals(new byte[] {7, 7}, b.storage.snapshot().data());

    // and the log goes on from the snapshot
    b.step(new AppendEntries("a", "b", 2, 5, 2, TestNode.entries(6, 2), 6));
    b.drain();
    assertEquals(6, b.status().commitIndex());
    assertEquals(6, b.applied.get(b.applied.size() - 1).index());
  }

  // Figure 13, step 6: a log that holds the snapshot's last entry is kept; etcd's fast-forward.
  @Test
  void aFollowerWhoseLogHoldsTheSnapshotsLastEntryKeepsItsLog() {
    TestNode b = TestNode.withLog("b", ABC, 1, 1, 1, 1, 1, 1);
    b.step(InstallSnapshot.chunk("a", "b", 1, new SnapshotMetadata(4, 1), 0, new byte[0], true));
    List<RaftMessage> out = b.drain();
    assertTrue(b.readies.stream().allMatch(r -> r.snapshot() == null), "nothing to install");
    assertEquals(4, b.status().commitIndex());
    assertEquals(5, b.status().lastIndex(), "entry 5 kept");
    assertEquals(4, b.applied.size(), "its own entries 1..4 are applied instead");
    assertEquals(new AppendEntriesResponse("b", "a", 1, true, 4, 0, 0), out.get(0));
  }

  // Bad input: a snapshot the follower already holds is answered with its commit index and not
  // installed; a chunk that fails its checksum, or whose configuration does not decode, is dropped.
  @Test
  void snapshotsAlreadyHeldOrDamagedAreNotInstalled() {
    TestNode b = TestNode.withLog("b", ABC, 1, 1, 1, 1, 1, 1); // term 1, five entries
    b.step(new AppendEntries("a", "b", 1, 5, 1, List.of(), 5));
    b.drain();
    assertEquals(5, b.status().commitIndex());

    b.step(InstallSnapshot.chunk("a", "b", 1, new SnapshotMetadata(3, 1), 0, new byte[0], true));
    List<RaftMessage> out = b.drain();
    assertEquals(List.of(new AppendEntriesResponse("b", "a", 1, true, 5, 0, 0)), out);
    assertTrue(b.readies.stream().allMatch(r -> r.snapshot() == null));

    InstallSnapshot good =
        InstallSnapshot.chunk("a", "b", 1, new SnapshotMetadata(9, 1), 0, new byte[] {1, 2}, true);
    InstallSnapshot corrupt =
        new InstallSnapshot(
            "a", "b", 1, good.snapshot(), 0, new byte[] {1, 3}, true, good.checksum());
    InstallSnapshot badConfig =
        InstallSnapshot.chunk(
            "a", "b", 1, new SnapshotMetadata(9, 1, new byte[] {9, 9, 9}), 0, new byte[0], true);
    InstallSnapshot negativeOffset =
        InstallSnapshot.chunk("a", "b", 1, new SnapshotMetadata(9, 1), -1, new byte[0], true);
    InstallSnapshot laterTerm =
        InstallSnapshot.chunk("a", "b", 1, new SnapshotMetadata(9, 2), 0, new byte[0], true);
    long before = b.node.malformedMessages();
    for (InstallSnapshot bad : List.of(corrupt, badConfig, negativeOffset, laterTerm)) {
      b.step(bad);
      assertEquals(List.of(), b.drain(), bad.toString());
    }
    assertEquals(before + 4, b.node.malformedMessages());
    assertEquals(5, b.status().commitIndex(), "nothing changed");
    assertEquals(5, b.status().lastIndex());
  }

  // A node restarted on a storage with a snapshot applies only what follows it, under the
  // snapshot's configuration.
  @Test
  void aRestartFromASnapshotAppliesOnlyTheEntriesAfterIt() {
    MemoryStorage storage = new MemoryStorage();
    byte[] ab = Membership.of(List.of("a", "b")).encode();
    storage.saveSnapshot(new SnapshotMetadata(5, 2, ab), new ByteArrayInputStream(new byte[3]));
    storage.append(TestNode.entries(6, 2, 2));
    storage.setHardState(new HardState(2, null, 7));
    RaftNode n =
        RaftNode.start(
            new RaftConfig("a", ABC, 10, 1, 1).withLogger(QuietLogger.INSTANCE), storage);
    Ready r = n.ready();
    assertEquals(List.of(6L, 7L), r.committedEntries().stream().map(LogEntry::index).toList());
    assertEquals(Membership.of(List.of("a", "b")), n.membership());
  }
}
