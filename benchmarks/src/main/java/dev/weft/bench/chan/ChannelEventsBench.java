package dev.weft.bench.chan;

import dev.weft.bench.Batch;
import dev.weft.bench.FlightRecording;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

/**
 * What weft's Flight Recorder events cost a channel: one producer and one consumer on platform
 * threads, unbuffered (every operation may wait, so the blocking path, where the events are, is
 * taken often) and buffered 16, with weft's events switched off ({@code -Ddev.weft.jfr=false}: the
 * baseline, as if the code had none), with no recording, a recording with weft's events disabled,
 * and one with them enabled ({@link FlightRecording}); read the ratios within one run.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch"})
public class ChannelEventsBench {
  /** The recording: removed (the baseline), none, weft-off or weft-on. */
  @Param({"removed", "none", "weft-off", "weft-on"})
  public String recording;

  /** The channel's buffer. */
  @Param({"0", "16"})
  public int capacity;

  private FlightRecording jfr;
  private Pipe pipe;

  /**
   * Starts the recording for the trial.
   *
   * @throws Exception if it cannot start
   */
  @Setup(Level.Trial)
  public void startRecording() throws Exception {
    jfr = FlightRecording.start(recording);
  }

  /** A fresh channel per iteration. */
  @Setup(Level.Iteration)
  public void setUp() {
    pipe = Pipe.create("weft", capacity);
  }

  /** Stops the recording. */
  @TearDown(Level.Trial)
  public void stopRecording() {
    jfr.close();
  }

  /**
   * Moves {@link Batch#OPS} values from one platform thread to another.
   *
   * @param bh sinks the values
   * @throws InterruptedException if interrupted
   */
  @Benchmark
  @OperationsPerInvocation(Batch.OPS)
  public void oneToOne(Blackhole bh) throws InterruptedException {
    ChannelBench.oneToOne(pipe, "platform", bh);
  }
}
