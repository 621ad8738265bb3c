package dev.weft.chan;

/**
 * How long a thread spins before it parks.
 *
 * <p>A partner that is running on another core usually answers within a microsecond, far sooner
 * than a park and unpark round trip: tens of microseconds for a platform thread, whose wake-up goes
 * through the kernel, and a microsecond or two for a virtual thread. So a waiting platform thread
 * spins for up to {@value #PLATFORM_NANOS} ns and a virtual thread, whose spinning also keeps other
 * virtual threads off its carrier, for up to {@value #VIRTUAL_NANOS} ns. The budgets are in time
 * rather than iterations because the cost of {@link Thread#onSpinWait()} differs several-fold
 * between processors. On a single core spinning only delays the partner, so there it is off.
 */
final class Spin {
  private static final boolean MULTICORE = Runtime.getRuntime().availableProcessors() > 1;

  /** Spin budget of a platform thread, in nanoseconds. */
  static final long PLATFORM_NANOS = 20_000;

  /** Spin budget of a virtual thread, in nanoseconds. */
  static final long VIRTUAL_NANOS = 5_000;

  /** Spin iterations between two reads of the clock. */
  static final int CHECK_CLOCK_EVERY = 32;

  /**
   * Spin iterations between two yields: when threads outnumber cores, the partner may be waiting
   * for this very core, and a spinning thread that never yields holds it off until its budget runs
   * out. A multiple of {@link #CHECK_CLOCK_EVERY}.
   */
  static final int YIELD_EVERY = 256;

  /** The longest pause, in {@link Thread#onSpinWait()} calls, between two polls of a ring. */
  static final int MAX_PAUSE = 32;

  /** Iterations spinning on a busy channel lock before yielding the processor. */
  static final int LOCK = MULTICORE ? 64 : 1;

  private Spin() {}

  /** The spin budget of the calling thread, in nanoseconds: 0 on a single core. */
  static long budget() {
    if (!MULTICORE) {
      return 0;
    }
    return Thread.currentThread().isVirtual() ? VIRTUAL_NANOS : PLATFORM_NANOS;
  }
}
