package dev.weft.bench.clocks;

import dev.weft.clocks.LamportClock;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;

/**
 * {@link LamportClock#tick()} against {@link AtomicLong#incrementAndGet()}, the floor for a shared
 * counter: weft's tick is a compare-and-set loop (to refuse overflow without wrapping), the
 * AtomicLong a single getAndAdd.
 */
public class LamportClockBench {
  /** One thread, its own clock. */
  @State(Scope.Thread)
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  @Fork(1)
  public static class Uncontended {
    private final LamportClock clock = new LamportClock();
    private final AtomicLong counter = new AtomicLong();

    @Benchmark
    public long weftTick() {
      return clock.tick();
    }

    @Benchmark
    public long atomicLongIncrement() {
      return counter.incrementAndGet();
    }

    @Benchmark
    public long weftReceive() {
      return clock.receive(17);
    }
  }

  /** Two threads ticking one shared clock; time per call in each thread. */
  @State(Scope.Benchmark)
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  @Fork(1)
  @Threads(2)
  public static class Contended {
    private final LamportClock clock = new LamportClock();
    private final AtomicLong counter = new AtomicLong();

    @Benchmark
    public long weftTick() {
      return clock.tick();
    }

    @Benchmark
    public long atomicLongIncrement() {
      return counter.incrementAndGet();
    }
  }
}
