package dev.weft.raft.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.raft.Membership;
import dev.weft.raft.MembershipChangeException;
import dev.weft.raft.MemoryStorage;
import dev.weft.raft.NotLeaderException;
import dev.weft.raft.RaftConfig;
import dev.weft.raft.Role;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The server's futures for reads, membership changes and leadership transfer, in real time. */
class RaftServerOperationsTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  private static long count(byte[] answer) {
    return ByteBuffer.wrap(answer).getLong();
  }

  /**
   * Runs {@code op} on the current leader until it completes: real-time elections can move
   * leadership between two calls (the ticks are 5 ms), which a client answers by retrying.
   */
  private static <T> T onLeader(
      TestCluster c, java.util.function.Function<RaftServer, CompletableFuture<T>> op)
      throws Exception {
    for (int attempt = 0; ; attempt++) {
      RaftServer leader = c.awaitLeader(WAIT);
      try {
        return op.apply(leader).get(10, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        boolean retry =
            e.getCause() instanceof NotLeaderException
                || e.getCause() instanceof MembershipChangeException
                || e.getCause() instanceof ProposalDroppedException;
        if (!retry || attempt == 20) {
          throw e;
        }
        Thread.sleep(20);
      }
    }
  }

  @Test
  @Timeout(60)
  void readsChangesAndTransfersCompleteTheirFutures() throws Exception {
    try (TestCluster c = new TestCluster(3, TestCluster.fast()).startAll()) {
      onLeader(c, s -> s.submit("x".getBytes(StandardCharsets.UTF_8)));
      assertEquals(1, count(onLeader(c, s -> s.read(new byte[0]))));
      // a follower read: the leader gives the index, the follower serves
      assertEquals(1, count(onLeader(c, s -> c.follower(s).read(new byte[0], ReadMode.LEASE))));
      assertEquals(1, count(onLeader(c, s -> s.read(new byte[0], ReadMode.LEASE))));

      TestCluster.LogMachine m = new TestCluster.LogMachine();
      // started outside the configuration; not in c.servers, whose members all follow a leader
      RaftServer n4 =
          RaftServer.start(
              RaftConfig.joining("n4", c.ids, 10, 1, 4),
              new MemoryStorage(),
              m,
              c.network.endpoint("n4"),
              c.options);
      try (n4) {
        operate(c, n4, m);
      }
    }
  }

  /**
   * A leader that removes itself steps down in the turn that commits the change, and the future
   * completes only after that turn has published its status. The hook holds each leader's step-down
   * back from publication for 200 ms, so that a future completed inside the turn (as before) would
   * let the caller read the old role.
   */
  @Test
  @Timeout(60)
  void aCompletedRemovalOfTheLeaderIsSeenInItsStatus() throws Exception {
    try (TestCluster c = new TestCluster(3, TestCluster.fast()).startAll()) {
      for (RaftServer s : c.servers.values()) {
        s.beforePublish =
            (published, next) -> {
              if (published.role() == Role.LEADER && next.role() != Role.LEADER) {
                try {
                  Thread.sleep(200);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              }
            };
      }
      onLeader(c, s -> s.submit("x".getBytes(StandardCharsets.UTF_8)));
      AtomicReference<RaftServer> removed = new AtomicReference<>();
      Membership after =
          onLeader(
              c,
              s -> {
                removed.set(s);
                return s.removeMember(s.id());
              });
      RaftServer leader = removed.get();
      assertFalse(after.isVoter(leader.id()));
      assertEquals(Role.FOLLOWER, leader.status().role(), leader.status().toString());
      assertEquals(after, leader.status().membership());
    }
  }

  private static void operate(TestCluster c, RaftServer n4, TestCluster.LogMachine m)
      throws Exception {
    Membership learner = onLeader(c, s -> s.addLearner("n4"));
    assertEquals(List.of("n4"), learner.learners());
    Membership promoted = onLeader(c, s -> s.promoteLearner("n4"));
    assertEquals(List.of("n1", "n2", "n3", "n4"), promoted.voters());
    RaftServer leader = c.awaitLeader(WAIT);
    assertEquals(promoted, leader.status().membership());
    assertFalse(leader.status().membership().isJoint());

    String next = onLeader(c, s -> s.transferLeadership(null));
    assertTrue(promoted.isVoter(next));
    RaftServer target = c.servers.getOrDefault(next, n4);
    long end = System.nanoTime() + WAIT.toNanos();
    while (target.status().role() != Role.LEADER && System.nanoTime() - end < 0) {
      Thread.sleep(5);
    }
    assertEquals(next, target.status().leader());
    byte[] y = onLeader(c, s -> s.submit(new byte[] {'y'}));
    assertTrue(y.length > 0);
    long end2 = System.nanoTime() + WAIT.toNanos();
    while (m.applied().size() < 2 && System.nanoTime() - end2 < 0) {
      Thread.sleep(5);
    }
    assertEquals(2, m.applied().size(), "the new voter applies what the group commits");
  }
}
