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
 * between processors. On a single core spinning only delays the partner, so there it is off, and so
 * it is for virtual threads when the JDK's scheduler runs them on a single carrier ({@code
 * -Djdk.virtualThreadScheduler.parallelism=1}); on a channel where spins keep failing, it is off
 * for a while ({@link #budget(AbstractChannel)}).
 */
final class Spin {
  private static final boolean MULTICORE = Runtime.getRuntime().availableProcessors() > 1;

  /**
   * Whether virtual threads run on more than one carrier. On one, a spinning virtual thread holds
   * the carrier that its partner needs, and every spin runs out: with one carrier an unbuffered 1:1
   * transfer measured 258 ns per element without spinning against 287-289 with the skipped spins
   * and their probes (JMH, hand-off-floor.md section 6).
   */
  private static final boolean VIRTUAL_MULTICORE =
      MULTICORE
          && carriers(
                  System.getProperty("jdk.virtualThreadScheduler.parallelism"),
                  System.getProperty("jdk.virtualThreadScheduler.maxPoolSize"),
                  Runtime.getRuntime().availableProcessors())
              > 1;

  /**
   * Spin budget of a platform thread, in nanoseconds: longer than a parked platform thread takes to
   * run again after its unpark. On the 2-core VM of the benchmarks each park of a 1:1 transfer cost
   * it 29 to 43 us; a 20 us budget then ran out while a partner that had parked was still waking,
   * each such failure made the next waits park too, and unbuffered and buffered 16 transfers took
   * about 2.6 times as long as with this budget (ADR 26, third addendum).
   */
  static final long PLATFORM_NANOS = 50_000;

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

  /**
   * The brief spin of a platform thread while spinning on its channel is backed off: about as long
   * as most partners take to come when they are running (under a microsecond on the 2-core machine
   * the benchmarks ran on), far less than a park and an unpark cost a platform thread, and without
   * yields. See {@link #brief()}.
   */
  static final long BRIEF_NANOS = 1_000;

  /** The longest pause, in {@link Thread#onSpinWait()} calls, between two polls of a ring. */
  static final int MAX_PAUSE = 32;

  /** Iterations spinning on a busy channel lock before yielding the processor. */
  static final int LOCK = MULTICORE ? 64 : 1;

  private Spin() {}

  /**
   * The most waits on a channel that skip spinning after spins there kept failing. A failed spin
   * costs a whole budget; skipping this many waits between probes makes that a few per cent of a
   * park.
   */
  static final int MAX_SKIP = 256;

  /**
   * The spin budget of the calling thread, in nanoseconds: 0 on a single core, and for a virtual
   * thread on a single carrier.
   */
  static long budget() {
    if (Thread.currentThread().isVirtual()) {
      return VIRTUAL_MULTICORE ? VIRTUAL_NANOS : 0;
    }
    return MULTICORE ? PLATFORM_NANOS : 0;
  }

  /**
   * How many carriers the JDK's default scheduler gives virtual threads, from the values of its
   * system properties (null where unset) as {@code java.lang.VirtualThread} reads them: {@code
   * parallelism}, else the number of processors, and no more than {@code maxPoolSize}. A value that
   * does not parse counts as unset (the JDK would then fail to start virtual threads at all).
   * {@code dev.weft.sync.RWSync} reads the same properties for its virtual writers: change both.
   */
  static int carriers(String parallelism, String maxPoolSize, int processors) {
    int n = parse(parallelism, processors);
    return Math.min(n, parse(maxPoolSize, Integer.MAX_VALUE));
  }

  private static int parse(String value, int unset) {
    if (value == null) {
      return unset;
    }
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      return unset;
    }
  }

  /**
   * The budget of the brief spin that a platform thread makes when {@link #budget(AbstractChannel)}
   * says to skip spinning: 0 on a single core and on a virtual thread.
   *
   * <p>Skipping the spin outright made platform threads park in runs: with more threads than cores
   * some partners come only after a yield or a time slice, each such late spin skipped the next
   * waits, and every wait skipped became a park whose unpark made the next partner late too. Four
   * senders and four receivers on 2 cores moved an element in 0.8-2.2 µs that way, against 0.55-0.7
   * µs for {@code SynchronousQueue}, which always spins a little (ADR 26's addendum). The brief
   * spin catches the partners that are running, and its successes count, so that the backoff ends.
   * A virtual thread does not spin briefly: its park costs about as much, and its spin may hold the
   * carrier its partner waits for.
   */
  static long brief() {
    return MULTICORE && !Thread.currentThread().isVirtual() ? BRIEF_NANOS : 0;
  }

  /**
   * The spin budget for a wait on {@code ch} now: the thread's budget, or 0 while spinning on this
   * channel has lately been failing. A spin fails when the partner does not come within the budget,
   * typically because it is not running: descheduled on a loaded machine, or a virtual thread
   * waiting for this very carrier. A failure costs a whole budget, a success saves a park and an
   * unpark, so spinning pays only while most spins succeed: each failure makes the next waits skip
   * spinning, four times as many as the last failure did plus one (up to {@link #MAX_SKIP}), and
   * each success halves that number, so that spinning goes on while more than about two spins in
   * three succeed. (HotSpot's monitors adapt their spinning in a similar way.) The counters are
   * plain fields, updated without synchronisation: a lost update only makes one wait spin or not.
   * {@code dev.weft.sync.RWSync} gives its virtual writers' spin the same policy: change both.
   */
  static long budget(AbstractChannel<?> ch) {
    long b = budget();
    if (b == 0) {
      return 0;
    }
    int skip = ch.spinSkip;
    if (skip > 0) {
      ch.spinSkip = skip - 1;
      return 0;
    }
    return b;
  }

  /**
   * Records how a spin on {@code ch} went: whether it paid, that is, the partner came early in the
   * budget.
   */
  static void record(AbstractChannel<?> ch, boolean success) {
    int backoff = ch.spinBackoff;
    if (success) {
      if (backoff != 0) {
        ch.spinBackoff =
            backoff >> 1; // written only on a change: a hot channel's line stays shared
      }
    } else {
      backoff = Math.min(4 * backoff + 1, MAX_SKIP);
      ch.spinBackoff = backoff;
      ch.spinSkip = backoff;
    }
  }
}
