package dev.weft.raft.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.raft.MemoryStorage;
import dev.weft.raft.NotLeaderException;
import dev.weft.raft.RaftConfig;
import dev.weft.raft.RaftMessage.AppendEntries;
import dev.weft.raft.RecordingLogger;
import dev.weft.raft.Role;
import dev.weft.testkit.ThreadKind;
import dev.weft.testkit.Workers;
import java.io.UncheckedIOException;
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

  // Defect (issue 12): a command the state machine refused, submitted on a forwarding follower,
  // never got its exception there: the leader's answer had no "refused" case, and the follower's
  // future timed out.
  @Test
  void aRefusedCommandFailsOnAForwardingFollowerToo() throws Exception {
    ServerOptions forwarding = TestCluster.fast().withForwardProposals(true);
    try (TestCluster c = new TestCluster(3, forwarding).startAll()) {
      RaftServer leader = c.awaitLeader(WAIT);
      Throwable t = failureOf(c.follower(leader).submit(bytes("!")));
      assertInstanceOf(IllegalArgumentException.class, t);
      assertTrue(t.getMessage().startsWith("refused: "), t.getMessage());
    }
  }

  // Defect (issue 12): after the loop failed, the submission channel stayed open, so submit queued
  // futures nobody would complete, and blocked once the queue was full; the failure was not logged
  // until close.
  @Test
  void afterTheLoopFailsSubmitFailsAtOnceAndTheFailureIsLogged() throws Exception {
    FailingStorage storage = new FailingStorage();
    RecordingLogger logger = new RecordingLogger();
    InProcessNetwork network = new InProcessNetwork();
    RaftServer server =
        RaftServer.start(
            new RaftConfig("a", List.of("a"), 10, 1, 1).withLogger(logger),
            storage,
            new TestCluster.LogMachine(),
            network.endpoint("a"),
            TestCluster.withQueue(TestCluster.fast(), 2));
    try {
      long end = System.nanoTime() + WAIT.toNanos();
      while (server.status().role() != Role.LEADER && System.nanoTime() - end < 0) {
        Thread.sleep(5);
      }
      server.submit(bytes("ok")).get(WAIT.toSeconds(), TimeUnit.SECONDS);
      storage.failWrites = true;
      assertInstanceOf(ServerClosedException.class, failureOf(server.submit(bytes("fails"))));
      List<CompletableFuture<byte[]>> later = new ArrayList<>();
      try (Workers w = new Workers(ThreadKind.VIRTUAL, Duration.ofSeconds(5))) {
        w.start(
            "submitter",
            () -> {
              for (int i = 0; i < 10; i++) {
                later.add(server.submit(bytes("late" + i)));
              }
            });
      }
      for (CompletableFuture<byte[]> f : later) {
        assertTrue(f.isDone(), "submit returned a future nobody will complete");
        ServerClosedException e = assertInstanceOf(ServerClosedException.class, failureOf(f));
        assertInstanceOf(UncheckedIOException.class, e.getCause(), "the loop's failure");
      }
      List<RecordingLogger.Line> errors = logger.at(System.Logger.Level.ERROR);
      assertEquals(1, errors.size(), "the failure is logged when it happens: " + logger.lines);
      assertInstanceOf(UncheckedIOException.class, errors.get(0).thrown());
    } finally {
      assertThrows(IllegalStateException.class, server::close);
      network.close();
    }
  }

  // Defect (issue 12): the "shut down" answers to forwarded proposals were queued after the last
  // flush and never sent, so followers waited for their own timeout.
  @Test
  void closingALeaderAnswersTheProposalsForwardedToItAtOnce() throws Exception {
    ServerOptions forwarding =
        TestCluster.fast()
            .withForwardProposals(true)
            .withProposalTimeout(Duration.ofSeconds(60))
            .withDrainTimeout(Duration.ofMillis(200));
    try (TestCluster c = new TestCluster(3, forwarding)) {
      // the leader's AppendEntries carry no entries to anyone: nothing it proposes commits
      c.transports =
          (id, t) ->
              new Transport() {
                @Override
                public void start(java.util.function.Consumer<Envelope> receiver) {
                  t.start(receiver);
                }

                @Override
                public void send(Envelope e) {
                  if (!(e instanceof Envelope.Raft r
                      && r.message() instanceof AppendEntries a
                      && !a.entries().isEmpty()
                      && a.prevLogIndex() > 0)) {
                    t.send(e);
                  }
                }

                @Override
                public void close() {
                  t.close();
                }
              };
      c.startAll();
      RaftServer leader = c.awaitLeader(WAIT);
      RaftServer follower = c.follower(leader);
      // read before submitting: the forward may be appended before submit returns here
      long lastIndex = leader.status().lastIndex();
      CompletableFuture<byte[]> forwarded = follower.submit(bytes("stuck"));
      long end = System.nanoTime() + WAIT.toNanos();
      while (leader.status().lastIndex() == lastIndex && System.nanoTime() - end < 0) {
        Thread.sleep(5);
      }
      assertTrue(leader.status().lastIndex() > lastIndex, "the forward reached the leader");
      leader.close();
      Throwable t = failureOf(forwarded);
      assertInstanceOf(ServerClosedException.class, t, "the follower heard of the shutdown");
    }
  }

  // Defect (issue 12): a continuation attached without ...Async runs on the loop's thread; when it
  // called submit with the proposal queue full, the loop blocked on its own queue for ever.
  @Test
  void aContinuationOnTheLoopThreadMaySubmitWhenTheQueueIsFull() throws Exception {
    java.util.concurrent.CountDownLatch attached = new java.util.concurrent.CountDownLatch(1);
    TestCluster.LogMachine gated = new TestCluster.LogMachine();
    gated.gate = attached; // the loop applies "first" only once the continuation is attached
    InProcessNetwork network = new InProcessNetwork();
    RaftServer server =
        RaftServer.start(
            new RaftConfig("a", List.of("a"), 10, 1, 1),
            new MemoryStorage(),
            gated,
            network.endpoint("a"),
            TestCluster.withQueue(TestCluster.fast(), 1).withDrainTimeout(Duration.ofMillis(100)));
    try {
      long end = System.nanoTime() + WAIT.toNanos();
      while (server.status().role() != Role.LEADER && System.nanoTime() - end < 0) {
        Thread.sleep(5);
      }
      List<CompletableFuture<byte[]>> inside = new java.util.concurrent.CopyOnWriteArrayList<>();
      CompletableFuture<byte[]> first = server.submit(bytes("first"));
      CompletableFuture<Void> done =
          first.thenRun(
              () -> {
                for (int i = 0; i < 5; i++) {
                  inside.add(server.submit(bytes("inside" + i)));
                }
              });
      attached.countDown();
      done.get(WAIT.toSeconds(), TimeUnit.SECONDS);
      assertEquals(5, inside.size());
      for (CompletableFuture<byte[]> f : inside) {
        f.get(WAIT.toSeconds(), TimeUnit.SECONDS);
      }
    } finally {
      server.close();
      network.close();
    }
  }
}
