package dev.weft.internal;

import java.time.Duration;
import java.util.Objects;

/** Timeout arithmetic shared by weft's blocking primitives. Not exported. */
public final class Durations {
  private Durations() {}

  /**
   * Converts a timeout to nanoseconds: negative becomes 0, and one too long to count in a {@code
   * long} becomes {@link Long#MAX_VALUE}, which is effectively forever.
   *
   * @param timeout the timeout, not null
   * @return the timeout in nanoseconds, at least 0
   */
  public static long toNanos(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative()) {
      return 0;
    }
    try {
      return timeout.toNanos();
    } catch (ArithmeticException overflow) {
      return Long.MAX_VALUE;
    }
  }

  /**
   * Returns the {@link System#nanoTime()} deadline {@code nanos} from now, saturating instead of
   * overflowing, so that comparisons {@code deadline - System.nanoTime() <= 0} stay correct.
   *
   * @param nanos the timeout in nanoseconds, at least 0
   * @return the deadline
   */
  public static long deadline(long nanos) {
    long now = System.nanoTime();
    return nanos >= Long.MAX_VALUE / 2 ? now + Long.MAX_VALUE / 2 : now + nanos;
  }
}
