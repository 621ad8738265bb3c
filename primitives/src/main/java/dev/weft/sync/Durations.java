package dev.weft.sync;

import java.time.Duration;
import java.util.Objects;

/** Timeout arithmetic shared by the blocking primitives. */
final class Durations {
  private Durations() {}

  /**
   * A timeout in nanoseconds: negative becomes 0, too long to count becomes effectively forever.
   */
  static long toNanos(Duration timeout) {
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
}
