package dev.weft.time;

import dev.weft.chan.Channel;
import dev.weft.chan.ReceiveChannel;
import dev.weft.internal.Durations;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * One-shot timers, like Go's {@code time.After}.
 *
 * {@snippet :
 * String r = Select.select(
 *     replies.onReceive(reply -> reply),
 *     Timers.after(Duration.ofMillis(500)).onReceive(t -> "timed out"));
 * }
 *
 * <p>Timers share the single scheduler thread of {@link Ticker}. A timer whose channel is no longer
 * referenced can be garbage-collected before it fires.
 */
public final class Timers {
  private Timers() {}

  /**
   * Returns a channel that receives the time once, {@code delay} from now, and nothing after.
   *
   * @param delay how long until the value is sent; zero or negative sends it at once
   * @return the channel, never closed
   */
  public static ReceiveChannel<Instant> after(Duration delay) {
    Objects.requireNonNull(delay, "delay");
    Channel<Instant> ticks = Channel.make(1);
    TickerChannel channel = new TickerChannel(ticks, null);
    long nanos = Durations.toNanos(delay);
    if (nanos == 0) {
      ticks.trySend(Instant.now());
      return channel;
    }
    Scheduler.once(new Fire(ticks), nanos);
    return channel;
  }

  /** Sends the time once; holds the channel weakly, so that a forgotten timer can be collected. */
  private static final class Fire extends Scheduler.Task<Channel<Instant>> {
    Fire(Channel<Instant> ticks) {
      super(ticks, 0);
    }

    @Override
    void run(Channel<Instant> ticks) {
      ticks.trySend(Instant.now());
    }
  }
}
