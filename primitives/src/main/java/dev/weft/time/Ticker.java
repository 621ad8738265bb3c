package dev.weft.time;

import dev.weft.chan.Channel;
import dev.weft.chan.ReceiveChannel;
import dev.weft.internal.Durations;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.locks.ReentrantLock;

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
  private final Channel<Instant> ticks = Channel.make(1);
  private final TickerChannel channel = new TickerChannel(ticks, this);
  private final ReentrantLock lock = new ReentrantLock();
  private ScheduledFuture<?> task; // guarded by lock
  private long generation; // guarded by lock; a task of an older generation delivers nothing
  private boolean stopped; // guarded by lock

  private Ticker() {}

  /**
   * Starts a ticker whose first tick comes one {@code period} from now.
   *
   * @param period the time between ticks, positive
   * @return the running ticker
   * @throws IllegalArgumentException if {@code period} is zero or negative
   */
  public static Ticker every(Duration period) {
    Ticker t = new Ticker();
    t.reset(period);
    return t;
  }

  /**
   * Returns the channel the ticks arrive on (Go's {@code ticker.C}).
   *
   * @return the tick channel, holding at most one tick
   */
  public ReceiveChannel<Instant> channel() {
    return channel;
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
    lock.lock();
    try {
      cancelLocked();
      stopped = false;
      long gen = generation;
      task = Scheduler.every(new Tick(new WeakReference<>(this), gen), nanos);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Stops the ticker: after this returns, no tick is delivered, and one pending is discarded.
   * Stopping a stopped ticker does nothing.
   */
  public void stop() {
    lock.lock();
    try {
      cancelLocked();
      stopped = true;
    } finally {
      lock.unlock();
    }
  }

  /** Same as {@link #stop()}. */
  @Override
  public void close() {
    stop();
  }

  private void cancelLocked() {
    generation++;
    if (task != null) {
      task.cancel(false);
      task = null;
    }
    ticks.tryReceive(); // Go 1.23: no stale tick after stop or reset
  }

  /** Called on the scheduler thread. */
  private void deliver(long gen) {
    lock.lock();
    try {
      if (gen == generation && !stopped) {
        ticks.trySend(Instant.now()); // full: the receiver is behind, so this tick is dropped
      }
    } finally {
      lock.unlock();
    }
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
   * collected; a task that finds its ticker gone cancels itself by throwing, which is how a
   * periodic task ends in a ScheduledThreadPoolExecutor.
   */
  private static final class Tick implements Runnable {
    private final WeakReference<Ticker> ticker;
    private final long generation;

    Tick(WeakReference<Ticker> ticker, long generation) {
      this.ticker = ticker;
      this.generation = generation;
    }

    @Override
    public void run() {
      Ticker t = ticker.get();
      if (t == null) {
        throw new CollectedException();
      }
      t.deliver(generation);
    }
  }

  /** Ends the periodic task of a collected ticker; never seen by users. */
  private static final class CollectedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    CollectedException() {
      super("ticker collected", null, false, false);
    }
  }
}
