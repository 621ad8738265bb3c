package dev.weft.chan;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Threshold;

/**
 * A JDK Flight Recorder event: a send, receive or select that had to wait, recorded when the wait
 * lasted at least the threshold (20 ms unless a recording's settings say otherwise). No stack trace
 * by default; a recording can switch it on with the {@code stackTrace} setting.
 *
 * <p>Only the blocking path creates one, after the fast path found nothing ready, so a channel
 * operation that does not wait never touches it. With no recording running, {@link #begin()},
 * {@link #end()} and {@link #shouldCommit()} do nothing and the JIT removes the allocation.
 *
 * <p>Kept in a file of its own so that the channel files can be copied with it (the README's copy
 * table); it needs the JDK's {@code jdk.jfr} module, which the class path always has.
 */
@Name(ChannelBlockedEvent.NAME)
@Label("Channel Blocked")
@Category({"weft", "Channels"})
@Description("A channel send, receive or select that waited at least the threshold")
@StackTrace(false)
@Threshold("20 ms")
final class ChannelBlockedEvent extends Event {
  static final String NAME = "dev.weft.ChannelBlocked";

  @Label("Channel")
  @Description("The channel's identity: its number in the order channels were made")
  long channel;

  @Label("Capacity")
  @Description("The channel's buffer size: 0 unbuffered, 2147483647 unlimited, -1 for a select")
  int capacity;

  @Label("Operation")
  @Description("send, receive or select")
  String operation;

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
  private static final ChannelBlockedEvent OFF = new ChannelBlockedEvent();

  /** Starts timing a wait. */
  static ChannelBlockedEvent start() {
    if (!ENABLED) {
      return OFF;
    }
    ChannelBlockedEvent event = new ChannelBlockedEvent();
    if (!event.isEnabled()) {
      // No recording wants it: do not time the wait. Beginning an event reads the clock even when
      // it is disabled, which cost about 55 ns a site with a recording running (EventSiteBench).
      return OFF;
    }
    event.begin();
    return event;
  }

  /** Ends the wait and commits the event if a recording wants it (enabled, above threshold). */
  void finish(long channel, int capacity, String operation) {
    if (!ENABLED || this == OFF) {
      return;
    }
    end();
    if (shouldCommit()) {
      this.channel = channel;
      this.capacity = capacity;
      this.operation = operation;
      commit();
    }
  }
}
