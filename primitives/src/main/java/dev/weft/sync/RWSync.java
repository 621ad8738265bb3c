package dev.weft.sync;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.AbstractQueuedLongSynchronizer;

/**
 * The lock word, wait queue and waiting-writer count of an {@link RWMutex}. The state packs three
 * fields:
 *
 * <pre>
 *   63 .................................. 31   30       29 ............ 0
 *   [ version: completed write sections     ][ WRITER ][ readers          ]
 * </pre>
 *
 * <ul>
 *   <li><b>readers</b>: how many read locks are held;
 *   <li><b>WRITER</b>: a writer holds the lock;
 *   <li><b>version</b>: incremented by every write release, so that an optimistic reader can tell
 *       whether a write happened while it read (it wraps after 2^33 writes).
 * </ul>
 */
final class RWSync extends AbstractQueuedLongSynchronizer {
  /*
   * Who may enter.
   *
   * A writer enters when no reader or writer holds the lock. A writer that has to wait counts
   * itself in waitingWriters for as long as it waits, and while it is counted new readers wait
   * too (the rule of Go's sync.RWMutex).
   *
   * A reader enters when no writer holds the lock and no writer is waiting. It also enters, with
   * writers waiting, when no thread is queued ahead of it: that is a reader that the queue has
   * woken (it is first in line, ahead of the waiting writers), or one that raced a writer that has
   * counted itself but not queued yet. A reader never waits merely because other readers are
   * queued. That was the old rule (refuse if any thread is queued), and it made every reader that
   * arrived while queued readers were being woken one by one park behind them: with 8 platform
   * threads and 10% writes, 93% of all parks were readers (ADR 0030).
   *
   * Why a writer is not starved by readers: once it has counted itself and queued, new readers
   * queue behind it. The readers ahead of it in the queue enter (each is first in turn); the
   * readers inside leave; the last one out wakes the head of the queue, which is then this writer.
   * Nothing but a writer that barges in while the lock is free can take its turn.
   *
   * waitingWriters is a second word, read by the reader's fast path before the state. Safety does
   * not depend on it (exclusion is all in the state word's compare-and-sets); a reader that reads
   * it just before a writer's increment gets in once more, which is the race every writer-preferring
   * lock has.
   */

  private static final long serialVersionUID = 1L;

  static final int READER_BITS = 30;

  /** Mask of the reader count; also the most readers at once. */
  static final long READERS = (1L << READER_BITS) - 1;

  static final long WRITER = 1L << READER_BITS;

  /** The bits that an optimistic read's stamp keeps: the version and WRITER. */
  static final long STAMP_BITS = ~READERS;

  private static final VarHandle WAITING_WRITERS;

  static {
    try {
      WAITING_WRITERS =
          MethodHandles.lookup().findVarHandle(RWSync.class, "waitingWriters", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** Writers that wait for the lock; through {@link #WAITING_WRITERS} or as a volatile. */
  @SuppressWarnings("unused") // accessed through the VarHandle
  private volatile int waitingWriters;

  // ---- writers

  /** Acquires the write lock if no reader or writer holds it. */
  boolean tryWriteFast() {
    return tryAcquire(1);
  }

  @Override
  protected boolean tryAcquire(long ignored) {
    while (true) {
      long s = getState();
      if ((s & (READERS | WRITER)) != 0) {
        return false;
      }
      if (compareAndSetState(s, s | WRITER)) {
        setExclusiveOwnerThread(Thread.currentThread()); // plain: see MutexSync
        // The CAS already keeps this writer's later loads after it; optimistic readers also need
        // its later stores to stay after it, so that a reader that sees one of them sees WRITER or
        // a new version when it validates (as in StampedLock).
        VarHandle.storeStoreFence();
        return true;
      }
    }
  }

  /** Counts the calling writer among those waiting; pair with {@link #writerStopsWaiting}. */
  void writerWaits() {
    WAITING_WRITERS.getAndAdd(this, 1);
  }

  /** The calling writer acquired the lock or gave up. */
  void writerStopsWaiting() {
    WAITING_WRITERS.getAndAdd(this, -1);
  }

  @Override
  protected boolean tryRelease(long ignored) {
    if (getExclusiveOwnerThread() != Thread.currentThread()) {
      throw new IllegalStateException(
          "write unlock by " + Thread.currentThread() + ", which does not hold the write lock");
    }
    setExclusiveOwnerThread(null);
    // Only the holder changes the state while WRITER is set (readers' and writers' CASes fail), so
    // a volatile store is enough; it publishes the section. Adding WRITER to a state that has it
    // clears it and carries one into the version.
    setState(getState() + WRITER);
    return true;
  }

  @Override
  protected boolean isHeldExclusively() {
    return getExclusiveOwnerThread() == Thread.currentThread();
  }

  // ---- readers

  /** Acquires a read lock if no writer holds the lock and none waits in the queue for it. */
  boolean tryReadFast() {
    if (waitingWriters == 0) {
      long s = getState();
      if ((s & WRITER) == 0 && (s & READERS) != READERS && compareAndSetState(s, s + 1)) {
        return true;
      }
    }
    return tryAcquireShared(1) >= 0;
  }

  @Override
  protected long tryAcquireShared(long ignored) {
    while (true) {
      long s = getState();
      if ((s & WRITER) != 0 || (waitingWriters != 0 && hasQueuedPredecessors())) {
        return -1;
      }
      if ((s & READERS) == READERS) {
        throw new IllegalStateException("too many readers: " + READERS);
      }
      if (compareAndSetState(s, s + 1)) {
        // Positive: acquired, and AQS passes the wake-up on to a reader queued next.
        return 1;
      }
    }
  }

  @Override
  protected boolean tryReleaseShared(long ignored) {
    while (true) {
      long s = getState();
      if ((s & READERS) == 0) {
        throw new IllegalStateException("read unlock of an RWMutex that no reader holds");
      }
      if (compareAndSetState(s, s - 1)) {
        return (s & READERS) == 1; // the last reader out wakes the head of the queue
      }
    }
  }

  // ---- optimistic reads

  /** A stamp to validate later, or 0 if a writer holds the lock now. */
  long tryOptimisticRead() {
    long s = getState(); // volatile read: acquires what the last write release published
    return (s & WRITER) == 0 ? (s & STAMP_BITS) | 1 : 0;
  }

  /** True if no writer has held the lock since {@code stamp} was taken. */
  boolean validate(long stamp) {
    // Keeps the caller's plain reads before the state read below (as StampedLock.validate).
    VarHandle.acquireFence();
    return stamp != 0 && (stamp & STAMP_BITS) == (getState() & STAMP_BITS);
  }

  // ---- monitoring

  long state() {
    return getState();
  }
}
