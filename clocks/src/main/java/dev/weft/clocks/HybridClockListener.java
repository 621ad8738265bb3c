package dev.weft.clocks;

/**
 * Receives reports of the unusual events of a {@link HybridLogicalClock}: the physical clock
 * stepping backwards, a peer rejected for being too far ahead, and the logical counter carrying
 * into the wall-clock part. Every method has an empty default; implement the ones you need.
 *
 * <p>Called synchronously on the thread whose {@code now()} or {@code update(...)} call noticed the
 * event, before that call returns. A listener should be quick and must not call the same clock. An
 * exception it throws propagates to that call: from {@link #physicalClockBackwards} and {@link
 * #peerRejected} the clock is then unchanged; from {@link #logicalOverflow} the carried timestamp
 * has already been issued and is lost to the caller, but later timestamps still exceed it.
 */
public interface HybridClockListener {
  /**
   * The physical clock read less than an earlier reading, for example after an NTP step. The hybrid
   * clock is unaffected (its wall part does not go back; the counter advances instead until
   * physical time catches up); this report is for monitoring. Each backwards step is normally
   * reported once.
   *
   * @param previousMillis the largest earlier reading this clock had seen
   * @param currentMillis the reading now, smaller than {@code previousMillis}
   */
  default void physicalClockBackwards(long previousMillis, long currentMillis) {}

  /**
   * {@link HybridLogicalClock#update(HybridTimestamp)} is about to throw {@code rejection}, leaving
   * the clock unchanged, because the remote timestamp is too far ahead of the physical clock.
   *
   * @param rejection the exception about to be thrown, with the remote timestamp and the offsets
   */
  default void peerRejected(ClockOffsetException rejection) {}

  /**
   * The logical counter would have passed 65535, so the clock carried into the wall-clock part: it
   * issued {@code carried}, whose wall part is one millisecond ahead of the one before it and whose
   * counter is 0. The wall part then runs ahead of the physical clock until that catches up.
   *
   * @param carried the timestamp issued by the carry
   */
  default void logicalOverflow(HybridTimestamp carried) {}

  /**
   * Returns a listener that ignores every report; the default for a clock built without one.
   *
   * @return the silent listener
   */
  static HybridClockListener none() {
    return SilentHybridClockListener.INSTANCE;
  }

  /**
   * Returns a listener that logs each report at {@link System.Logger.Level#WARNING} through the
   * {@link System.Logger} named {@code dev.weft.clocks.HybridLogicalClock}.
   *
   * @return the logging listener
   */
  static HybridClockListener logging() {
    return LoggingHybridClockListener.INSTANCE;
  }
}
