package dev.weft.chan;

/**
 * A {@link Waiter} in a lock-based channel's wait queue ({@link LockChannel}, {@link RingChannel}):
 * the queue's links, guarded by the channel lock.
 */
final class QueuedWaiter extends ClauseWaiter {
  QueuedWaiter prev;
  QueuedWaiter next;

  /** Whether the waiter is in a queue now. */
  boolean queued;

  /** As {@link ClauseWaiter#ClauseWaiter}. */
  QueuedWaiter(Parker parker, int clause, boolean send, Object item) {
    super(parker, clause, send, item);
  }
}
