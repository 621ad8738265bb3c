package dev.weft.bench.raft;

import dev.weft.raft.MemoryStorage;
import dev.weft.raft.MutableStorage;
import dev.weft.raft.RaftConfig;
import dev.weft.raft.server.InProcessNetwork;
import dev.weft.raft.server.RaftServer;
import dev.weft.raft.server.ServerOptions;
import dev.weft.raft.server.SnapshotPolicy;
import dev.weft.raft.storage.FileStorage;
import dev.weft.raft.storage.StorageStats;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A three-node weft Raft group in one process on durable and in-memory storage: 64-byte commands
 * from 8 client threads, each with a window of {@value #WINDOW} commands in flight; a command
 * counts once committed and applied on the leader.
 *
 * <ul>
 *   <li>{@code storage=file}: every server on a {@code FileStorage} in a temporary directory (of
 *       {@code -Dweft.bench.dir}, default the JVM's temporary directory, so on this machine's
 *       disk): group commit, one {@code fsync} per Ready. After each iteration the leader's storage
 *       prints its {@code fsync}s per second and the commands per {@code fsync}.
 *   <li>{@code storage=memory}: {@code MemoryStorage}, no snapshots: the log only grows.
 *   <li>{@code storage=memory-snapshots}: {@code MemoryStorage} with a snapshot every 100,000
 *       applied entries and the log compacted behind it: the cost of snapshotting, as a ratio to
 *       {@code memory}.
 * </ul>
 *
 * <p>{@code maxBatch} bounds the inputs the server's loop takes per turn; at 1 every command pays
 * its own {@code fsync}, which shows that group commit is what makes the durable rate. {@code
 * latency} measures one command at a time per client thread (8 in flight), for p50 and p99.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms4g", "-Xmx4g", "-XX:+AlwaysPreTouch"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class DurableRaftBench {
  /** Commands each client thread keeps in flight. */
  static final int WINDOW = WindowClient.WINDOW;

  /** Where the servers keep their logs. */
  @Param({"file", "memory", "memory-snapshots"})
  public String storage;

  /** The most inputs the server's loop takes per turn ({@code ServerOptions.maxBatch}). */
  @Param({"4096"})
  public int maxBatch;

  private final InProcessNetwork network = new InProcessNetwork();
  private final List<RaftServer> servers = new ArrayList<>();
  private final List<FileStorage> files = new ArrayList<>();
  private Path dir;
  private RaftServer leader;
  private FileStorage leaderFile;
  private StorageStats before;
  private long iterationStart;

  /**
   * Starts the servers and waits for a leader.
   *
   * @throws Exception if they cannot start
   */
  @Setup(Level.Trial)
  public void setUp() throws Exception {
    List<String> ids = List.of("a", "b", "c");
    ServerOptions options =
        ServerOptions.defaults().withTickInterval(Duration.ofMillis(10)).withMaxBatch(maxBatch);
    if (storage.equals("memory-snapshots")) {
      options = options.withSnapshots(SnapshotPolicy.every(100_000));
    }
    dir =
        Files.createTempDirectory(
            Path.of(System.getProperty("weft.bench.dir", System.getProperty("java.io.tmpdir"))),
            "weft-durable-raft");
    for (String id : ids) {
      MutableStorage s;
      if (storage.equals("file")) {
        FileStorage f = FileStorage.open(dir.resolve(id));
        files.add(f);
        s = f;
      } else {
        s = new MemoryStorage();
      }
      servers.add(
          RaftServer.start(
              new RaftConfig(id, ids, 100, 10, id.hashCode()),
              s,
              new WeftCluster.CountingMachine(),
              network.endpoint(id),
              options));
    }
    leader = WeftCluster.awaitLeader(servers);
    if (storage.equals("file")) {
      leaderFile = files.get(servers.indexOf(leader));
    }
  }

  /** Notes the leader's storage counters. */
  @Setup(Level.Iteration)
  public void startIteration() {
    if (leaderFile != null) {
      before = leaderFile.stats();
      iterationStart = System.nanoTime();
    }
  }

  /** Prints the leader's fsyncs per second and commands per fsync in the iteration. */
  @TearDown(Level.Iteration)
  public void endIteration() {
    if (leaderFile != null) {
      StorageStats now = leaderFile.stats();
      long fsyncs = now.fsyncs() - before.fsyncs();
      long entries = now.entries() - before.entries();
      double seconds = (System.nanoTime() - iterationStart) / 1e9;
      System.out.printf(
          "  leader: %.0f fsyncs/s, %.1f commands per fsync, mean fsync %.0f us%n",
          fsyncs / seconds,
          fsyncs == 0 ? 0.0 : (double) entries / fsyncs,
          fsyncs == 0 ? 0.0 : (now.fsyncNanos() - before.fsyncNanos()) / 1e3 / fsyncs);
    }
  }

  /**
   * Stops the servers and deletes the logs.
   *
   * @throws IOException if the logs cannot be deleted
   */
  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    for (RaftServer s : servers) {
      s.close();
    }
    network.close();
    for (FileStorage f : files) {
      f.close();
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  /**
   * Submits a window of commands and waits for all of them.
   *
   * @param client the thread's state
   */
  @Benchmark
  @Threads(8)
  @OperationsPerInvocation(WINDOW)
  public void commands(WindowClient client) {
    client.submitWindow(leader::submit);
  }

  /**
   * One command, waited for: its latency with 8 client threads.
   *
   * @param client the thread's state
   * @return the result, consumed by JMH
   */
  @Benchmark
  @Threads(8)
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public Object latency(WindowClient client) {
    return leader.submit(client.command).join();
  }
}
