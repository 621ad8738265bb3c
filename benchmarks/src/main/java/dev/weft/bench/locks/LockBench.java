package dev.weft.bench.locks;

import dev.weft.bench.Batch;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * Mutual-exclusion strategies compared in one run: {@code synchronized}, {@code ReentrantLock}
 * (unfair and fair), {@code Semaphore(1)}, {@code StampedLock}'s write lock, weft's {@code Mutex},
 * and every spin lock of {@code dev.weft.sync.locks}. Each operation acquires, works {@code
 * critical} {@link Blackhole#consumeCPU} tokens, increments a shared counter, releases, then works
 * {@code outside} tokens. {@code threads} threads of {@code kind} share {@link #OPS} operations per
 * invocation (fresh threads each invocation, see {@link Batch}); the score is total throughput in
 * operations per microsecond, that is millions per second.
 *
 * <p>The annotations give the full profile's grid; {@link LockLab} runs it and the quick profile (a
 * smaller grid, through {@code -p}) and turns the JSON into a report.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms256m", "-Xmx256m"})
public class LockBench {
  /** Operations per invocation, shared among the threads. */
  public static final int OPS = 1 << 15;

  @Param({
    "synchronized",
    "ReentrantLock",
    "ReentrantLock-fair",
    "Semaphore",
    "StampedLock-write",
    "Mutex",
    "TasLock",
    "TtasLock",
    "BackoffLock",
    "TicketLock",
    "McsLock",
    "ClhLock"
  })
  public String lock;

  @Param({"1", "2", "4", "8"})
  public int threads;

  @Param({"platform", "virtual"})
  public String kind;

  /** Work inside the lock, in consumeCPU tokens. */
  @Param({"10", "100", "1000"})
  public int critical;

  /** Work between two acquisitions, in consumeCPU tokens. */
  @Param({"0", "1000"})
  public int outside;

  private Exclusive guarded;

  @Setup(Level.Trial)
  public void setUp() {
    guarded = Exclusive.of(lock);
  }

  @Benchmark
  @OperationsPerInvocation(OPS)
  public long run() throws InterruptedException {
    Exclusive g = guarded;
    long inside = critical;
    long between = outside;
    int n = threads;
    Batch.run(
        kind,
        n,
        i -> {
          for (int op = share(i, n); op > 0; op--) {
            g.update(inside);
            Blackhole.consumeCPU(between);
          }
        });
    return g.counter;
  }

  /** Thread {@code i}'s share of {@link #OPS} among {@code n}; the shares add up to OPS. */
  static int share(int i, int n) {
    return OPS / n + (i < OPS % n ? 1 : 0);
  }
}
