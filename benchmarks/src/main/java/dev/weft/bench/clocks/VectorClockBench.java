package dev.weft.bench.clocks;

import dev.weft.clocks.Causality;
import dev.weft.clocks.VectorClock;
import java.util.Iterator;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * {@link VectorClock} compare and merge against a naive vector clock on a {@link TreeMap}, for two
 * concurrent clocks over {@code processes} processes. {@code ids=shared}: both clocks descend from
 * one history and share their id array (one process's successive clocks); {@code ids=separate}: one
 * was decoded from bytes, as a clock received in a message is. Target: under 50 ns at 16.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
public class VectorClockBench {
  @Param({"4", "16", "64", "256"})
  public int processes;

  @Param({"shared", "separate"})
  public String ids;

  private VectorClock a;
  private VectorClock b;
  private NaiveClock naiveA;
  private NaiveClock naiveB;

  @Setup
  public void setUp() {
    SplittableRandom random = new SplittableRandom(42);
    VectorClock base = VectorClock.empty();
    for (int i = 0; i < processes; i++) {
      String p = "node-" + i;
      for (int k = 1 + random.nextInt(20); k > 0; k--) {
        base = base.increment(p);
      }
    }
    // Concurrent: each has one event the other has not seen, at opposite ends of the id order,
    // so that compare reads every entry before it can tell.
    a = base.increment(base.processes().get(0));
    b = base.increment(base.processes().get(processes - 1));
    if (ids.equals("separate")) {
      b = VectorClock.fromBytes(b.toBytes());
    }
    if (a.compare(b) != Causality.CONCURRENT) {
      throw new IllegalStateException("clocks should be concurrent");
    }
    naiveA = new NaiveClock(new TreeMap<>(a.toMap()));
    naiveB = new NaiveClock(new TreeMap<>(b.toMap()));
    if (naiveA.compare(naiveB) != Causality.CONCURRENT
        || !naiveA.merge(naiveB).entries.equals(a.merge(b).toMap())) {
      throw new IllegalStateException("the naive clock disagrees");
    }
  }

  @Benchmark
  public Causality weftCompare() {
    return a.compare(b);
  }

  @Benchmark
  public VectorClock weftMerge() {
    return a.merge(b);
  }

  @Benchmark
  public Causality treeMapCompare() {
    return naiveA.compare(naiveB);
  }

  @Benchmark
  public NaiveClock treeMapMerge() {
    return naiveA.merge(naiveB);
  }

  /** The textbook immutable vector clock on a sorted map. */
  public record NaiveClock(TreeMap<String, Long> entries) {
    NaiveClock merge(NaiveClock other) {
      TreeMap<String, Long> m = new TreeMap<>(entries);
      for (Map.Entry<String, Long> e : other.entries.entrySet()) {
        m.merge(e.getKey(), e.getValue(), Math::max);
      }
      return new NaiveClock(m);
    }

    /** A merge-join over both maps' sorted entries. */
    Causality compare(NaiveClock other) {
      Iterator<Map.Entry<String, Long>> i = entries.entrySet().iterator();
      Iterator<Map.Entry<String, Long>> j = other.entries.entrySet().iterator();
      Map.Entry<String, Long> x = i.hasNext() ? i.next() : null;
      Map.Entry<String, Long> y = j.hasNext() ? j.next() : null;
      boolean less = false;
      boolean greater = false;
      while (x != null && y != null) {
        int c = x.getKey().compareTo(y.getKey());
        if (c == 0) {
          less |= x.getValue() < y.getValue();
          greater |= x.getValue() > y.getValue();
          x = i.hasNext() ? i.next() : null;
          y = j.hasNext() ? j.next() : null;
        } else if (c < 0) {
          greater = true;
          x = i.hasNext() ? i.next() : null;
        } else {
          less = true;
          y = j.hasNext() ? j.next() : null;
        }
      }
      greater |= x != null;
      less |= y != null;
      if (less && greater) {
        return Causality.CONCURRENT;
      }
      return less ? Causality.BEFORE : greater ? Causality.AFTER : Causality.EQUAL;
    }
  }
}
