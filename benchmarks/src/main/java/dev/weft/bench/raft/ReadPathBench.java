package dev.weft.bench.raft;

import dev.weft.raft.Role;
import dev.weft.raft.server.RaftServer;
import dev.weft.raft.server.ReadMode;
import dev.weft.raft.server.StateMachine;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
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
 * Linearizable reads per second on a three-node weft group in one process (memory storage): reads
 * through the log (a command per read), by ReadIndex (one round of heartbeats per batch of reads)
 * and by the lease (no round while the lease holds), in the same run; 8 client threads each keep
 * {@value #WINDOW} reads in flight on the leader. Also the time a leadership transfer takes ({@link
 * #transfer}), from the call to the future's completion.
 */
@State(Scope.Benchmark)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms4g", "-Xmx4g", "-XX:+AlwaysPreTouch"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class ReadPathBench {
  /** Reads each client thread keeps in flight. */
  static final int WINDOW = 64;

  /** How reads are made linearizable. */
  @Param({"log", "readIndex", "lease"})
  public String path;

  /**
   * The servers' storage: {@code memory}, or {@code file} ({@code FileStorage} in {@code
   * java.io.tmpdir}, or {@code -Dweft.bench.dir}), where a read through the log waits for an fsync
   * on a majority as a write does.
   */
  @Param({"memory", "file"})
  public String storage;

  private WeftCluster cluster;

  /** Answers every command and read with an empty result. */
  static final class NullMachine implements StateMachine {
    @Override
    public byte[] apply(long index, byte[] command) {
      return new byte[0];
    }

    @Override
    public byte[] read(byte[] query) {
      return new byte[0];
    }

    @Override
    public byte[] snapshot() {
      return new byte[0];
    }

    @Override
    public void restore(byte[] snapshot) {}
  }

  /**
   * Starts the group and waits for a leader that has committed a command.
   *
   * @throws InterruptedException if interrupted
   */
  @Setup(Level.Trial)
  public void setUp() throws IOException, InterruptedException {
    Path dir =
        storage.equals("file")
            ? Path.of(System.getProperty("weft.bench.dir", System.getProperty("java.io.tmpdir")))
            : null;
    cluster = new WeftCluster(NullMachine::new, dir);
  }

  /** Stops the group. */
  @TearDown(Level.Trial)
  public void tearDown() {
    cluster.close();
  }

  /** A client thread's window of reads. */
  @State(Scope.Thread)
  public static class Client {
    final byte[] query = new byte[8];
    final CompletableFuture<?>[] window = new CompletableFuture<?>[WINDOW];
  }

  /**
   * Issues a window of reads on the leader and waits for all of them.
   *
   * @param client the thread's state
   */
  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  @Threads(8)
  @OperationsPerInvocation(WINDOW)
  public void read(Client client) {
    RaftServer l = cluster.leader();
    for (int i = 0; i < WINDOW; i++) {
      client.window[i] =
          switch (path) {
            case "log" -> l.submit(client.query);
            case "readIndex" -> l.read(client.query, ReadMode.READ_INDEX);
            default -> l.read(client.query, ReadMode.LEASE);
          };
    }
    CompletableFuture.allOf(client.window).join();
  }

  /**
   * Moves leadership to the most up-to-date follower and waits until the old leader follows it.
   *
   * @throws Exception if the transfer fails
   */
  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  @Threads(1)
  public void transfer() throws Exception {
    String next = cluster.leader().transferLeadership(null).get(30, TimeUnit.SECONDS);
    for (RaftServer s : cluster.servers()) {
      if (s.id().equals(next)) {
        while (s.status().role() != Role.LEADER) {
          Thread.onSpinWait();
        }
      }
    }
    cluster.leaderIs(next);
  }
}
