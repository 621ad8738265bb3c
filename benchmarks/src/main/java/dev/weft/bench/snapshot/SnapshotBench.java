package dev.weft.bench.snapshot;

import dev.weft.snapshot.GlobalSnapshot;
import dev.weft.snapshot.SnapshotRunner;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of taking Chandy-Lamport snapshots continuously: a busy token-passing system run by
 * {@link SnapshotRunner} (every process forwards each token it receives to a random neighbour at
 * once, over a complete graph), measured in token hops per second, with no snapshots ({@code
 * snapshotEveryMillis = 0}) and with a snapshot started every 10 ms from a rotating initiator. The
 * figure of merit is the ratio of the two in the same run; the target is at least 0.9.
 *
 * <p>Each invocation waits for {@link #HOPS} more hops, so the score is hops per second. At
 * teardown the last snapshot's token total is checked, so a broken snapshot fails the run.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
public class SnapshotBench {
  /** Token hops per invocation. */
  static final int HOPS = 100_000;

  /** 0: no snapshots; otherwise a snapshot is started every this many milliseconds. */
  @Param({"0", "10"})
  public int snapshotEveryMillis;

  @Param({"5"})
  public int processes;

  /** Tokens per process; each is a message forever in flight or being handled. */
  @Param({"20"})
  public int tokensEach;

  private SnapshotRunner<Integer, Integer> runner;
  private AtomicLong[] hops;
  private Thread snapshotter;
  private volatile boolean stopping;
  private final AtomicLong snapshots = new AtomicLong();
  private final AtomicReference<GlobalSnapshot<Integer, Integer>> last = new AtomicReference<>();
  private final AtomicReference<Throwable> snapshotFailure = new AtomicReference<>();

  /** A process that passes every token it receives to a random neighbour at once. */
  private static final class Passer implements SnapshotRunner.Process<Integer, Integer> {
    private final AtomicLong hops;
    private final SplittableRandom random;
    private int tokens;
    private long count;

    Passer(int tokens, AtomicLong hops, long seed) {
      this.tokens = tokens;
      this.hops = hops;
      this.random = new SplittableRandom(seed);
    }

    @Override
    public void start(SnapshotRunner.Outbox<Integer> out) {
      while (tokens > 0) {
        pass(out);
      }
    }

    @Override
    public void onMessage(String from, Integer token, SnapshotRunner.Outbox<Integer> out) {
      tokens += token;
      hops.setRelease(++count); // read by the benchmark thread with getAcquire
      pass(out);
    }

    private void pass(SnapshotRunner.Outbox<Integer> out) {
      List<String> to = out.outgoing();
      tokens--;
      out.send(to.get(random.nextInt(to.size())), 1);
    }

    @Override
    public Integer state() {
      return tokens;
    }
  }

  @Setup
  public void start() {
    SnapshotRunner.Builder<Integer, Integer> builder = SnapshotRunner.builder();
    hops = new AtomicLong[processes];
    for (int i = 0; i < processes; i++) {
      hops[i] = new AtomicLong();
      builder.process("p" + i, new Passer(tokensEach, hops[i], i));
    }
    runner = builder.connectAll().start();
    if (snapshotEveryMillis > 0) {
      snapshotter = Thread.ofVirtual().name("snapshotter").start(this::takeSnapshots);
    }
  }

  private void takeSnapshots() {
    long period = TimeUnit.MILLISECONDS.toNanos(snapshotEveryMillis);
    long next = System.nanoTime() + period;
    int initiator = 0;
    try {
      while (!stopping) {
        LockSupport.parkNanos(next - System.nanoTime());
        next += period;
        GlobalSnapshot<Integer, Integer> g =
            runner.snapshot("p" + (initiator++ % processes), Duration.ofSeconds(30));
        last.set(g);
        snapshots.incrementAndGet();
        if (System.nanoTime() > next) {
          next = System.nanoTime(); // a snapshot took longer than the period: start at once
        }
      }
    } catch (Throwable t) {
      if (!stopping) {
        snapshotFailure.set(t);
      }
    }
  }

  private long totalHops() {
    long sum = 0;
    for (AtomicLong h : hops) {
      sum += h.getAcquire();
    }
    return sum;
  }

  @Benchmark
  @OperationsPerInvocation(HOPS)
  public long hops() {
    long target = totalHops() + HOPS;
    long now;
    while ((now = totalHops()) < target) {
      LockSupport.parkNanos(20_000);
    }
    return now;
  }

  @TearDown
  public void stop() throws InterruptedException {
    stopping = true;
    if (snapshotter != null) {
      snapshotter.interrupt();
      snapshotter.join();
    }
    runner.close();
    if (snapshotFailure.get() != null) {
      throw new IllegalStateException("a snapshot failed", snapshotFailure.get());
    }
    if (snapshotEveryMillis > 0) {
      GlobalSnapshot<Integer, Integer> g = last.get();
      if (snapshots.get() == 0 || g == null) {
        throw new IllegalStateException("no snapshot was taken");
      }
      long total = g.states().values().stream().mapToLong(Integer::longValue).sum();
      for (List<Integer> messages : g.channels().values()) {
        total += messages.stream().mapToLong(Integer::longValue).sum();
      }
      if (total != (long) processes * tokensEach) {
        throw new IllegalStateException(
            "snapshot " + g.snapshotId() + " holds " + total + " tokens");
      }
    }
  }
}
