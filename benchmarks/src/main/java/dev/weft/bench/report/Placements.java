package dev.weft.bench.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.weft.bench.locks.report.JmhResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The iterations of a JMH run made with {@code dev.weft.bench.chan.PlacementProfiler}, sorted by
 * the placement of the two virtual CPUs that the profiler measured around each, so that peers can
 * be compared over iterations that met the same placement.
 *
 * <p>An iteration is <em>near</em> when both of its probes (the cache-line round trip measured just
 * before and just after it) took under {@value #NEAR_NS} ns, <em>far</em> when both took over
 * {@value #FAR_NS} ns, and <em>mixed</em> otherwise: the placement moved during it, a probe was
 * disturbed, or the probes fell in between. The thresholds are the 2-core virtual machine's: with
 * the profiler's probes its near placements read under 250 ns and its far ones 450-1,000, and a
 * middle cluster at 250-400 ns, which counts as mixed, showed up in one run
 * (benchmarks/results/channels/hand-off-floor.md, section 7).
 */
final class Placements {
  /** Both probes under this: a near iteration. */
  static final double NEAR_NS = 250;

  /** Both probes over this: a far iteration. */
  static final double FAR_NS = 380;

  /** Fewer iterations than this in a placement give no score for it. */
  static final int MIN_ITERATIONS = 3;

  /** Where the two virtual CPUs were during an iteration. */
  enum Placement {
    FAR,
    NEAR
  }

  /**
   * One result's measurement iterations, by placement.
   *
   * @param near the scores of its near iterations
   * @param far the scores of its far iterations
   * @param mixed how many iterations were neither
   */
  record Split(List<Double> near, List<Double> far, int mixed) {
    /** Whether the run measured placements for this result at all. */
    boolean probed() {
      return !near.isEmpty() || !far.isEmpty() || mixed > 0;
    }

    List<Double> in(Placement p) {
      return p == Placement.NEAR ? near : far;
    }

    /** The mean score over the iterations of {@code p}, or NaN if there were too few. */
    double score(Placement p) {
      List<Double> v = in(p);
      if (v.size() < MIN_ITERATIONS) {
        return Double.NaN;
      }
      double sum = 0;
      for (double x : v) {
        sum += x;
      }
      return sum / v.size();
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  private Placements() {}

  /**
   * The split of every result of a JMH JSON file, in the file's order (the order of {@link
   * JmhResult#read}); a result without the profiler's metrics has an empty split.
   *
   * @throws IOException if the file cannot be read
   * @throws IllegalArgumentException if the profiler's metrics do not match the primary metric's
   *     iterations
   */
  static List<Split> read(Path file) throws IOException {
    JsonNode rows = JSON.readTree(Files.readString(file, StandardCharsets.UTF_8));
    List<Split> splits = new ArrayList<>();
    for (JsonNode r : rows) {
      splits.add(split(r));
    }
    return splits;
  }

  private static Split split(JsonNode r) {
    JsonNode before = r.path("secondaryMetrics").path("core.rt.before").path("rawData");
    JsonNode after = r.path("secondaryMetrics").path("core.rt.after").path("rawData");
    JsonNode scores = r.path("primaryMetric").path("rawData");
    List<Double> near = new ArrayList<>();
    List<Double> far = new ArrayList<>();
    int mixed = 0;
    if (!before.isArray() || !after.isArray()) {
      return new Split(near, far, 0);
    }
    if (before.size() != scores.size() || after.size() != scores.size()) {
      throw new IllegalArgumentException(
          "placement probes for "
              + before.size()
              + " forks but scores for "
              + scores.size()
              + " in "
              + r.path("benchmark").asText());
    }
    for (int fork = 0; fork < scores.size(); fork++) {
      JsonNode s = scores.get(fork);
      JsonNode b = before.get(fork);
      JsonNode a = after.get(fork);
      if (b.size() != s.size() || a.size() != s.size()) {
        throw new IllegalArgumentException(
            "placement probes do not match the iterations of fork "
                + (fork + 1)
                + " in "
                + r.path("benchmark").asText());
      }
      for (int i = 0; i < s.size(); i++) {
        double lo = Math.min(b.get(i).asDouble(), a.get(i).asDouble());
        double hi = Math.max(b.get(i).asDouble(), a.get(i).asDouble());
        if (hi < NEAR_NS) {
          near.add(s.get(i).asDouble());
        } else if (lo > FAR_NS) {
          far.add(s.get(i).asDouble());
        } else {
          mixed++;
        }
      }
    }
    return new Split(near, far, mixed);
  }

  /** Whether any result of the run was probed. */
  static boolean probed(List<Split> splits) {
    return splits.stream().anyMatch(Split::probed);
  }

  /**
   * {@code results} with every score replaced by its mean over the iterations of placement {@code
   * p} (NaN where there were fewer than {@value #MIN_ITERATIONS}, or none were probed), so that the
   * report's comparisons can run unchanged over one placement.
   */
  static List<JmhResult> rescored(List<JmhResult> results, List<Split> splits, Placement p) {
    if (splits.size() != results.size()) {
      throw new IllegalArgumentException(
          splits.size() + " placement splits for " + results.size() + " results");
    }
    List<JmhResult> out = new ArrayList<>();
    for (int i = 0; i < results.size(); i++) {
      JmhResult r = results.get(i);
      out.add(
          new JmhResult(
              r.benchmark(),
              r.params(),
              splits.get(i).score(p),
              Double.NaN,
              r.unit(),
              r.jdk(),
              r.settings()));
    }
    return out;
  }
}
