package dev.weft.bench.raft;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
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
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

/**
 * Throughput of a three-node Raft group in one process with memory storage: commands of {@value
 * Cluster#COMMAND_BYTES} bytes, each a freshly allocated array, submitted to the leader by 8 client
 * threads, each keeping a window of {@value #WINDOW} commands in flight (512 in all); a command
 * counts once it is committed and applied on the leader. weft's {@code RaftServer} with its own
 * flow control and with MicroRaft's, against MicroRaft 0.7, in the same run; {@link
 * Cluster#settings()} of each is printed at the start of its trial. Run with {@code -prof gc}: with
 * one operation per command, {@code gc.alloc.rate.norm} is the bytes allocated per command in the
 * whole process (clients, the three nodes, the network).
 *
 * <p>MicroRaft snapshots and truncates its log every 100,000 entries; weft's memory storage keeps
 * every entry unless {@code weftSnapshots} is true (the default, so both sides bound their logs
 * alike); {@code -p weftSnapshots=false} measures weft without snapshots, which needs the large
 * heap.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(
    value = 3,
    jvmArgsAppend = {"-Xms8g", "-Xmx8g", "-XX:+AlwaysPreTouch"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class RaftClusterBench {
  /** Commands each client thread keeps in flight. */
  static final int WINDOW = 64;

  /**
   * Which Raft implementation and flow control (see {@link Cluster#create}); also {@code weft-grpc}
   * and {@code ratis}, three nodes over gRPC on loopback, durable, with {@code -p impl=...}.
   */
  @Param({"weft", "weft-microraft-flow", "microraft"})
  public String impl;

  /** Whether weft's side snapshots and truncates its log as MicroRaft's does. */
  @Param({"true"})
  public boolean weftSnapshots;

  private Cluster cluster;
  private FsyncCounter fsyncs;
  private final LongAdder commands = new LongAdder();
  private long measuredNanos;
  private long measuredCommands;
  private long fsyncBase = -1;
  private long iterationStart;
  private long commandsAtStart;

  /** A client thread's window of futures and its command numbers. */
  @State(Scope.Thread)
  public static class Client {
    final CompletableFuture<?>[] window = new CompletableFuture<?>[WINDOW];
    long seq = ThreadLocalRandom.current().nextLong();
  }

  /**
   * Starts the cluster and waits for a leader.
   *
   * @throws Exception if it cannot start
   */
  @Setup(Level.Trial)
  public void setUp() throws Exception {
    cluster = Cluster.create(impl, weftSnapshots);
    System.out.printf("%n[%s] %s%n", impl, cluster.settings());
    fsyncs = new FsyncCounter();
  }

  /**
   * Before the first measured iteration, lets the flight recorder deliver the warm-up's events (it
   * flushes once a second) and takes the fsync count from there.
   *
   * @param params which iteration this is
   * @throws InterruptedException if interrupted while waiting
   */
  @Setup(Level.Iteration)
  public void startIteration(IterationParams params) throws InterruptedException {
    if (params.getType() == IterationType.MEASUREMENT && fsyncBase < 0) {
      Thread.sleep(1500);
      fsyncBase = fsyncs.count();
    }
    iterationStart = System.nanoTime();
    commandsAtStart = commands.sum();
  }

  /**
   * Adds a measured iteration's time and commands to the totals for the fsync report.
   *
   * @param params which iteration this is
   */
  @TearDown(Level.Iteration)
  public void endIteration(IterationParams params) {
    if (params.getType() == IterationType.MEASUREMENT) {
      measuredNanos += System.nanoTime() - iterationStart;
      measuredCommands += commands.sum() - commandsAtStart;
    }
    String progress = cluster.progress();
    if (!progress.isEmpty()) {
      System.out.printf("%n[%s] %s%n", impl, progress);
    }
  }

  /**
   * Prints fsyncs per second over the measured iterations (every {@code FileChannel.force} in the
   * JVM, counted by the flight recorder; 0 for the in-memory clusters), then stops the cluster.
   *
   * @throws InterruptedException if interrupted while the recorder's last events arrive
   */
  @TearDown(Level.Trial)
  public void tearDown() throws InterruptedException {
    Thread.sleep(1500); // the recorder's last flush; the idle cluster forces nothing meanwhile
    long forced = fsyncs.count() - Math.max(0, fsyncBase);
    double seconds = measuredNanos / 1e9;
    System.out.printf(
        "%n[%s] measured %.1f s: %.0f commands/s, %.0f fsyncs/s, %.1f commands per fsync%n",
        impl,
        seconds,
        measuredCommands / seconds,
        forced / seconds,
        forced == 0 ? 0.0 : (double) measuredCommands / forced);
    fsyncs.close();
    cluster.close();
  }

  /**
   * Submits a window of fresh commands and waits for all of them.
   *
   * @param client the thread's state
   */
  @Benchmark
  @Threads(8)
  @OperationsPerInvocation(WINDOW)
  public void commands(Client client) {
    CompletableFuture<?>[] w = client.window;
    for (int i = 0; i < WINDOW; i++) {
      w[i] = cluster.submit(Cluster.command(client.seq++));
    }
    for (int i = 0; i < WINDOW; i++) {
      w[i].join();
    }
    commands.add(WINDOW);
  }
}
