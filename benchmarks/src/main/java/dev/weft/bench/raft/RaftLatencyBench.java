package dev.weft.bench.raft;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.openjdk.jmh.annotations.AuxCounters;
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
 * Latency of one command ({@value Cluster#COMMAND_BYTES} fresh bytes, submit to applied on the
 * leader) in a three-node group that a background generator keeps busy at the same offered load for
 * every implementation: {@code rate} commands per second, submitted open-loop (on a 1 ms schedule,
 * whatever the cluster's answers) with at most {@value #OUTSTANDING} unanswered. JMH samples single
 * commands: read p50 and p99 from the sample-time percentiles.
 *
 * <p>Nothing that goes wrong is ignored. Per iteration, the counters {@code offered} (background
 * commands submitted), {@code shed} (background commands not submitted because {@value
 * #OUTSTANDING} were unanswered: the cluster fell behind the offered load), and {@code failed}
 * (commands, background or sampled, whose future failed) are reported beside the latency; a sampled
 * command that fails is counted, not timed as a success. Compare implementations only where {@code
 * shed} and {@code failed} are zero on both.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(
    value = 3,
    jvmArgsAppend = {"-Xms8g", "-Xmx8g", "-XX:+AlwaysPreTouch"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class RaftLatencyBench {
  /** Background commands that may be unanswered before the generator sheds load. */
  static final int OUTSTANDING = 100_000;

  /** Which Raft implementation and flow control (see {@link Cluster#create}). */
  @Param({"weft", "weft-microraft-flow", "microraft"})
  public String impl;

  /** The background load in commands per second, the same for every implementation. */
  @Param({"100000", "300000"})
  public int rate;

  /** Whether weft's side snapshots and truncates its log as MicroRaft's does. */
  @Param({"true"})
  public boolean weftSnapshots;

  private Cluster cluster;
  private volatile boolean running;
  private Thread generator;
  private final LongAdder offered = new LongAdder();
  private final LongAdder shed = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private final LongAdder outstanding = new LongAdder();
  private long seq;

  /** The run's counts over one iteration, which JMH reports beside the latency. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.EVENTS)
  public static class Counts {
    /** Background commands submitted. */
    public long offered;

    /** Background commands not submitted because too many were unanswered. */
    public long shed;

    /** Commands whose future failed. */
    public long failed;

    long offered0;
    long shed0;
    long failed0;

    /**
     * Notes where the run's counts stand as the iteration starts.
     *
     * @param bench the benchmark
     */
    @Setup(Level.Iteration)
    public void start(RaftLatencyBench bench) {
      offered0 = bench.offered.sum();
      shed0 = bench.shed.sum();
      failed0 = bench.failed.sum();
    }

    void update(RaftLatencyBench bench) {
      offered = bench.offered.sum() - offered0;
      shed = bench.shed.sum() - shed0;
      failed = bench.failed.sum() - failed0;
    }
  }

  /**
   * Starts the cluster and the background load.
   *
   * @throws Exception if it cannot start
   */
  @Setup(Level.Trial)
  public void setUp() throws Exception {
    cluster = Cluster.create(impl, weftSnapshots);
    System.out.printf("%n[%s] %s; background load %,d/s%n", impl, cluster.settings(), rate);
    running = true;
    generator = Thread.ofPlatform().daemon().name("load").start(this::generate);
  }

  private void generate() {
    double perMilli = rate / 1000.0;
    double owed = 0;
    long background = Long.MIN_VALUE;
    long next = System.nanoTime();
    while (running) {
      owed += perMilli;
      for (; owed >= 1; owed--) {
        if (outstanding.sum() >= OUTSTANDING) {
          shed.increment();
          continue;
        }
        outstanding.increment();
        offered.increment();
        cluster
            .submit(Cluster.command(background++))
            .whenComplete(
                (r, e) -> {
                  outstanding.decrement();
                  if (e != null) {
                    failed.increment();
                  }
                });
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
   * Submits one fresh command and waits until it is applied, or counts its failure.
   *
   * @param counts the iteration's counters
   * @return the result, so it is not dead code
   */
  @Benchmark
  public Object oneCommand(Counts counts) {
    Object result;
    try {
      result = cluster.submit(Cluster.command(seq++)).join();
    } catch (RuntimeException e) {
      failed.increment();
      result = e;
    }
    counts.update(this);
    return result;
  }
}
