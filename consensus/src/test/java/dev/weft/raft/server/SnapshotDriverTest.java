package dev.weft.raft.server;

import static dev.weft.raft.server.Replicas.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.raft.Membership;
import dev.weft.raft.MemoryStorage;
import dev.weft.raft.MutableStorage;
import dev.weft.raft.QuietLogger;
import dev.weft.raft.RaftConfig;
import dev.weft.raft.RaftMessage;
import dev.weft.raft.RaftMessage.AppendEntriesResponse;
import dev.weft.raft.RaftMessage.InstallSnapshot;
import dev.weft.raft.RaftMessage.InstallSnapshotResponse;
import dev.weft.raft.SnapshotMetadata;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Snapshots in the driver: taken every so many entries and on demand, restored at start, streamed
 * to a follower that needs compacted entries in chunks of the policy's size, installed there.
 */
class SnapshotDriverTest {
  private static final List<String> ABC = List.of("a", "b", "c");

  /** Snapshots every 10 entries keeping 3 behind, sent in 8-byte chunks, two in flight. */
  private static ServerOptions options() {
    return Replicas.options(false)
        .withSnapshots(
            SnapshotPolicy.every(10)
                .withRetainedEntries(3)
                .withChunkBytes(8)
                .withChunksInFlight(2));
  }

  private static void commit(Replicas c, Replica leader, String prefix, int n) {
    for (int i = 0; i < n; i++) {
      leader.submit(bytes(prefix + i));
      c.tick(1);
    }
    c.tick(3);
  }

  private static List<InstallSnapshot> chunks(List<Envelope> out) {
    List<InstallSnapshot> chunks = new ArrayList<>();
    for (Envelope e : out) {
      if (e instanceof Envelope.Raft r && r.message() instanceof InstallSnapshot s) {
        chunks.add(s);
      }
    }
    return chunks;
  }

  // Raft §7: a follower cut off while the leader compacted catches up through the snapshot, sent in
  // chunks; chunks lost on the way are sent again. (MIT 6.5840 lab 3D: TestSnapshotInstall3D and
  // TestSnapshotInstallUnreliable3D.)
  @Test
  void aFollowerBehindTheCompactedLogCatchesUpByInstallSnapshot() {
    for (boolean lossy : new boolean[] {false, true}) {
      Replicas c = new Replicas(ABC, options(), MemoryStorage::new);
      Replica leader = c.elect();
      String f = c.follower(leader).id();
      c.hold = e -> e.to().equals(f) || e.from().equals(f);
      commit(c, leader, "x", 40);
      MutableStorage ls = c.storages.get(leader.id());
      assertTrue(ls.snapshotMetadata().index() >= 40, "the leader snapshotted: " + ls);
      assertTrue(ls.firstIndex() > 30, "and compacted: " + ls);

      c.held.clear();
      Random random = new Random(7);
      List<InstallSnapshot> sent = new ArrayList<>();
      c.onFlush = (r, out) -> sent.addAll(chunks(out));
      c.hold =
          e ->
              lossy
                  && e instanceof Envelope.Raft r
                  && r.message() instanceof InstallSnapshot
                  && random.nextInt(4) == 0;
      c.tick(60);
      Replica follower = c.replicas.get(f);
      assertEquals(leader.applied(), follower.applied(), "lossy " + lossy);
      assertEquals(c.machines.get(leader.id()).applied, c.machines.get(f).applied, "same state");
      assertTrue(c.storages.get(f).snapshotMetadata().index() > 0, "installed a snapshot");
      assertTrue(sent.size() > 2, "in several chunks: " + sent.size());
      assertTrue(sent.stream().allMatch(s -> s.data().length <= 8), "of at most 8 bytes");
      if (lossy) {
        assertFalse(c.held.isEmpty(), "chunks were lost");
      }
    }
  }

  // A restarted replica restores its state machine from its stored snapshot and applies only the
  // entries after it. (6.5840 3D: TestSnapshotInstallCrash3D's restart.)
  @Test
  void aRestartedReplicaRestoresFromItsSnapshot() {
    Replicas c = new Replicas(ABC, options(), MemoryStorage::new);
    Replica leader = c.elect();
    commit(c, leader, "y", 25);
    String f = c.follower(leader).id();
    List<String> before = List.copyOf(c.machines.get(f).applied);
    long snapshot = c.storages.get(f).snapshotMetadata().index();
    assertTrue(snapshot > 0, "the follower snapshotted too");
    Replica restarted = c.start(f);
    assertEquals(snapshot, restarted.applied(), "restored, nothing applied yet");
    c.tick(5);
    assertEquals(before, c.machines.get(f).applied);
  }

