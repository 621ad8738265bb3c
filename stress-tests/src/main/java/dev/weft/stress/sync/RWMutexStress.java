package dev.weft.stress.sync;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;

import dev.weft.sync.Guard;
import dev.weft.sync.RWMutex;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * RWMutex: a reader, locked or optimistic, never sees half of a write; two writers exclude each
 * other.
 */
public final class RWMutexStress {
  private RWMutexStress() {}

  /** A writer sets x then y; a reader reads both under the read lock and must see 0,0 or 1,1. */
  @JCStressTest
  @Outcome(id = "0, 0", expect = ACCEPTABLE, desc = "the read came first")
  @Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "the write came first")
  @State
  public static class ReaderSeesWholeWrites {
    private final RWMutex rw = new RWMutex();
    private int x;
    private int y;

    @Actor
    public void writer() {
      try (Guard g = rw.writeLock()) {
        x = 1;
        y = 1;
      }
    }

    @Actor
    public void reader(II_Result r) {
      try (Guard g = rw.readLock()) {
        r.r1 = x;
        r.r2 = y;
      }
    }
  }

  /** Two writers read-increment-write; each must see the other's write. */
  @JCStressTest
  @Outcome(
      id = {"0, 1", "1, 0"},
      expect = ACCEPTABLE,
      desc = "one write after the other")
  @State
  public static class WritersExclude {
    private final RWMutex rw = new RWMutex();
    private int counter;

    private int increment() {
      try (Guard g = rw.writeLock()) {
        int seen = counter;
        counter = seen + 1;
        return seen;
      }
    }

    @Actor
    public void first(II_Result r) {
      r.r1 = increment();
    }

    @Actor
    public void second(II_Result r) {
      r.r2 = increment();
    }
  }

  /**
   * The same with an optimistic read: the body reads x and y without the lock, and its result is
   * used only if no write overlapped it; otherwise it runs again under the read lock.
   */
  @JCStressTest
  @Outcome(id = "0, 0", expect = ACCEPTABLE, desc = "the read came first")
  @Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "the write came first")
  @State
  public static class OptimisticReadSeesWholeWrites {
    private final RWMutex rw = new RWMutex();
    private int x;
    private int y;

    @Actor
    public void writer() {
      try (Guard g = rw.writeLock()) {
        x = 1;
        y = 1;
      }
    }

    @Actor
    public void reader(II_Result r) {
      long both = rw.withOptimisticRead(() -> ((long) x << 32) | y);
      r.r1 = (int) (both >>> 32);
      r.r2 = (int) both;
    }
  }
}
