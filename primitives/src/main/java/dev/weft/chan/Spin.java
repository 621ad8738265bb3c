package dev.weft.chan;

/**
 * How long a thread spins before it parks. A partner that is running on another core usually
 * answers within a few hundred nanoseconds, far sooner than a park and unpark round trip (a few
 * microseconds for a platform thread), so a short spin saves the kernel transition; on one core
 * spinning only delays the partner, so there it is off.
 */
final class Spin {
  private static final boolean MULTICORE = Runtime.getRuntime().availableProcessors() > 1;

  /** Iterations of {@link Thread#onSpinWait()} before parking. */
  static final int BEFORE_PARK = MULTICORE ? 256 : 0;

  /** Iterations spinning on a busy channel lock before yielding the processor. */
  static final int LOCK = MULTICORE ? 64 : 1;

  private Spin() {}
}
