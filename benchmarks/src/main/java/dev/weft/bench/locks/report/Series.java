package dev.weft.bench.locks.report;

import java.util.List;

/**
 * One line of a chart: a strategy's score at each thread count, in increasing thread order.
 *
 * @param strategy the strategy's name, as the benchmark's {@code lock} parameter gives it
 * @param points its measurements
 */
public record Series(String strategy, List<Point> points) {
  /**
   * One measurement.
   *
   * @param threads the thread count
   * @param score the throughput
   * @param error the confidence half-width, or NaN
   */
  public record Point(int threads, double score, double error) {}

  public Series {
    points = List.copyOf(points);
  }

  /** The score at {@code threads}, or NaN if not measured. */
  public double at(int threads) {
    for (Point p : points) {
      if (p.threads() == threads) {
        return p.score();
      }
    }
    return Double.NaN;
  }

  /** The point at {@code threads}, or null. */
  public Point pointAt(int threads) {
    for (Point p : points) {
      if (p.threads() == threads) {
        return p;
      }
    }
    return null;
  }

  /** The best score over all thread counts, or NaN if none is usable. */
  public double best() {
    double best = Double.NaN;
    for (Point p : points) {
      if (usable(p.score()) && !(p.score() <= best)) {
        best = p.score();
      }
    }
    return best;
  }

  /** The score at the highest thread count measured, or NaN. */
  public double last() {
    return points.isEmpty() ? Double.NaN : points.get(points.size() - 1).score();
  }

  static boolean usable(double score) {
    return score > 0 && Double.isFinite(score);
  }
}
