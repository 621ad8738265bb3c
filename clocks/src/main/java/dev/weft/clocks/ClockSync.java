package dev.weft.clocks;

import java.util.Collection;
import java.util.Objects;

/**
 * Clock-synchronisation arithmetic over {@link ClockSample}s and paired clock readings: choosing
 * the best of several samples, and checking δ-synchronisation, {@code |Ci(t) - Cj(t)| <= δ}.
 *
 * {@snippet :
 * List<ClockSample> samples = ...;                      // several exchanges with one server
 * long offset = ClockSync.best(samples).offset();       // the tightest estimate
 * ClockSync.Verdict v = ClockSync.checkDelta(samples, 5); // within 5 units at every sample?
 * }
 *
 * <p>This is the arithmetic of Cristian's algorithm (Cristian, "Probabilistic Clock
 * Synchronization", Distributed Computing 1989) and of NTP's clock filter (Mills, RFC 5905 §10),
 * which trusts the sample with the lowest round-trip delay. It does no I/O and keeps no state.
 */
public final class ClockSync {
  /** What a series of samples says about whether two clocks stayed within δ of each other. */
  public enum Verdict {
    /** At every sample the offset was within δ, whatever the split of the network delay. */
    WITHIN,
    /** At some sample the offset exceeded δ, whatever the split of the network delay. */
    EXCEEDED,
    /** The samples are consistent with both: the network delay is too large to tell. */
    UNDETERMINED
  }

  private ClockSync() {}

  /**
   * Returns the valid sample with the lowest round-trip delay, whose offset is the most certain;
   * among equals, the first. Invalid samples ({@link ClockSample#isValid()}) are skipped.
   *
   * @param samples the samples, in any order
   * @return the best sample
   * @throws IllegalArgumentException if there is no valid sample
   * @throws NullPointerException if {@code samples} is null or contains null
   * @throws ArithmeticException if a sample's arithmetic overflows
   */
  public static ClockSample best(Collection<ClockSample> samples) {
    ClockSample best = null;
    long bestDelay = Long.MAX_VALUE;
    for (ClockSample s : samples) {
      Objects.requireNonNull(s, "sample");
      if (s.isValid()) {
        long d = s.roundTripDelay();
        if (best == null || d < bestDelay) {
          best = s;
          bestDelay = d;
        }
      }
    }
    if (best == null) {
      throw new IllegalArgumentException(
          "no valid clock sample among " + samples.size() + " (all had a negative delay)");
    }
    return best;
  }

  /**
   * Checks δ-synchronisation of the client's and server's clocks over a series of samples: at each
   * sample the true offset lies in [{@link ClockSample#minOffset()}, {@link
   * ClockSample#maxOffset()}], and the clocks were within δ there if that interval lies in [-δ, δ].
   *
   * @param samples the samples, taken over the period to check
   * @param delta the allowed difference δ, in the samples' unit
   * @return {@link Verdict#WITHIN} if every interval lies within [-δ, δ], {@link Verdict#EXCEEDED}
   *     if some interval lies wholly outside it, else {@link Verdict#UNDETERMINED}
   * @throws IllegalArgumentException if {@code delta} is negative, or no sample is valid
   * @throws NullPointerException if {@code samples} is null or contains null
   * @throws ArithmeticException if a sample's arithmetic overflows
   */
  public static Verdict checkDelta(Collection<ClockSample> samples, long delta) {
    checkDelta(delta);
    boolean within = true;
    boolean any = false;
    for (ClockSample s : samples) {
      Objects.requireNonNull(s, "sample");
      if (!s.isValid()) {
        continue;
      }
      any = true;
      long lo = s.minOffset();
      long hi = s.maxOffset();
      if (lo > delta || hi < -delta) {
        return Verdict.EXCEEDED;
      }
      within &= lo >= -delta && hi <= delta;
    }
    if (!any) {
      throw new IllegalArgumentException("no valid clock sample among " + samples.size());
    }
    return within ? Verdict.WITHIN : Verdict.UNDETERMINED;
  }

  /**
   * Returns the largest difference between two clocks read at the same instants: {@code max |ci[k]
   * - cj[k]|}, 0 for no readings.
   *
   * @param ci readings of clock i
   * @param cj readings of clock j at the same instants
   * @return the largest absolute difference
   * @throws IllegalArgumentException if the arrays differ in length
   * @throws ArithmeticException if a difference overflows
   */
  public static long maxSkew(long[] ci, long[] cj) {
    if (ci.length != cj.length) {
      throw new IllegalArgumentException(
          "readings differ in number: " + ci.length + " and " + cj.length);
    }
    long max = 0;
    for (int k = 0; k < ci.length; k++) {
      max = Math.max(max, Math.absExact(Math.subtractExact(ci[k], cj[k])));
    }
    return max;
  }

  /**
   * Tells whether two clocks read at the same instants were δ-synchronised: {@code |ci[k] - cj[k]|
   * <= δ} for every {@code k}.
   *
   * @param ci readings of clock i
   * @param cj readings of clock j at the same instants
   * @param delta the allowed difference δ
   * @return {@code maxSkew(ci, cj) <= delta}
   * @throws IllegalArgumentException if the arrays differ in length or {@code delta} is negative
   * @throws ArithmeticException if a difference overflows
   */
  public static boolean isDeltaSynchronized(long[] ci, long[] cj, long delta) {
    checkDelta(delta);
    return maxSkew(ci, cj) <= delta;
  }

  private static void checkDelta(long delta) {
    if (delta < 0) {
      throw new IllegalArgumentException("δ must not be negative: " + delta);
    }
  }
}
