package dev.weft.bench.clocks;

import dev.weft.clocks.HybridLogicalClock;
import dev.weft.clocks.HybridTimestamp;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;

/**
 * {@link HybridLogicalClock#now()} against {@link System#currentTimeMillis()}, which it calls once
 * per timestamp: the difference is the cost of the hybrid clock itself (one compare-and-set and a
 * small allocation that escape analysis usually removes). Target: within 2x uncontended.
 */
public class HybridLogicalClockBench {
  /** One thread, its own clock. */
  @State(Scope.Thread)
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  @Fork(1)
  public static class Uncontended {
    private final HybridLogicalClock clock = new HybridLogicalClock(System::currentTimeMillis, 500);
    private final HybridTimestamp remote = new HybridTimestamp(System.currentTimeMillis(), 3);

    @Benchmark
    public long currentTimeMillis() {
      return System.currentTimeMillis();
    }

    @Benchmark
    public HybridTimestamp weftNow() {
      return clock.now();
    }

    @Benchmark
    public long weftNowPacked() {
      return clock.now().pack();
    }

    @Benchmark
    public HybridTimestamp weftUpdate() {
      return clock.update(remote);
    }
  }

  /** Two threads on one clock; time per call in each thread. */
  @State(Scope.Benchmark)
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  @Fork(1)
  @Threads(2)
  public static class Contended {
    private final HybridLogicalClock clock = new HybridLogicalClock(System::currentTimeMillis, 500);

    @Benchmark
    public long currentTimeMillis() {
      return System.currentTimeMillis();
    }

    @Benchmark
    public HybridTimestamp weftNow() {
      return clock.now();
    }
  }
}
