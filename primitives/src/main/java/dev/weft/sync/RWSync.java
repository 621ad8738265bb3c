package dev.weft.sync;

import java.util.concurrent.locks.AbstractQueuedSynchronizer;

/**
 * The lock word and wait queue of an {@link RWMutex}: state -1 is write-locked, n &gt; 0 is n
 * readers, 0 is free.
 */
final class RWSync extends AbstractQueuedSynchronizer {
  private static final long serialVersionUID = 1L;
  private static final int WRITER = -1;

  boolean tryWriteFast() {
    if (getState() == 0 && compareAndSetState(0, WRITER)) {
      setExclusiveOwnerThread(Thread.currentThread()); // plain: see MutexSync
      return true;
    }
    return false;
  }

  /** A reader enters if no writer holds the lock and no thread is queued ahead of it. */
  boolean tryReadFast() {
    while (true) {
      int s = getState();
      if (s < 0 || hasQueuedPredecessors()) {
        return false;
      }
      if (s == Integer.MAX_VALUE) {
        throw new IllegalStateException("too many readers");
      }
      if (compareAndSetState(s, s + 1)) {
        return true;
      }
    }
  }

  @Override
  protected boolean tryAcquire(int ignored) {
    return tryWriteFast();
  }

  @Override
  protected boolean tryRelease(int ignored) {
    if (getExclusiveOwnerThread() != Thread.currentThread()) {
      throw new IllegalStateException(
          "write unlock by " + Thread.currentThread() + ", which does not hold the write lock");
    }
    setExclusiveOwnerThread(null);
    setState(0); // volatile store: publishes the write section
    return true;
  }

  @Override
  protected int tryAcquireShared(int ignored) {
    // Positive: acquired, and AQS propagates the wake-up to the next queued reader.
    return tryReadFast() ? 1 : -1;
  }

  @Override
  protected boolean tryReleaseShared(int ignored) {
    while (true) {
      int s = getState();
      if (s <= 0) {
        throw new IllegalStateException("read unlock of an RWMutex that no reader holds");
      }
      if (compareAndSetState(s, s - 1)) {
        return s == 1; // the last reader out lets a queued writer in
      }
    }
  }

  @Override
  protected boolean isHeldExclusively() {
    return getExclusiveOwnerThread() == Thread.currentThread();
  }

  int state() {
    return getState();
  }
}
