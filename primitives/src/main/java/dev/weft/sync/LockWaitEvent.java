package dev.weft.sync;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Threshold;

/**
 * A JDK Flight Recorder event: a {@link Mutex} or {@link RWMutex} acquisition that had to wait,
 * recorded when the wait lasted at least the threshold (20 ms unless a recording's settings say
 * otherwise). No stack trace by default. It sits beside the slow-wait report, which needs no
 * recording but must be switched on per mutex.
 *
 * <p>Only the waiting path creates one, after the fast path failed. With no recording running,
 * {@link #begin()}, {@link #end()} and {@link #shouldCommit()} do nothing.
 *
 * <p>Kept in a file of its own so that the mutex files can be copied with it (the README's copy
 * table); it needs the JDK's {@code jdk.jfr} module, which the class path always has.
 */
@Name(LockWaitEvent.NAME)
@Label("Lock Wait")
@Category({"weft", "Synchronisation"})
@Description("A Mutex or RWMutex acquisition that waited at least the threshold")
@StackTrace(false)
@Threshold("20 ms")
final class LockWaitEvent extends Event {
  static final String NAME = "dev.weft.LockWait";

  @Label("Lock")
  @Description("The lock's name")
  String lock;

  @Label("Mode")
  @Description("lock (a Mutex), read or write (an RWMutex)")
  String mode;

  @Label("Acquired")
  @Description("False if a timed acquisition gave up")
  boolean acquired;

  /**
   * False where the JVM runs with {@code -Ddev.weft.jfr=false}: then no event is made or timed at
   * all, and the JIT folds the emission sites away (so the benchmarks can measure what the disabled
   * events cost).
   */
  static final boolean ENABLED = !"false".equals(System.getProperty("dev.weft.jfr"));

  /**
   * What {@link #start} returns where events are switched off, or where no recording wants them
   * when the wait starts: never begun nor committed.
   */
  private static final LockWaitEvent OFF = new LockWaitEvent();

  /** Starts timing a wait. */
  static LockWaitEvent start() {
    if (!ENABLED) {
      return OFF;
    }
    LockWaitEvent event = new LockWaitEvent();
    if (!event.isEnabled()) {
      // No recording wants it: do not time the wait. Beginning an event reads the clock even when
      // it is disabled, which cost about 55 ns a site with a recording running (EventSiteBench).
      return OFF;
    }
    event.begin();
    return event;
  }

  /** Ends the wait and commits the event if a recording wants it (enabled, above threshold). */
  void finish(String lock, String mode, boolean acquired) {
    if (!ENABLED || this == OFF) {
      return;
    }
    end();
    if (shouldCommit()) {
      this.lock = lock;
      this.mode = mode;
      this.acquired = acquired;
      commit();
    }
  }
}
