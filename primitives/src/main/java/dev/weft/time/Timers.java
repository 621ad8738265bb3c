package dev.weft.time;

import dev.weft.chan.Channel;
import dev.weft.chan.ReceiveChannel;
import dev.weft.internal.Durations;
import java.lang.ref.WeakReference;
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
    WeakReference<Channel<Instant>> target = new WeakReference<>(ticks);
    Scheduler.once(() -> fire(target), nanos);
    return channel;
  }

  private static void fire(WeakReference<Channel<Instant>> target) {
    Channel<Instant> ticks = target.get();
    if (ticks != null) {
      ticks.trySend(Instant.now());
    }
  }
}
