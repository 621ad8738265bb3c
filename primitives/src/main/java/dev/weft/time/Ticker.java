package dev.weft.time;

import dev.weft.chan.Channel;
import dev.weft.chan.ReceiveChannel;
import dev.weft.internal.Durations;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Delivers the time on a channel at a fixed period, like Go's {@code time.Ticker} (with Go 1.23's
 * semantics).
 *
 * {@snippet :
 * try (Ticker ticker = Ticker.every(Duration.ofSeconds(1))) {
 *   while (working) {
 *     Select.select(
 *         ticker.channel().onReceive(now -> report(now)),
 *         results.onReceive(r -> handle(r)));
 *   }
 * }
 * }
 *
 * <ul>
 *   <li>The channel holds at most one tick. A receiver that falls behind misses ticks, and never
 *       sees more than one stale tick.
 *   <li>After {@link #stop()} or {@link #reset(Duration)} returns, no tick from before is
 *       delivered: a pending tick is discarded, as in Go 1.23. The channel is never closed.
 *   <li>All tickers and timers share one scheduler thread. A ticker that is no longer referenced
 *       (neither the ticker nor its channel) can be garbage-collected even if never stopped; its
 *       scheduled task then cancels itself.
 * </ul>
 */
public final class Ticker implements AutoCloseable {
  // Implementation: the ticker's state is guarded by the scheduler's lock, which the timer thread
  // also holds while it delivers a tick, so that stop and reset exclude a delivery in flight. The
  // channel and its view are made on first use: a ticker stopped before anyone asked for its
  // channel (a timeout that did not fire) never allocates them.

  private Channel<Instant> ticks; // guarded by Scheduler.LOCK; made on first use
  private volatile TickerChannel view; // written under Scheduler.LOCK
  private Tick task; // guarded by Scheduler.LOCK; null when stopped

  private Ticker() {}

  /**
   * Starts a ticker whose first tick comes one {@code period} from now.
   *
   * @param period the time between ticks, positive
   * @return the running ticker
   * @throws IllegalArgumentException if {@code period} is zero or negative
   */
  public static Ticker every(Duration period) {
    long nanos = positive(period);
    Ticker t = new Ticker();
    Scheduler.LOCK.lock();
    try {
      t.startLocked(nanos);
    } finally {
      Scheduler.LOCK.unlock();
    }
    return t;
  }

  /**
   * Returns the channel the ticks arrive on (Go's {@code ticker.C}).
   *
   * @return the tick channel, holding at most one tick
   */
  public ReceiveChannel<Instant> channel() {
    TickerChannel v = view;
    if (v == null) {
      Scheduler.LOCK.lock();
      try {
        v = view;
        if (v == null) {
          v = new TickerChannel(ticksLocked(), this);
          view = v;
        }
      } finally {
        Scheduler.LOCK.unlock();
      }
    }
    return v;
  }

  /**
   * Changes the period and restarts the ticker (also after {@link #stop()}); the next tick comes
   * one new period from now, and a tick pending from before is discarded.
   *
   * @param period the new period, positive
   * @throws IllegalArgumentException if {@code period} is zero or negative
   */
  public void reset(Duration period) {
    long nanos = positive(period);
    Scheduler.LOCK.lock();
    try {
      stopLocked();
      startLocked(nanos);
    } finally {
      Scheduler.LOCK.unlock();
    }
  }

  /**
   * Stops the ticker: after this returns, no tick is delivered, and one pending is discarded.
   * Stopping a stopped ticker does nothing.
   */
  public void stop() {
    Scheduler.LOCK.lock();
    try {
      stopLocked();
    } finally {
      Scheduler.LOCK.unlock();
    }
  }

  /** Same as {@link #stop()}. */
  @Override
  public void close() {
    stop();
  }

  private void startLocked(long nanos) {
    task = new Tick(this, nanos);
    Scheduler.scheduleLocked(task, nanos);
  }

  private void stopLocked() {
    if (task != null) {
      Scheduler.cancelLocked(task);
      task = null;
    }
    if (ticks != null) {
      ticks.tryReceive(); // Go 1.23: no stale tick after stop or reset
    }
  }

  private Channel<Instant> ticksLocked() {
    if (ticks == null) {
      ticks = Channel.make(1);
    }
    return ticks;
  }

  static long positive(Duration d) {
    Objects.requireNonNull(d, "period");
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException("non-positive period: " + d);
    }
    return Durations.toNanos(d);
  }

  /**
   * The scheduled task. It holds the ticker only weakly, so an unreferenced ticker can be
   * collected; the scheduler then drops the task.
   */
  private static final class Tick extends Scheduler.Task<Ticker> {
    Tick(Ticker ticker, long period) {
      super(ticker, period);
    }

    @Override
    void run(Ticker t) {
      if (t.task == this) { // a task cancelled while due is no longer the ticker's
        // full: the receiver is behind, so this tick is dropped
        t.ticksLocked().trySend(Instant.now());
      }
    }
  }
}
