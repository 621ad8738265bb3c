package dev.weft.bench.chan;

import dev.weft.time.Ticker;
import dev.weft.time.Timers;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Ticker and timer overhead: what starting and stopping a ticker, or arming a one-shot timer,
 * costs, against the same on a plain ScheduledExecutorService (the JDK's way, without channels).
 * The JDK's executor removes cancelled tasks, as weft's scheduler does.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
public class TickerBench {
  private static final Duration PERIOD = Duration.ofSeconds(10);
  private final ScheduledThreadPoolExecutor jdk = newExecutor();

  // Cancelled tasks must leave the queue, as a stopped weft ticker does; otherwise the JDK side
  // measures an ever-growing heap and runs out of memory.
  private static ScheduledThreadPoolExecutor newExecutor() {
    ScheduledThreadPoolExecutor e = new ScheduledThreadPoolExecutor(1);
    e.setRemoveOnCancelPolicy(true);
    return e;
  }

  private final Runnable nothing = () -> {};

  @TearDown
  public void tearDown() {
    jdk.shutdownNow();
  }

  @Benchmark
  public Ticker weftTickerStartStop() {
    Ticker t = Ticker.every(PERIOD);
    t.stop();
    return t;
  }

  /**
   * As above, asking for the channel as a user would before selecting on it: a ticker makes its
   * channel only on first use, so this adds that cost.
   */
  @Benchmark
  public Object weftTickerStartChannelStop() {
    Ticker t = Ticker.every(PERIOD);
    Object c = t.channel();
    t.stop();
    return c;
  }

  @Benchmark
  public ScheduledFuture<?> jdkFixedRateStartCancel() {
    ScheduledFuture<?> f = jdk.scheduleAtFixedRate(nothing, 10, 10, TimeUnit.SECONDS);
    f.cancel(false);
    return f;
  }

  @Benchmark
  public Object weftTimerAfterFires() throws InterruptedException {
    return Timers.after(Duration.ZERO).receive();
  }
}
