package dev.weft.grpc;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Capped exponential backoff with jitter: how long a node waits before its next attempt to reach a
 * peer. After {@code n} failures in a row the ceiling is {@code min(max, initial * multiplier^(n -
 * 1))}, and the wait is drawn uniformly from the upper half of it, {@code [ceiling / 2, ceiling]}
 * ("equal jitter"): nodes that lost a peer at the same moment spread their attempts out, and no
 * attempt follows a failure at once.
 *
 * @param initial the ceiling after the first failure
 * @param max the largest ceiling
 * @param multiplier how much the ceiling grows per failure, at least 1
 */
public record Backoff(Duration initial, Duration max, double multiplier) {
  /** 50 ms at first, doubling, at most 2 s. */
  public static final Backoff DEFAULT =
      new Backoff(Duration.ofMillis(50), Duration.ofSeconds(2), 2);

  /**
   * Checks the settings.
   *
   * @param initial the ceiling after the first failure, positive
   * @param max the largest ceiling, at least {@code initial}
   * @param multiplier the growth per failure, at least 1 and finite
   * @throws IllegalArgumentException if a setting is out of range
   * @throws NullPointerException if a duration is null
   */
  public Backoff {
    Objects.requireNonNull(initial, "initial");
    Objects.requireNonNull(max, "max");
    if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
      throw new IllegalArgumentException("bad backoff bounds: initial " + initial + ", max " + max);
    }
    if (!(multiplier >= 1) || Double.isInfinite(multiplier)) {
      throw new IllegalArgumentException("backoff multiplier must be at least 1: " + multiplier);
    }
  }

  /**
   * The wait after {@code failures} failures in a row.
   *
   * @param failures how many attempts in a row have failed, at least 1
   * @param random where the jitter comes from
   * @return the wait, within {@code [ceiling / 2, ceiling]}
   * @throws IllegalArgumentException if {@code failures < 1}
   */
  public Duration delay(int failures, RandomGenerator random) {
    if (failures < 1) {
      throw new IllegalArgumentException("failures must be at least 1: " + failures);
    }
    double ceiling = initial.toNanos() * Math.pow(multiplier, failures - 1);
    long cap = (long) Math.min(max.toNanos(), ceiling);
    long half = cap / 2;
    return Duration.ofNanos(half + random.nextLong(cap - half + 1));
  }
}
