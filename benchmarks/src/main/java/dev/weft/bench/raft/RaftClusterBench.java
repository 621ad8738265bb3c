package dev.weft.bench.raft;

import java.util.Random;
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
 * Throughput of a three-node Raft group in one process with memory storage: commands of 64 bytes,
 * submitted to the leader by 8 client threads, each keeping a window of {@value #WINDOW} commands
 * in flight (512 in all); a command counts once it is committed and applied on the leader. weft's
 * {@code RaftServer} against MicroRaft 0.7 in the same run. The heap is large because weft's memory
 * storage keeps the whole log (compaction is a later issue) while MicroRaft snapshots and truncates
 * its log every 100,000 entries.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms8g", "-Xmx8g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class RaftClusterBench {
  /** Commands each client thread keeps in flight. */
  static final int WINDOW = 64;

  /** Which Raft implementation. */
  @Param({"weft", "microraft"})
  public String impl;

  private Cluster cluster;

  /** A client thread's command and window of futures. */
  @State(Scope.Thread)
  public static class Client {
    final byte[] command = new byte[64];
    final CompletableFuture<?>[] window = new CompletableFuture<?>[WINDOW];

    /** Fills the command with random bytes. */
    @Setup
    public void setUp() {
      new Random(42).nextBytes(command);
    }
  }

  /**
   * Starts the cluster and waits for a leader.
   *
   * @throws Exception if it cannot start
   */
  @Setup(Level.Trial)
  public void setUp() throws Exception {
    cluster = Cluster.create(impl);
  }

  /** Stops the cluster. */
  @TearDown(Level.Trial)
  public void tearDown() {
    cluster.close();
  }

  /**
   * Submits a window of commands and waits for all of them.
   *
   * @param client the thread's state
   */
  @Benchmark
  @Threads(8)
  @OperationsPerInvocation(WINDOW)
  public void commands(Client client) {
    CompletableFuture<?>[] w = client.window;
    for (int i = 0; i < WINDOW; i++) {
      w[i] = cluster.submit(client.command);
    }
    for (int i = 0; i < WINDOW; i++) {
      w[i].join();
    }
  }
}
