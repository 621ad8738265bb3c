package dev.weft.bench.raft;

import dev.weft.raft.MemoryStorage;
import dev.weft.raft.RaftConfig;
import dev.weft.raft.server.InProcessNetwork;
import dev.weft.raft.server.RaftServer;
import dev.weft.raft.server.ServerOptions;
import dev.weft.raft.server.SnapshotPolicy;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The time to add a member that must catch up a long log: a three-node weft group (memory storage,
 * a snapshot every 100,000 entries) commits {@code entries} 64-byte commands; then each measured
 * operation starts a fresh server, adds it as a learner and promotes it, which completes once it
 * has caught up (by the leader's latest snapshot, then the entries after it) and the change is
 * committed. Between operations the new member is removed and stopped. One shot per iteration.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms4g", "-Xmx4g", "-XX:+AlwaysPreTouch"})
@Warmup(iterations = 2)
@Measurement(iterations = 5)
public class MembershipBench {
  private static final List<String> IDS = List.of("a", "b", "c");
  private static final Duration WAIT = Duration.ofSeconds(60);

  /** Commands committed before the first member joins. */
  @Param({"1000000"})
  public int entries;

  private final InProcessNetwork network = new InProcessNetwork();
  private final List<RaftServer> servers = new ArrayList<>();
  private final ServerOptions options =
      ServerOptions.defaults()
          .withTickInterval(Duration.ofMillis(10))
          .withSnapshots(SnapshotPolicy.every(WeftCluster.SNAPSHOT_EVERY));
  private RaftServer leader;
  private RaftServer joiner;
  private int joined;

  /**
   * Starts the group and commits {@code entries} commands, 1,024 in flight.
   *
   * @throws Exception if the group fails
   */
  @Setup(Level.Trial)
  public void setUp() throws Exception {
    for (String id : IDS) {
      servers.add(
          RaftServer.start(
              new RaftConfig(id, IDS, 100, 10, id.hashCode()),
              new MemoryStorage(),
              new WeftCluster.CountingMachine(),
              network.endpoint(id),
              options));
    }
    leader = WeftCluster.awaitLeader(servers);
    CompletableFuture<?>[] window = new CompletableFuture<?>[1024];
    for (int sent = 0; sent < entries; sent += window.length) {
      for (int i = 0; i < window.length; i++) {
        window[i] = leader.submit(Cluster.command(sent + i));
      }
      CompletableFuture.allOf(window).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }
    System.out.printf(
        "%nMembershipBench: %,d commands committed; leader %s at index %,d%n",
        entries, leader.id(), leader.status().lastIndex());
  }

  /** Starts the server that the next operation adds. */
  @Setup(Level.Iteration)
  public void startJoiner() {
    String id = "n" + joined++;
    joiner =
        RaftServer.start(
            RaftConfig.joining(id, IDS, 100, 10, id.hashCode()),
            new MemoryStorage(),
            new WeftCluster.CountingMachine(),
            network.endpoint(id),
            options);
  }

  /**
   * Adds the new server as a learner and promotes it once it has caught up.
   *
   * @return the configuration reached
   * @throws Exception if either change fails
   */
  @Benchmark
  public Object addAndCatchUp() throws Exception {
    String id = joiner.id();
    leader.addLearner(id).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    return leader.promoteLearner(id).get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  /**
   * Checks that the new member holds the whole state (every command counted, through the snapshot
   * and the entries after it: a linearizable read on it), then removes and stops it.
   *
   * @throws Exception if it does not, or the removal fails
   */
  @TearDown(Level.Iteration)
  public void removeJoiner() throws Exception {
    long count =
        ByteBuffer.wrap(joiner.read(new byte[0]).get(WAIT.toSeconds(), TimeUnit.SECONDS)).getLong();
    if (count < entries) {
      throw new IllegalStateException(
          joiner.id() + " holds " + count + " of " + entries + " commands");
    }
    leader.removeMember(joiner.id()).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    joiner.close();
  }

  /** Stops the group. */
  @TearDown(Level.Trial)
  public void tearDown() {
    for (RaftServer s : servers) {
      s.close();
    }
    network.close();
  }
}
