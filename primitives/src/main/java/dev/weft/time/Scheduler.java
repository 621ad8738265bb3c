package dev.weft.time;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The one scheduler that every {@link Ticker} and timer shares: a single daemon platform thread,
 * started on first use. Its tasks only ever do a non-blocking {@code trySend}, so one thread is
 * enough. Cancelled tasks are removed from its queue at once.
 */
final class Scheduler {
  private static final ScheduledThreadPoolExecutor EXECUTOR = create();

  private Scheduler() {}

  private static ScheduledThreadPoolExecutor create() {
    ScheduledThreadPoolExecutor e =
        new ScheduledThreadPoolExecutor(
            1, r -> Thread.ofPlatform().name("weft-timer").daemon(true).unstarted(r));
    e.setRemoveOnCancelPolicy(true);
    e.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    return e;
  }

  static ScheduledFuture<?> once(Runnable task, long delayNanos) {
    return EXECUTOR.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
  }

  static ScheduledFuture<?> every(Runnable task, long periodNanos) {
    return EXECUTOR.scheduleAtFixedRate(task, periodNanos, periodNanos, TimeUnit.NANOSECONDS);
  }

  /** Tasks waiting in the queue now; for tests. */
  static int queued() {
    return EXECUTOR.getQueue().size();
  }
}
