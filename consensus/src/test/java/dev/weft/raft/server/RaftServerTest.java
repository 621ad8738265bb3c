package dev.weft.raft.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.raft.NotLeaderException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The driver in real time: results, failures, forwarding, shutdown and restart. */
@Timeout(60)
class RaftServerTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static Throwable failureOf(CompletableFuture<byte[]> f) throws Exception {
    ExecutionException e =
        assertThrows(ExecutionException.class, () -> f.get(WAIT.toSeconds(), TimeUnit.SECONDS));
    return e.getCause();
  }

  private static void awaitApplied(TestCluster c, int count) throws InterruptedException {
    long end = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() - end < 0) {
      boolean all = true;
      for (TestCluster.LogMachine m : c.machines.values()) {
        all &= m.applied().size() >= count;
      }
      if (all) {
        return;
      }
      Thread.sleep(5);
    }
    throw new AssertionError("not applied everywhere: " + c.machines.values());
  }

  @Test
  void leaderAppliesEverywhereAndAnswersWithTheResult() throws Exception {
    try (TestCluster c = new TestCluster(3, TestCluster.fast()).startAll()) {
      RaftServer leader = c.awaitLeader(WAIT);
      List<CompletableFuture<byte[]>> futures = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        futures.add(leader.submit(bytes("cmd" + i)));
      }
      long last = 0;
      for (CompletableFuture<byte[]> f : futures) {
        long index = ByteBuffer.wrap(f.get(WAIT.toSeconds(), TimeUnit.SECONDS)).getLong();
        assertTrue(index > last, "results in index order");
        last = index;
      }
      awaitApplied(c, 100);
      List<String> reference = c.machines.get(leader.id()).applied();
      for (TestCluster.LogMachine m : c.machines.values()) {
        assertEquals(reference, m.applied().subList(0, reference.size()));
      }
      assertTrue(reference.get(99).endsWith(":cmd99"), reference.get(99));
    }
  }

  @Test
  void aRefusedCommandFailsItsFutureAndTheServerGoesOn() throws Exception {
    try (TestCluster c = new TestCluster(3, TestCluster.fast()).startAll()) {
      RaftServer leader = c.awaitLeader(WAIT);
      Throwable t = failureOf(leader.submit(bytes("!")));
      assertInstanceOf(IllegalArgumentException.class, t);
      byte[] next = leader.submit(bytes("after")).get(WAIT.toSeconds(), TimeUnit.SECONDS);
      assertTrue(ByteBuffer.wrap(next).getLong() > 0);
      awaitApplied(c, 1);
      for (TestCluster.LogMachine m : c.machines.values()) {
        assertTrue(m.applied().stream().noneMatch(a -> a.endsWith(":!")), m.applied().toString());
      }
    }
  }

  @Test
  void followerRejectsWithTheLeadersId() throws Exception {
    try (TestCluster c = new TestCluster(3, TestCluster.fast()).startAll()) {
      RaftServer leader = c.awaitLeader(WAIT);
      Throwable t = failureOf(c.follower(leader).submit(bytes("x")));
      NotLeaderException e = assertInstanceOf(NotLeaderException.class, t);
      assertEquals(leader.id(), e.leader());
    }
  }

  @Test
  void followerForwardsWhenConfigured() throws Exception {
    ServerOptions forwarding = TestCluster.fast().withForwardProposals(true);
    try (TestCluster c = new TestCluster(3, forwarding).startAll()) {
      RaftServer leader = c.awaitLeader(WAIT);
      RaftServer follower = c.follower(leader);
      byte[] result = follower.submit(bytes("forwarded")).get(WAIT.toSeconds(), TimeUnit.SECONDS);
      long index = ByteBuffer.wrap(result).getLong();
      awaitApplied(c, 1);
      assertTrue(c.machines.get(follower.id()).applied().contains(index + ":forwarded"));
    }
  }

  @Test
  void noLeaderMeansNotLeaderWithoutAnId() throws Exception {
    try (TestCluster c = new TestCluster(3, TestCluster.fast())) {
      RaftServer alone = c.start("n1"); // the others never start: no quorum, no leader
      Throwable t = failureOf(alone.submit(bytes("x")));
      assertEquals(null, assertInstanceOf(NotLeaderException.class, t).leader());
    }
  }

  @Test
  void anIsolatedLeadersProposalTimesOut() throws Exception {
    ServerOptions shortTimeout = TestCluster.fast().withProposalTimeout(Duration.ofMillis(300));
    try (TestCluster c = new TestCluster(3, shortTimeout).startAll()) {
      RaftServer leader = c.awaitLeader(WAIT);
      c.network.isolate(leader.id());
      Throwable t = failureOf(leader.submit(bytes("lost")));
      assertInstanceOf(TimeoutException.class, t);
    }
  }

  @Test
  void closeDrainsWhatWasSubmittedAndRejectsTheRest() throws Exception {
    try (TestCluster c = new TestCluster(3, TestCluster.fast()).startAll()) {
      RaftServer leader = c.awaitLeader(WAIT);
      List<CompletableFuture<byte[]>> futures = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        futures.add(leader.submit(bytes("d" + i)));
      }
      leader.close();
      for (CompletableFuture<byte[]> f : futures) {
        assertTrue(f.isDone(), "close returned with a proposal still pending");
        if (f.isCompletedExceptionally()) {
          assertInstanceOf(ServerClosedException.class, failureOf(f));
        }
      }
      assertTrue(
          futures.stream().filter(f -> !f.isCompletedExceptionally()).count() > 0,
          "the drain applied nothing");
      assertInstanceOf(ServerClosedException.class, failureOf(leader.submit(bytes("late"))));
    }
  }

  @Test
  void aRestartedServerReappliesItsCommittedLog() throws Exception {
    try (TestCluster c = new TestCluster(3, TestCluster.fast()).startAll()) {
      RaftServer leader = c.awaitLeader(WAIT);
      for (int i = 0; i < 20; i++) {
        leader.submit(bytes("r" + i)).get(WAIT.toSeconds(), TimeUnit.SECONDS);
      }
      awaitApplied(c, 20);
      RaftServer follower = c.follower(leader);
      List<String> before = c.machines.get(follower.id()).applied();
      follower.close();
      c.start(follower.id()); // same storage, new (empty) state machine
      long end = System.nanoTime() + WAIT.toNanos();
      while (c.machines.get(follower.id()).applied().size() < before.size()
          && System.nanoTime() - end < 0) {
        Thread.sleep(5);
      }
      List<String> after = c.machines.get(follower.id()).applied();
      assertEquals(before, after.subList(0, before.size()));
    }
  }

  @Test
  void optionsRejectNonsense() {
    assertThrows(
        IllegalArgumentException.class,
        () -> ServerOptions.defaults().withTickInterval(Duration.ZERO));
    assertThrows(
        IllegalArgumentException.class,
        () -> ServerOptions.defaults().withProposalTimeout(Duration.ofMillis(-1)));
    assertThrows(IllegalArgumentException.class, () -> ServerOptions.defaults().withMaxBatch(0));
    assertThrows(
        IllegalArgumentException.class,
        () -> new InProcessNetwork.Faults(1.5, 0, Duration.ZERO, Duration.ZERO));
  }
}