  // A restarted server whose log was compacted past its last membership entry takes its
  // configuration from the snapshot's metadata (Membership.encode() of the configuration at the
  // snapshot's index), not from its RaftConfig's voters.
  @Test
  void aRestartedReplicaRecoversItsConfigurationFromItsSnapshot() {
    Replicas c = new Replicas(ABC, options(), MemoryStorage::new);
    Replica leader = c.elect();
    commit(c, leader, "p", 3);
    c.join("d");
    CompletableFuture<Membership> added = leader.addLearner("d");
    c.tick(5);
    assertEquals(List.of("d"), added.join().learners());
    CompletableFuture<Membership> promoted = leader.promoteLearner("d");
    c.tick(10);
    Membership four = promoted.join();
    assertEquals(List.of("a", "b", "c", "d"), four.voters());
    long changedAt = leader.status().commitIndex();
    commit(c, leader, "q", 30);
    String f = c.follower(leader).id();
    MutableStorage fs = c.storages.get(f);
    assertTrue(
        fs.firstIndex() > changedAt,
        "the membership entries (at or below " + changedAt + ") were compacted: " + fs);
    assertEquals(four, Membership.decode(fs.snapshotMetadata().configuration()));

    Replica restarted = c.start(f); // its RaftConfig names only a, b and c
    assertEquals(four, restarted.membership());
    // the group still commits, and the restarted server applies what follows
    commit(c, c.elect(), "r", 5);
    assertEquals(c.machines.get(leader.id()).applied, c.machines.get(f).applied);
  }

  // 6.5840 3D, TestSnapshotInstallUnCrash3D: the lagging follower crashes in the middle of the
  // transfer (its partial snapshot is lost with it), restarts, and still catches up over a lossy
  // network.
  @Test
  void aFollowerThatCrashesDuringATransferCatchesUpAfterItsRestart() {
    Replicas c = new Replicas(ABC, options(), MemoryStorage::new);
    Replica leader = c.elect();
    String f = c.follower(leader).id();
    c.hold = e -> e.to().equals(f) || e.from().equals(f);
    commit(c, leader, "u", 40);
    c.held.clear();
    Random random = new Random(11);
    c.hold = e -> random.nextInt(5) == 0;
    c.tick(2);
    c.start(f); // crash and restart mid-transfer
    c.tick(80);
    assertEquals(leader.applied(), c.replicas.get(f).applied());
    assertEquals(c.machines.get(leader.id()).applied, c.machines.get(f).applied);
  }

  // 6.5840 3D, TestSnapshotAllCrash3D and TestSnapshotInit3D: every server crashes and restarts
  // from its snapshot and log, round after round; nothing committed is lost.
  @Test
  void everyServerRestartsFromItsSnapshotRoundAfterRound() {
    Replicas c = new Replicas(ABC, options(), MemoryStorage::new);
    List<String> expected = new ArrayList<>();
    for (int round = 0; round < 4; round++) {
      Replica leader = c.elect();
      commit(c, leader, "r" + round + "-", 12);
      for (int i = 0; i < 12; i++) {
        expected.add("r" + round + "-" + i);
      }
      for (String id : ABC) {
        c.start(id);
      }
    }
    c.elect();
    c.tick(5);
    for (String id : ABC) {
      assertEquals(expected, c.machines.get(id).applied, id);
      assertTrue(c.storages.get(id).snapshotMetadata().index() > 0, id + " restarted from one");
    }
  }

  // A proposal whose entry an installed snapshot covers cannot be decided: outcome unknown.
  @Test
  void aProposalCoveredByAnInstalledSnapshotFailsAsOutcomeUnknown() {
    Replicas c = new Replicas(ABC, options(), MemoryStorage::new);
    Replica old = c.elect();
    c.hold = e -> e.to().equals(old.id()) || e.from().equals(old.id());
    CompletableFuture<byte[]> lost = old.submit(bytes("lost"));
    Replica next = null;
    for (int i = 0; i < 100 && next == null; i++) {
      c.tick(1);
      next =
          c.replicas.values().stream()
              .filter(r -> r != old && r.isLeader())
              .findFirst()
              .orElse(null);
    }
    assertTrue(next != null, "the others elect a leader");
    commit(c, next, "z", 30);
    c.held.clear();
    c.hold = e -> false;
    c.tick(20);
    assertTrue(lost.isCompletedExceptionally(), "decided: " + lost);
    CompletionException e =
        org.junit.jupiter.api.Assertions.assertThrows(CompletionException.class, lost::join);
    assertInstanceOf(ProposalOutcomeUnknownException.class, e.getCause());
    assertEquals(next.applied(), old.applied(), "and the old leader caught up");
  }

