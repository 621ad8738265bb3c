package dev.weft.sync;

import java.lang.System.Logger.Level;

/**
 * Receives reports of threads that waited longer than a threshold for a lock.
 *
 * <p>Called on the waiting thread, once per wait that crosses the threshold, while that thread is
 * still waiting (the wait resumes when the listener returns). A listener should be quick and must
 * not try to acquire the lock that is being waited for. Exceptions it throws propagate to the
 * waiting thread's lock call, which then has not acquired the lock.
 */
@FunctionalInterface
public interface SlowWaitListener {
  /**
   * Called when a wait crosses the threshold.
   *
   * @param report who waits, for how long, and who holds the lock
   */
  void onSlowWait(SlowWait report);

  /**
   * The default listener: logs each report at {@link Level#WARNING} through the {@link
   * System.Logger} named {@code dev.weft.sync.Mutex}.
   *
   * @return the logging listener
   */
  static SlowWaitListener logging() {
    return LoggingSlowWaitListener.INSTANCE;
  }
}
