package dev.weft.sync;

import java.util.concurrent.locks.AbstractQueuedSynchronizer;

/**
 * The lock word and wait queue of a {@link Mutex}: AQS state 0 is free, 1 is held, and the owner is
 * AQS's exclusive-owner thread.
 */
final class MutexSync extends AbstractQueuedSynchronizer {
  private static final long serialVersionUID = 1L;

  /**
   * Test, then compare-and-set; on success the caller owns the mutex. Reading first keeps waiting
   * threads from taking the cache line exclusively with compare-and-sets that must fail, which
   * would slow down the holder's release.
   */
  boolean tryLockFast() {
    if (getState() == 0 && compareAndSetState(0, 1)) {
      // Plain store: only the owner writes the owner field while it holds the lock.
      setExclusiveOwnerThread(Thread.currentThread());
      return true;
    }
    return false;
  }

  @Override
  protected boolean tryAcquire(int ignored) {
    return tryLockFast();
  }

  @Override
  protected boolean tryRelease(int ignored) {
    if (getExclusiveOwnerThread() != Thread.currentThread()) {
      throw new IllegalStateException(
          "unlock of a mutex by " + Thread.currentThread() + ", which does not hold it");
    }
    setExclusiveOwnerThread(null);
    // Volatile store: the release that publishes the critical section to the next owner.
    setState(0);
    return true;
  }

  @Override
  protected boolean isHeldExclusively() {
    return getExclusiveOwnerThread() == Thread.currentThread();
  }

  boolean isLocked() {
    return getState() != 0;
  }

  /** The probable owner; may be stale, so use it only for diagnostics. */
  Thread owner() {
    return getExclusiveOwnerThread();
  }
}
