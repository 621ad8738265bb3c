package dev.weft.bench.sync;

import dev.weft.bench.Batch;
import dev.weft.sync.BareMutex;
import dev.weft.sync.Guard;
import dev.weft.sync.Mutex;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * Lock, increment a shared counter, unlock: weft's {@link Mutex} against {@link ReentrantLock} and
 * {@code synchronized}, by 1 thread (uncontended) and 2 threads (contended, the shape of Go's
 * {@code BenchmarkMutex} on 2 cores), on platform and virtual threads. Reported as time per
 * lock-increment-unlock over all threads, as Go reports {@code RunParallel}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
public class MutexBench {
  @Param({"platform", "virtual"})
  public String kind;

  @Param({"1", "2"})
  public int threads;

  private final Mutex mutex = new Mutex();
  private final ReentrantLock reentrant = new ReentrantLock();
  private final Object monitor = new Object();
  private long counter;

  @Benchmark
  @OperationsPerInvocation(Batch.OPS)
  public long weftMutex() throws InterruptedException {
    int per = Batch.OPS / threads;
    Batch.run(
        kind,
        threads,
        i -> {
          for (int n = 0; n < per; n++) {
            try (Guard g = mutex.lock()) {
              counter++;
            }
          }
        });
    return counter;
  }

  @Benchmark
  @OperationsPerInvocation(Batch.OPS)
  public long reentrantLock() throws InterruptedException {
    int per = Batch.OPS / threads;
    Batch.run(
        kind,
        threads,
        i -> {
          for (int n = 0; n < per; n++) {
            reentrant.lock();
            try {
              counter++;
            } finally {
              reentrant.unlock();
            }
          }
        });
    return counter;
  }

  @Benchmark
  @OperationsPerInvocation(Batch.OPS)
  public long synchronizedBlock() throws InterruptedException {
    int per = Batch.OPS / threads;
    Batch.run(
        kind,
        threads,
        i -> {
          for (int n = 0; n < per; n++) {
            synchronized (monitor) {
              counter++;
            }
          }
        });
    return counter;
  }

  /** The uncontended fast path measured on JMH's own thread, where the timer is tightest. */
  @State(Scope.Thread)
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  @Fork(
      value = 1,
      jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
  public static class Uncontended {
    private final Mutex mutex = new Mutex();
    private final BareMutex bare = new BareMutex();
    private final ReentrantLock reentrant = new ReentrantLock();
    private final Object monitor = new Object();
    private long counter;

    @Benchmark
    public long weftMutex() {
      try (Guard g = mutex.lock()) {
        return ++counter;
      }
    }

    @Benchmark
    public long weftMutexWithLock() {
      return mutex.withLock(() -> ++counter);
    }

    /** The same lock word with no guard and no lock-order branch: the façade's whole cost. */
    @Benchmark
    public long weftBareLockWord() {
      bare.lock();
      try {
        return ++counter;
      } finally {
        bare.unlock();
      }
    }

    @Benchmark
    public long reentrantLock() {
      reentrant.lock();
      try {
        return ++counter;
      } finally {
        reentrant.unlock();
      }
    }

    @Benchmark
    public long synchronizedBlock() {
      synchronized (monitor) {
        return ++counter;
      }
    }
  }
}
