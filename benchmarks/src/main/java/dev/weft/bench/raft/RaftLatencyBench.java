package dev.weft.bench.raft;

import java.util.Random;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
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
 * Latency of one command (64 bytes, submit to applied on the leader) in a three-node group that a
 * background generator keeps busy at a fraction of its maximum throughput ({@code load}, default
 * half). The maximum is calibrated in the set-up (2 s of warm-up, then 3 s measured), with the same
 * closed-loop clients as {@link RaftClusterBench}, and printed; the generator then submits at the
 * fixed rate (open loop) while JMH samples single commands: read p50 and p99 from the sample-time
 * percentiles.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms8g", "-Xmx8g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class RaftLatencyBench {
  /** Which Raft implementation. */
  @Param({"weft", "microraft"})
  public String impl;

  /** The background load, as a fraction of the calibrated maximum throughput. */
  @Param({"0.5"})
  public double load;

  private Cluster cluster;
  private final byte[] command = new byte[64];
  private volatile boolean running;
  private Thread generator;

  /**
   * Starts the cluster, calibrates its maximum throughput and starts the background load.
   *
   * @throws Exception if it cannot start
   */
  @Setup(Level.Trial)
  public void setUp() throws Exception {
    new Random(42).nextBytes(command);
    cluster = Cluster.create(impl);
    double max = calibrate();
    double rate = max * load;
    System.out.printf(
        "%n[%s] calibrated max %.0f commands/s; background load %.0f/s%n", impl, max, rate);
    running = true;
    generator = Thread.ofPlatform().daemon().name("load").start(() -> generate(rate));
  }

  private double calibrate() throws InterruptedException {
    closedLoop(2); // warm-up, not counted
    return closedLoop(3);
  }

  private double closedLoop(int seconds) throws InterruptedException {
    long start = System.nanoTime();
    long done = Cluster.closedLoop(cluster, command, 8, RaftClusterBench.WINDOW, seconds);
    return done / ((System.nanoTime() - start) / 1e9);
  }

  private void generate(double rate) {
    Semaphore outstanding = new Semaphore(100_000);
    double perMilli = rate / 1000;
    double owed = 0;
    long next = System.nanoTime();
    while (running) {
      owed += perMilli;
      for (; owed >= 1; owed--) {
        if (outstanding.tryAcquire()) {
          cluster.submit(command).whenComplete((r, e) -> outstanding.release());
        }
      }
      next += 1_000_000;
      long wait = next - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
      }
    }
  }

  /**
   * Stops the load and the cluster.
   *
   * @throws InterruptedException if interrupted while joining the generator
   */
  @TearDown(Level.Trial)
  public void tearDown() throws InterruptedException {
    running = false;
    generator.join();
    cluster.close();
  }

  /**
   * Submits one command and waits until it is applied.
   *
   * @return the result, so it is not dead code
   */
  @Benchmark
  public Object oneCommand() {
    return cluster.submit(command).join();
  }
}
