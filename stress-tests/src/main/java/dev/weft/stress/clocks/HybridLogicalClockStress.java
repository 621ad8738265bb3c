package dev.weft.stress.clocks;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;

import dev.weft.clocks.HybridLogicalClock;
import dev.weft.clocks.HybridTimestamp;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;
import org.openjdk.jcstress.infra.results.ZZ_Result;

/**
 * HybridLogicalClock: concurrent now() and update() calls get distinct, strictly increasing
 * timestamps. The physical clock is frozen at 1000 ms unless a test moves it, so the counter does
 * the work; results are counters (wall part checked to be 1000, else -1).
 */
public final class HybridLogicalClockStress {
  private HybridLogicalClockStress() {}

  private static final long PT = 1_000;

  private static int counterAt1000(HybridTimestamp t) {
    return t.wallMillis() == PT ? t.logical() : -1;
  }

  /** Two racing now() calls: counters 0 and 1 in some order, never the same. */
  @JCStressTest
  @Outcome(
      id = {"0, 1", "1, 0"},
      expect = ACCEPTABLE,
      desc = "one call after the other")
  @State
  public static class NowNow {
    private final HybridLogicalClock clock = new HybridLogicalClock(() -> PT, 100);

    @Actor
    public void first(II_Result r) {
      r.r1 = counterAt1000(clock.now());
    }

    @Actor
    public void second(II_Result r) {
      r.r2 = counterAt1000(clock.now());
    }
  }

  /**
   * now() races update((1000, 5)). now first: (1000, 0), then max((1000, 0), (1000, 5)) + 1 =
   * (1000, 6). update first: (1000, 6), then now gives (1000, 7).
   */
  @JCStressTest
  @Outcome(id = "0, 6", expect = ACCEPTABLE, desc = "now, then update")
  @Outcome(id = "7, 6", expect = ACCEPTABLE, desc = "update, then now")
  @State
  public static class NowUpdate {
    private final HybridLogicalClock clock = new HybridLogicalClock(() -> PT, 100);

    @Actor
    public void sender(II_Result r) {
      r.r1 = counterAt1000(clock.now());
    }

    @Actor
    public void receiver(II_Result r) {
      r.r2 = counterAt1000(clock.update(new HybridTimestamp(PT, 5)));
    }
  }

  /**
   * Two calls in each of two threads while one thread also moves the physical clock forward. The
   * arbiter checks (1) each thread's two timestamps increase and (2) all four are distinct.
   */
  @JCStressTest
  @Outcome(id = "true, true", expect = ACCEPTABLE, desc = "increasing in each thread, all distinct")
  @State
  public static class IncreasingWhilePhysicalAdvances {
    private final AtomicLong physical = new AtomicLong(PT);
    private final HybridLogicalClock clock = new HybridLogicalClock(physical::get, 100);
    private long a;
    private long b;
    private long c;
    private long d;

    @Actor
    public void advancing() {
      a = clock.now().pack();
      physical.incrementAndGet();
      b = clock.update(new HybridTimestamp(PT, 3)).pack();
    }

    @Actor
    public void steady() {
      c = clock.now().pack();
      d = clock.now().pack();
    }

    @Arbiter
    public void check(ZZ_Result r) {
      r.r1 = a < b && c < d;
      r.r2 = a != c && a != d && b != c && b != d;
    }
  }
}
