package dev.weft.sync;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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
   * itself in waitingWriters, and names itself in waitingWriterThreads, for as long as it waits.
   *
   * A reader enters when no writer holds the lock and either no writer waits or the first thread
   * in the queue is not a waiting writer (it is a reader being woken, the reader itself, or
   * nothing yet: a writer that has counted itself but not queued). This is ReentrantReadWriteLock's
   * rule, "the first queued thread is exclusive", which AQS keeps package-private; the set of
   * waiting writer threads answers it from outside. The rule before it (ADR 0030) turned readers
   * away whenever a writer waited anywhere and any thread was queued; on 8 virtual threads a
   * writer waiting behind queued readers then sent every new reader to park too (ADR 0066).
   *
   * Why a writer is not starved by readers: once it has queued, the readers ahead of it enter
   * (each is first in turn) and it becomes first; from then on new readers queue behind it. The
   * readers inside leave; the last one out wakes the head of the queue, which is this writer.
   * Nothing but a writer that barges in while the lock is free can take its turn. A thread waits
   * for at most one lock at a time, so a thread found in this lock's set is waiting to write it;
   * a writer is in the set from before it queues until after it has the lock, so there is no
   * moment at which it is first in the queue and not recognised.
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

  /**
   * The writers counted in {@link #waitingWriters}, so a reader can tell whether the head is one.
   */
  @SuppressWarnings("serial") // RWMutex, the only owner, is not Serializable
  private final Set<Thread> waitingWriterThreads = ConcurrentHashMap.newKeySet();

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

  /** Rounds a virtual writer spins on the state before it counts itself and queues. */
  static final int VIRTUAL_WRITER_SPINS = 1 << 8;

  /** The most slow-path writes that skip the spin after spins kept failing. */
  static final int MAX_SPIN_SKIP = 1 << 8;

  /**
   * Whether virtual threads run on more than one carrier (the JDK's default scheduler: {@code
   * jdk.virtualThreadScheduler.parallelism}, else one per processor, at most {@code maxPoolSize}).
   * On one, the spinning writer holds the carrier that the virtual readers it waits for need. The
   * twin of {@code dev.weft.chan.Spin.carriers}, kept apart as the policy below is: change both.
   */
  private static final boolean VIRTUAL_MULTICORE =
      Runtime.getRuntime().availableProcessors() > 1
          && Math.min(
                  intProperty(
                      "jdk.virtualThreadScheduler.parallelism",
                      Runtime.getRuntime().availableProcessors()),
                  intProperty("jdk.virtualThreadScheduler.maxPoolSize", Integer.MAX_VALUE))
              > 1;

  private static int intProperty(String name, int unset) {
    String value = System.getProperty(name);
    if (value == null) {
      return unset;
    }
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      return unset;
    }
  }

  // Adaptive spinning, written only on the writers' slow path; plain and racy on purpose: a lost
  // update only makes one writer spin, or not, once more. The same policy as the channels' waits
  // (dev.weft.chan.Spin), kept apart so that each file set can be copied alone: change both.
  private int spinBackoff;
  private int spinSkip;

  /**
   * Spins for a while, if the caller is a virtual thread and virtual threads have more than one
   * carrier, retrying the write lock; true if it got it. For a virtual writer, parking costs an
   * unmount, a later unpark through the scheduler and a remount, and while it is counted and queued
   * new readers wait behind it: at 90% reads on 8 virtual threads, 10-token sections, that convoy
   * cost a quarter of the throughput (ADR 0066). The readers it waits for hold carriers and are not
   * preempted, so short sections end soon. When sections are long the spin fails (readers keep
   * entering while the writer is not yet counted) and only takes a carrier from them, so each
   * failure makes the next writers skip spinning for longer (1, 5, 21 ... up to 256 slow-path
   * writes) and each success halves that. A platform writer does not spin: with threads beyond the
   * cores the reader it waits for may be off its core, and the spin takes the core it needs
   * (measured worse at 8 platform threads).
   */
  boolean spinForWrite() {
    if (!VIRTUAL_MULTICORE || !Thread.currentThread().isVirtual()) {
      return false;
    }
    int skip = spinSkip;
    if (skip > 0) {
      spinSkip = skip - 1;
      return false;
    }
    for (int i = 0; i < VIRTUAL_WRITER_SPINS; i++) {
      Thread.onSpinWait();
      if ((getState() & (READERS | WRITER)) == 0 && tryAcquire(1)) {
        int backoff = spinBackoff;
        if (backoff != 0) {
          spinBackoff = backoff >> 1;
        }
        return true;
      }
    }
    int backoff = Math.min(4 * spinBackoff + 1, MAX_SPIN_SKIP);
    spinBackoff = backoff;
    spinSkip = backoff;
    return false;
  }

  /** Counts the calling writer among those waiting; pair with {@link #writerStopsWaiting}. */
  void writerWaits() {
    waitingWriterThreads.add(Thread.currentThread());
    WAITING_WRITERS.getAndAdd(this, 1);
  }

  /** The calling writer acquired the lock or gave up. */
  void writerStopsWaiting() {
    WAITING_WRITERS.getAndAdd(this, -1);
    waitingWriterThreads.remove(Thread.currentThread());
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
      if ((s & WRITER) != 0 || (waitingWriters != 0 && writerQueuedFirst())) {
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

  private boolean writerQueuedFirst() {
    Thread first = getFirstQueuedThread();
    if (first == null) {
      return false;
    }
    return first != Thread.currentThread() && waitingWriterThreads.contains(first);
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
