package dev.weft.clocks;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;

/** Logs hybrid-clock reports at WARNING; see {@link HybridClockListener#logging()}. */
enum LoggingHybridClockListener implements HybridClockListener {
  INSTANCE;

  private static final Logger LOG = System.getLogger(HybridLogicalClock.class.getName());

  @Override
  public void physicalClockBackwards(long previousMillis, long currentMillis) {
    LOG.log(
        Level.WARNING,
        "physical clock stepped back {0} ms, from {1} to {2}",
        previousMillis - currentMillis,
        previousMillis,
        currentMillis);
  }

  @Override
  public void peerRejected(ClockOffsetException rejection) {
    LOG.log(Level.WARNING, rejection.getMessage());
  }

  @Override
  public void logicalOverflow(HybridTimestamp carried) {
    LOG.log(Level.WARNING, "logical counter overflowed; carried into the wall part: {0}", carried);
  }
}
