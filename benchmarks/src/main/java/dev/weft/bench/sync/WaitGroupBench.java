package dev.weft.bench.sync;

import dev.weft.bench.Batch;
import dev.weft.sync.WaitGroup;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Phaser;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Wait-group bookkeeping: weft's {@link WaitGroup} against {@link Phaser} (register and
 * arriveAndDeregister are its add(1) and done()) and {@link CountDownLatch} (which cannot add, so a
 * round allocates a new one).
 */
public class WaitGroupBench {
  /**
   * add(1) then done() on one shared group from 1 or 2 threads at once: Go's {@code
   * BenchmarkWaitGroup} shape. Time per add+done pair over all threads.
   */
  @State(Scope.Benchmark)
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  @Fork(
      value = 1,
      jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
  public static class AddDone {
    @Param({"platform", "virtual"})
    public String kind;

    @Param({"1", "2"})
    public int threads;

    private WaitGroup group;
    private Phaser phaser;

    @Setup
    public void setUp() {
      group = new WaitGroup();
      phaser = new Phaser(1); // one party registered for good, so the phaser never terminates
    }

    @TearDown
    public void check() {
      if (group.count() != 0 || phaser.getRegisteredParties() != 1) {
        throw new IllegalStateException("unbalanced add/done");
      }
    }

    @Benchmark
    @OperationsPerInvocation(Batch.OPS)
    public void weftWaitGroup() throws InterruptedException {
      int per = Batch.OPS / threads;
      WaitGroup g = group;
      Batch.run(
          kind,
          threads,
          i -> {
            for (int n = 0; n < per; n++) {
              g.add(1);
              g.done();
            }
          });
    }

    @Benchmark
    @OperationsPerInvocation(Batch.OPS)
    public void phaser() throws InterruptedException {
      int per = Batch.OPS / threads;
      Phaser p = phaser;
      Batch.run(
          kind,
          threads,
          i -> {
            for (int n = 0; n < per; n++) {
              p.register();
              p.arriveAndDeregister();
            }
          });
    }
  }

  /** One thread: add(1), done(), await() on a group that is then zero; no thread ever parks. */
  @State(Scope.Thread)
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  @Fork(
      value = 1,
      jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
  public static class Cycle {
    private final WaitGroup group = new WaitGroup();
    private final Phaser phaser = new Phaser(1);

    @Benchmark
    public void weftWaitGroup() throws InterruptedException {
      group.add(1);
      group.done();
      group.await();
    }

    @Benchmark
    public CountDownLatch countDownLatch() throws InterruptedException {
      CountDownLatch latch = new CountDownLatch(1);
      latch.countDown();
      latch.await();
      return latch;
    }

    @Benchmark
    public int phaser() {
      phaser.register();
      return phaser.arriveAndDeregister();
    }
  }
}
