package dev.weft.bench.chan;

import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;
import org.openjdk.jmh.runner.IterationType;

/**
 * A JMH profiler that measures the cache-line round trip between two cores ({@link
 * CoreLatencyBench#probe}) just before and just after every measurement iteration, and reports both
 * as secondary metrics, {@value #BEFORE} and {@value #AFTER}, one value per iteration.
 *
 * <p>Why: on the 2-core virtual machine the benchmarks run on, the hypervisor moves the two virtual
 * CPUs between near placements (a round trip of 65-140 ns, measured over 200,000 round trips) and
 * far ones (450-550 ns) every few seconds, and the buffered channels' figures move 3-5x with it. A
 * {@code CoreLatencyBench} run at one moment of a 25-minute run says nothing about the placement
 * another benchmark met, so two peers measured minutes apart can differ by the placement alone.
 * With this profiler each iteration carries its own placement, and {@link
 * dev.weft.bench.report.ChannelReport} compares peers over iterations of the same placement.
 *
 * <p>A measurement is the median of five probes of 4,000 round trips each (2-20 ms in all), each on
 * two fresh platform threads, outside the measured time (the short probes and the thread starts
 * make them read higher than a long probe: far placements 450-1,000 ns); warm-up iterations are not
 * probed, and the profiler measures ten times when the fork starts so that the probes that count
 * run compiled code. Use with {@code -prof dev.weft.bench.chan.PlacementProfiler}.
 */
public final class PlacementProfiler implements InternalProfiler {
  /** The secondary metric of the round trip measured before an iteration, ns. */
  public static final String BEFORE = "core.rt.before";

  /** The secondary metric of the round trip measured after an iteration, ns. */
  public static final String AFTER = "core.rt.after";

  /** Round trips in one probe, and probes in one measurement (their median counts). */
  private static final int ROUNDS = 4_000;

  private static final int PROBES = 5;

  private static final int WARM_UP = 10;

  private double before;

  /** Measures a few times first, so that the probes that count run compiled code. */
  public PlacementProfiler() {
    for (int i = 0; i < WARM_UP; i++) {
      probe();
    }
  }

  @Override
  public String getDescription() {
    return "cache-line round trip between the two cores before and after each iteration";
  }

  @Override
  public void beforeIteration(BenchmarkParams benchmark, IterationParams iteration) {
    before = iteration.getType() == IterationType.MEASUREMENT ? probe() : Double.NaN;
  }

  @Override
  @SuppressWarnings("rawtypes") // JMH's interface declares the raw type
  public Collection<? extends Result> afterIteration(
      BenchmarkParams benchmark, IterationParams iteration, IterationResult result) {
    if (iteration.getType() != IterationType.MEASUREMENT) {
      return List.of();
    }
    double after = probe();
    return List.of(
        new ScalarResult(BEFORE, before, "ns", AggregationPolicy.AVG),
        new ScalarResult(AFTER, after, "ns", AggregationPolicy.AVG));
  }

  /**
   * The median of {@value #PROBES} probes, so that one disturbed by a stray thread does not count.
   */
  private static double probe() {
    try {
      double[] v = new double[PROBES];
      for (int i = 0; i < PROBES; i++) {
        v[i] = CoreLatencyBench.probe(ROUNDS);
      }
      Arrays.sort(v);
      return v[PROBES / 2];
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("placement probe interrupted", e);
    }
  }
}
