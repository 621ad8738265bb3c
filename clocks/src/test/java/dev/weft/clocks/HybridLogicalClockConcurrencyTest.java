package dev.weft.clocks;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.testkit.DriftingClock;
import dev.weft.testkit.ThreadKind;
import dev.weft.testkit.Workers;
import java.util.Arrays;
import java.util.Comparator;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongSupplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Concurrent callers of one hybrid clock: every call returns a distinct timestamp, each thread sees
 * its own strictly increasing, and a call that starts after another returned gets a larger one
 * (linearizability of the clock's order).
 */
class HybridLogicalClockConcurrencyTest {
  private static final int THREADS = 4;
  private static final int CALLS = 30_000;

  /** One call: when it started and ended (System.nanoTime) and what it returned, packed. */
  private record Call(long start, long end, long packed) {}

  private static void hammer(ThreadKind kind, LongSupplier physical) throws Exception {
    AtomicInteger carries = new AtomicInteger();
    HybridLogicalClock clock =
        new HybridLogicalClock(
            physical,
            1_000,
            new HybridClockListener() {
              @Override
              public void logicalOverflow(HybridTimestamp carried) {
                carries.incrementAndGet();
              }
            });
    AtomicLongArray published = new AtomicLongArray(THREADS); // each thread's latest, for peers
    Call[][] calls = new Call[THREADS][CALLS];
    try (Workers w = new Workers(kind)) {
      w.startAll(
          "caller",
          THREADS,
          t -> {
            HybridTimestamp previous = HybridTimestamp.ZERO;
            for (int i = 0; i < CALLS; i++) {
              long start = System.nanoTime();
              HybridTimestamp ts;
              if (i % 4 == 3) {
                HybridTimestamp remote = HybridTimestamp.unpack(published.get((t + 1) % THREADS));
                ts = clock.update(remote);
                if (!ts.isAfter(remote)) {
                  throw new AssertionError(ts + " not after the remote " + remote);
                }
              } else {
                ts = clock.now();
              }
              long end = System.nanoTime();
              if (!ts.isAfter(previous)) {
                throw new AssertionError(ts + " after " + previous + " in one thread");
              }
              published.set(t, ts.pack());
              calls[t][i] = new Call(start, end, ts.pack());
              previous = ts;
            }
          });
    }
    Call[] all = Arrays.stream(calls).flatMap(Arrays::stream).toArray(Call[]::new);
    long[] values = Arrays.stream(all).mapToLong(Call::packed).sorted().toArray();
    for (int i = 1; i < values.length; i++) {
      int at = i;
      assertTrue(
          values[i - 1] != values[i],
          () -> HybridTimestamp.unpack(values[at]) + " returned to two calls");
    }
    // Real-time order: sweep calls by start; every call that ended before it started is smaller.
    Call[] byEnd = all.clone();
    Arrays.sort(byEnd, Comparator.comparingLong(Call::end));
    Arrays.sort(all, Comparator.comparingLong(Call::start));
    long maxEnded = Long.MIN_VALUE;
    int e = 0;
    for (Call c : all) {
      while (e < byEnd.length && byEnd[e].end() < c.start()) {
        maxEnded = Math.max(maxEnded, byEnd[e].packed());
        e++;
      }
      long bound = maxEnded;
      assertTrue(
          maxEnded == Long.MIN_VALUE || c.packed() > bound,
          () ->
              HybridTimestamp.unpack(c.packed())
                  + " is not after "
                  + HybridTimestamp.unpack(bound)
                  + ", returned before the call began");
    }
    if (physical instanceof FrozenClock) {
      // 120,000 events in one millisecond: the counter must have carried.
      assertTrue(carries.get() >= 1, "carries: " + carries.get());
    }
  }

  /** A physical clock that never moves: every timestamp comes from the counter. */
  private record FrozenClock(long millis) implements LongSupplier {
    @Override
    public long getAsLong() {
      return millis;
    }
  }

  @ParameterizedTest
  @EnumSource(ThreadKind.class)
  void frozenPhysicalClockExercisesTheCounterAndItsCarry(ThreadKind kind) throws Exception {
    hammer(kind, new FrozenClock(1_700_000_000_000L));
  }

  @ParameterizedTest
  @EnumSource(ThreadKind.class)
  void realPhysicalClock(ThreadKind kind) throws Exception {
    hammer(kind, System::currentTimeMillis);
  }

  @ParameterizedTest
  @EnumSource(ThreadKind.class)
  void driftingClockThatStepsBackwards(ThreadKind kind) throws Exception {
    AtomicLong trueTime = new AtomicLong(1_700_000_000_000L);
    DriftingClock drifting = new DriftingClock(trueTime::get, 0, 0.01);
    AtomicInteger reads = new AtomicInteger();
    hammer(
        kind,
        () -> {
          int n = reads.incrementAndGet();
          if (n % 1_000 == 0) {
            trueTime.incrementAndGet();
          }
          if (n % 20_000 == 0) {
            drifting.step(-5);
          }
          return drifting.getAsLong();
        });
  }
}