  // Bad input at the follower: a chunk at the wrong offset, a damaged chunk and one that does not
  // start a transfer are refused, naming the offset expected; a snapshot already held is answered
  // with the commit index.
  @Test
  void badChunksAreRefusedAndASnapshotAlreadyHeldIsAnsweredWithTheCommitIndex() {
    Replicas c = new Replicas(ABC, options(), MemoryStorage::new);
    Replica leader = c.elect();
    commit(c, leader, "w", 5);
    Replica f = c.follower(leader);
    long term = leader.status().term();
    long commit = f.status().commitIndex();
    SnapshotMetadata ahead = new SnapshotMetadata(commit + 50, term);
    String l = leader.id();

    f.receive(raft(InstallSnapshot.chunk(l, f.id(), term, ahead, 8, new byte[] {1}, false)));
    assertEquals(List.of(refusal(f, l, term, ahead, 0)), messages(f.flush()), "no transfer yet");

    f.receive(raft(InstallSnapshot.chunk(l, f.id(), term, ahead, 0, new byte[] {1, 2}, false)));
    assertEquals(
        List.of(new InstallSnapshotResponse(f.id(), l, term, ahead.index(), 2, true)),
        messages(f.flush()));
    f.receive(raft(InstallSnapshot.chunk(l, f.id(), term, ahead, 5, new byte[] {3}, false)));
    assertEquals(List.of(refusal(f, l, term, ahead, 2)), messages(f.flush()), "a gap");
    InstallSnapshot good = InstallSnapshot.chunk(l, f.id(), term, ahead, 2, new byte[] {3}, true);
    f.receive(
        raft(
            new InstallSnapshot(l, f.id(), term, ahead, 2, new byte[] {4}, true, good.checksum())));
    assertEquals(List.of(refusal(f, l, term, ahead, 2)), messages(f.flush()), "damaged");
    assertEquals(commit, f.status().commitIndex(), "nothing installed");

    SnapshotMetadata old = new SnapshotMetadata(commit - 1, term);
    f.receive(raft(InstallSnapshot.chunk(l, f.id(), term, old, 0, new byte[0], true)));
    assertEquals(
        List.of(new AppendEntriesResponse(f.id(), l, term, true, commit, 0, 0)),
        messages(f.flush()),
        "already held");
  }

  // On demand: a snapshot now, through the server's loop.
  @Test
  void aServerSnapshotsOnDemand() throws Exception {
    MemoryStorage storage = new MemoryStorage();
    try (InProcessNetwork network = new InProcessNetwork()) {
      RaftServer s =
          RaftServer.start(
              new RaftConfig("a", List.of("a"), 10, 1, 1).withLogger(QuietLogger.INSTANCE),
              storage,
              new Replicas.Echo(),
              network.endpoint("a"),
              ServerOptions.defaults().withTickInterval(Duration.ofMillis(2)));
      try {
        for (int i = 0; i < 3; i++) {
          while (true) {
            try {
              s.submit(bytes("c" + i)).get(10, TimeUnit.SECONDS);
              break;
            } catch (java.util.concurrent.ExecutionException e) {
              assertInstanceOf(dev.weft.raft.NotLeaderException.class, e.getCause());
              Thread.sleep(5); // not elected yet
            }
          }
        }
        long index = s.snapshot().get(10, TimeUnit.SECONDS);
        assertEquals(s.status().commitIndex(), index);
        assertEquals(index, storage.snapshotMetadata().index());
        assertEquals("c0\nc1\nc2", new String(storage.snapshot().data(), "UTF-8"));
      } finally {
        s.close();
      }
      ServerClosedException closed =
          (ServerClosedException)
              org.junit.jupiter.api.Assertions.assertThrows(
                      java.util.concurrent.ExecutionException.class,
                      () -> s.snapshot().get(10, TimeUnit.SECONDS))
                  .getCause();
      assertTrue(closed.getMessage().contains("closed"), closed.getMessage());
    }
  }

  private static Envelope raft(RaftMessage m) {
    return new Envelope.Raft(m);
  }

  private static InstallSnapshotResponse refusal(
      Replica f, String leader, long term, SnapshotMetadata s, long offset) {
    return new InstallSnapshotResponse(f.id(), leader, term, s.index(), offset, false);
  }

  private static List<RaftMessage> messages(List<Envelope> out) {
    List<RaftMessage> m = new ArrayList<>();
    for (Envelope e : out) {
      if (e instanceof Envelope.Raft r) {
        m.add(r.message());
      }
    }
    return m;
  }
}
