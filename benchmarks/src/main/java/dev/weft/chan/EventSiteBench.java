package dev.weft.chan;

import dev.weft.bench.FlightRecording;
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
 * What one emission site of {@code dev.weft.ChannelBlocked} costs, alone: the {@code start} and
 * {@code finish} a channel runs around each wait, with nothing else in the loop, against an empty
 * benchmark, for each {@link FlightRecording} mode. {@code ChannelEventsBench} measures the same
 * modes end to end, but a channel operation that waits costs hundreds of nanoseconds with a spread
 * of several percent between forks on 2 cores, so a cost of a few nanoseconds cannot be told from
 * noise there; here it can. The class sits in {@code dev.weft.chan} because the event is
 * package-private (the benchmarks jar puts both on one class path).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(
    value = 3,
    jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class EventSiteBench {
  /** The recording: removed (the baseline), none, weft-off or weft-on. */
  @Param({"removed", "none", "weft-off", "weft-on"})
  public String recording;

  private FlightRecording jfr;
  private long channel = 42;

  /**
   * Starts the recording (for {@code removed}, sets {@code -Ddev.weft.jfr=false} before the event
   * class is first used).
   *
   * @throws Exception if it cannot start
   */
  @Setup(Level.Trial)
  public void startRecording() throws Exception {
    jfr = FlightRecording.start(recording);
  }

  /** Stops the recording. */
  @TearDown(Level.Trial)
  public void stopRecording() {
    jfr.close();
  }

  /** The emission site of a blocked channel operation, as the channels run it around a wait. */
  @Benchmark
  public void blockedSite() {
    ChannelBlockedEvent blocked = ChannelBlockedEvent.start();
    blocked.finish(channel, 0, "send");
  }

  /** Nothing: the loop's own cost. */
  @Benchmark
  public void empty() {}
}
