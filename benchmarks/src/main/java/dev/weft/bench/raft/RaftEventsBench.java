package dev.weft.bench.raft;

import dev.weft.bench.FlightRecording;
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
 * What weft's Flight Recorder events cost a Raft cluster: {@link RaftClusterBench}'s load (three
 * {@code RaftServer}s in one process, memory storage, 8 clients with 64 commands of 64 bytes in
 * flight each) with weft's events switched off ({@code -Ddev.weft.jfr=false}: the baseline, as if
 * the code had none), with no recording, a recording with weft's events disabled, and one with them
 * enabled ({@link FlightRecording}); read the ratios within one run.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms8g", "-Xmx8g", "-XX:+AlwaysPreTouch"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class RaftEventsBench {
  static final int WINDOW = WindowClient.WINDOW;

  /** The recording: removed (the baseline), none, weft-off or weft-on. */
  @Param({"removed", "none", "weft-off", "weft-on"})
  public String recording;

  private FlightRecording jfr;
  private Cluster cluster;

  /**
   * Starts the recording, then the cluster, and waits for a leader.
   *
   * @throws Exception if either cannot start
   */
  @Setup(Level.Trial)
  public void setUp() throws Exception {
    jfr = FlightRecording.start(recording);
    cluster = Cluster.create("weft", false);
  }

  /** Stops the cluster and the recording. */
  @TearDown(Level.Trial)
  public void tearDown() {
    cluster.close();
    jfr.close();
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
    client.submitWindow(cluster::submit);
  }
}
