package dev.weft.raft.server;

import static dev.weft.raft.server.Replicas.bytes;
import static dev.weft.raft.server.Replicas.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.raft.Membership;
import dev.weft.raft.MemoryStorage;
import dev.weft.raft.NotLeaderException;
import dev.weft.raft.Role;
import dev.weft.raft.TransferInProgressException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/**
 * The driver's operations beyond proposals, driven by hand on {@link Replica}s: reads without the
 * log (ReadIndex, lease, follower reads), membership changes as futures, leadership transfer.
 */
class ReplicaOperationsTest {
  private static final List<String> ABC = List.of("a", "b", "c");

  private static Throwable failure(CompletableFuture<?> f) {
    assertTrue(f.isCompletedExceptionally(), "failed: " + f);
    try {
      f.join();
      throw new AssertionError("not failed");
    } catch (CompletionException e) {
      return e.getCause();
    }
  }

  @Test
  void readsOnTheLeaderAndOnAFollowerSeeEveryCompletedWrite() {
    Replicas c = new Replicas(ABC, Replicas.options(false), MemoryStorage::new);
    Replica leader = c.elect();
    CompletableFuture<byte[]> w = leader.submit(bytes("x"));
    c.tick(3);
    assertEquals("x", text(w.join()));
    CompletableFuture<byte[]> onLeader = leader.read(new byte[0], ReadMode.READ_INDEX);
    assertFalse(onLeader.isDone(), "not before a quorum confirms the leader");
    c.tick(2);
    assertEquals("x", text(onLeader.join()));
    Replica follower = c.follower(leader);
    CompletableFuture<byte[]> onFollower = follower.read(new byte[0], ReadMode.READ_INDEX);
    c.tick(3);
    assertEquals("x", text(onFollower.join()));
  }

  @Test
  void aLeaseReadIsServedAtOnceOnlyWhileTheLeaseHolds() {
    long[] now = {0};
    Replicas c = new Replicas(ABC, Replicas.options(false), MemoryStorage::new);
    for (String id : ABC) {
      Replica r =
          new Replica(
              new dev.weft.raft.RaftConfig(id, ABC, 10, 1, 7 + id.hashCode()),
              c.storages.get(id),
              c.machines.get(id),
              c.options,
              () -> now[0]);
      c.replicas.put(id, r);
    }
    Replica leader = c.elect();
    c.tick(3);
    CompletableFuture<byte[]> first = leader.read(new byte[0], ReadMode.LEASE);
    assertFalse(first.isDone(), "no lease yet: a ReadIndex round first");
    c.tick(2);
    assertTrue(first.isDone());
    CompletableFuture<byte[]> second = leader.read(new byte[0], ReadMode.LEASE);
    assertTrue(second.isDone(), "within the lease: served at once");
    now[0] += 10 * 10_000_000L; // an election timeout of 10 ms ticks later: the lease is over
    CompletableFuture<byte[]> third = leader.read(new byte[0], ReadMode.LEASE);
    assertFalse(third.isDone(), "lease expired: ReadIndex again");
    c.tick(2);
    assertTrue(third.isDone());
  }

  @Test
  void aLeaderCutOffFailsItsReadsInsteadOfServingThem() {
    Replicas c = new Replicas(ABC, Replicas.options(false), MemoryStorage::new);
    Replica leader = c.elect();
    c.tick(3);
    c.hold = e -> e.from().equals(leader.id()) || e.to().equals(leader.id());
    CompletableFuture<byte[]> read = leader.read(new byte[0], ReadMode.READ_INDEX);
    c.tick(30); // CheckQuorum makes it step down within two election timeouts
    assertInstanceOf(NotLeaderException.class, failure(read));
  }

  @Test
  void aLearnerIsAddedCaughtUpPromotedAndTheLeaderRemoved() {
    Replicas c = new Replicas(ABC, Replicas.options(false), MemoryStorage::new);
    Replica leader = c.elect();
    for (int i = 0; i < 20; i++) {
      leader.submit(bytes("w" + i));
    }
    c.tick(3);
    Replica d = c.join("d");
    CompletableFuture<Membership> added = leader.addLearner("d");
    c.tick(5);
    assertEquals(List.of("d"), added.join().learners());
    CompletableFuture<Membership> promoted = leader.promoteLearner("d");
    c.tick(10);
    assertEquals(List.of("a", "b", "c", "d"), promoted.join().voters());
    assertEquals(20, c.machines.get("d").applied.size(), "d caught up on every write");
    assertEquals(Role.FOLLOWER, d.status().role());

    CompletableFuture<Membership> removed = leader.removeMember(leader.id());
    c.tick(40);
    assertFalse(removed.join().isVoter(leader.id()));
    assertFalse(leader.isLeader(), "a removed leader steps down");
    Replica next = null;
    for (Replica r : c.replicas.values()) {
      if (r.isLeader()) {
        next = r;
      }
    }
    assertTrue(next != null && next != leader, "another voter leads");
    CompletableFuture<byte[]> after = next.submit(bytes("after"));
    c.tick(3);
    assertEquals("after", text(after.join()));
  }

  @Test
  void aReplaceGoesThroughAJointConfiguration() {
    Replicas c = new Replicas(ABC, Replicas.options(false), MemoryStorage::new);
    Replica leader = c.elect();
    c.tick(3);
    c.join("d");
    String old = c.follower(leader).id();
    CompletableFuture<Membership> replaced = leader.replaceMember(old, "d");
    c.tick(30);
    Membership m = replaced.join();
    assertFalse(m.isJoint());
    assertTrue(m.isVoter("d") && !m.isVoter(old) && !m.members().contains(old), m.toString());
  }

  @Test
  void aTransferCompletesWithTheNewLeaderAndATimedOutOneResumesProposals() {
    Replicas c = new Replicas(ABC, Replicas.options(false), MemoryStorage::new);
    Replica leader = c.elect();
    c.tick(3);
    String target = c.follower(leader).id();
    CompletableFuture<String> moved = leader.transferLeadership(target);
    CompletableFuture<byte[]> during = leader.submit(bytes("during"));
    assertInstanceOf(TransferInProgressException.class, failure(during));
    c.tick(10);
    assertEquals(target, moved.join());
    assertTrue(c.replicas.get(target).isLeader());

    Replica now = c.replicas.get(target);
    String cut = c.follower(now).id();
    c.hold = e -> e.to().equals(cut) || e.from().equals(cut);
    CompletableFuture<String> abandoned = now.transferLeadership(cut);
    c.tick(25);
    assertInstanceOf(java.util.concurrent.TimeoutException.class, failure(abandoned));
    CompletableFuture<byte[]> again = now.submit(bytes("again"));
    c.tick(3);
    assertEquals("again", text(again.join()));
  }
}
