package dev.weft.sync;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;

/** Logs slow waits through {@link System.Logger}, the only logging API weft uses. */
final class LoggingSlowWaitListener implements SlowWaitListener {
  static final LoggingSlowWaitListener INSTANCE = new LoggingSlowWaitListener();
  private static final Logger LOG = System.getLogger("dev.weft.sync.Mutex");

  private LoggingSlowWaitListener() {}

  @Override
  public void onSlowWait(SlowWait report) {
    if (LOG.isLoggable(Level.WARNING)) {
      LOG.log(Level.WARNING, report.describe());
    }
  }
}
