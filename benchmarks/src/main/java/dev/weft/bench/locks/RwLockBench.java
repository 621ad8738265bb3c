package dev.weft.bench.locks;

import dev.weft.bench.Batch;
import java.util.SplittableRandom;
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
 * Reader-writer strategies, {@code ReentrantReadWriteLock}, {@code StampedLock} with optimistic
 * reads and weft's {@code RWMutex} with read locks and with optimistic reads, in the shape of
 * {@link LockBench}, with {@code readPercent} of the operations reads. Each thread follows a fixed
 * shuffled pattern of 100 reads and writes, so the share is exact and choosing costs an array read.
 * Run together with {@link LockBench}, whose exclusive locks treat reads as writes, so that its
 * figures are the baseline at every read share.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms256m", "-Xmx256m"})
public class RwLockBench {
  @Param({"ReentrantReadWriteLock", "StampedLock-optimistic", "RWMutex", "RWMutex-optimistic"})
  public String lock;

  @Param({"0", "90", "99"})
  public int readPercent;

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

  private ReadWrite guarded;
  private boolean[][] patterns;

  @Setup(Level.Trial)
  public void setUp() {
    guarded = ReadWrite.of(lock);
    patterns = new boolean[threads][];
    for (int i = 0; i < threads; i++) {
      patterns[i] = pattern(readPercent, new SplittableRandom(i));
    }
  }

  @Benchmark
  @OperationsPerInvocation(LockBench.OPS)
  public long run() throws InterruptedException {
    ReadWrite g = guarded;
    long inside = critical;
    long between = outside;
    int n = threads;
    boolean[][] reads = patterns;
    Batch.run(
        kind,
        n,
        i -> {
          boolean[] isRead = reads[i];
          long seen = 0;
          int k = 0;
          for (int op = LockBench.share(i, n); op > 0; op--) {
            if (isRead[k]) {
              seen += g.read(inside);
            } else {
              g.write(inside);
            }
            k = k == isRead.length - 1 ? 0 : k + 1;
            Blackhole.consumeCPU(between);
          }
          if (seen == Long.MIN_VALUE) {
            throw new AssertionError("impossible; keeps the reads alive");
          }
        });
    return g.counter;
  }

  /** 100 slots, {@code percent} of them reads, in a random order. */
  static boolean[] pattern(int percent, SplittableRandom random) {
    if (percent < 0 || percent > 100) {
      throw new IllegalArgumentException("read percent must be 0..100: " + percent);
    }
    boolean[] slots = new boolean[100];
    for (int i = 0; i < percent; i++) {
      slots[i] = true;
    }
    for (int i = slots.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      boolean t = slots[i];
      slots[i] = slots[j];
      slots[j] = t;
    }
    return slots;
  }
}
