package dev.weft.testkit;

import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * A simulated physical clock with a controllable offset (skew) and rate error (drift), read from a
 * reference "true time" that the test controls: between adjustments, {@code C(t) = C(t₀) + (1 +
 * ρ)(t - t₀)}, so {@code dC/dt = 1 + ρ}. Use it as the physical clock of the code under test.
 *
 * {@snippet :
 * AtomicLong trueTime = new AtomicLong(1_000_000);                  // the simulation's real time
 * DriftingClock fast = new DriftingClock(trueTime::get, +40, 1e-4); // 40 ahead, gains 100 ppm
 * DriftingClock slow = new DriftingClock(trueTime::get, -25, -2e-4);
 * trueTime.addAndGet(10_000);
 * long skew = fast.getAsLong() - slow.getAsLong();                   // 65 + 3 of drift
 * fast.step(-500);                                                   // an NTP step backwards
 * }
 *
 * <p>Readings are in the unit of the true-time source and rounded down. While {@code ρ > -1} and
 * true time does not go back, readings never decrease except through {@link #step}. The clock is
 * thread-safe: readings may race with {@link #step} and {@link #setDrift}, and each reading uses
 * either the old or the new setting.
 */
public final class DriftingClock implements LongSupplier {
  /** One linear piece of the clock: anchored at a true time and a reading there. */
  private record Segment(long anchorTrue, long anchorReading, double drift) {
    long at(long trueTime) {
      long elapsed = trueTime - anchorTrue;
      return anchorReading + elapsed + (long) Math.floor(elapsed * drift);
    }
  }

  private final LongSupplier trueTime;
  private volatile Segment segment; // replaced whole, under the lock, by step and setDrift

  /**
   * Creates a clock that reads {@code trueTime + offset} now and runs at rate {@code 1 + drift}.
   *
   * @param trueTime the reference time, for example an {@code AtomicLong}'s {@code get} or {@code
   *     System::currentTimeMillis}
   * @param offset how far ahead of true time the clock starts (negative: behind)
   * @param drift ρ, the rate error: {@code 1e-4} gains 100 parts per million
   * @throws IllegalArgumentException if {@code drift <= -1} (the clock would stop or run backwards)
   *     or is not finite
   */
  public DriftingClock(LongSupplier trueTime, long offset, double drift) {
    this.trueTime = Objects.requireNonNull(trueTime, "trueTime");
    checkDrift(drift);
    long now = trueTime.getAsLong();
    this.segment = new Segment(now, Math.addExact(now, offset), drift);
  }

  /**
   * Returns the clock's reading at the current true time.
   *
   * @return the reading, rounded down
   */
  @Override
  public long getAsLong() {
    return segment.at(trueTime.getAsLong());
  }

  /**
   * Steps the clock by {@code delta} at once, as NTP does for a large error; a negative {@code
   * delta} makes it go backwards.
   *
   * @param delta the jump
   */
  public synchronized void step(long delta) {
    long now = trueTime.getAsLong();
    Segment s = segment;
    segment = new Segment(now, Math.addExact(s.at(now), delta), s.drift());
  }

  /**
   * Changes the rate from now on; the reading is continuous across the change.
   *
   * @param drift the new ρ
   * @throws IllegalArgumentException if {@code drift <= -1} or is not finite
   */
  public synchronized void setDrift(double drift) {
    checkDrift(drift);
    long now = trueTime.getAsLong();
    segment = new Segment(now, segment.at(now), drift);
  }

  /**
   * Returns the current rate error ρ.
   *
   * @return ρ
   */
  public double drift() {
    return segment.drift();
  }

  /**
   * Returns how far the clock is ahead of true time now: {@code getAsLong() - t}.
   *
   * @return the current offset (negative: behind)
   */
  public long offset() {
    long now = trueTime.getAsLong();
    return segment.at(now) - now;
  }

  private static void checkDrift(double drift) {
    if (!(drift > -1) || Double.isInfinite(drift)) {
      throw new IllegalArgumentException("drift must be finite and greater than -1: " + drift);
    }
  }

  @Override
  public String toString() {
    return "DriftingClock[offset=" + offset() + ", drift=" + drift() + "]";
  }
}
