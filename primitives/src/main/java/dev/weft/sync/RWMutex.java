package dev.weft.sync;

import dev.weft.internal.Durations;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A reader-writer mutex in the manner of Go's {@code sync.RWMutex}: any number of readers or one
 * writer.
 *
 * {@snippet :
 * RWMutex rw = new RWMutex();
 * try (var read = rw.readLock()) {
 *   return cache.get(key);
 * }
 * try (var write = rw.writeLock()) {
 *   cache.put(key, value);
 * }
 * }
 *
 * <p><b>Writers are not starved.</b> Once a waiting writer is first in the queue, readers that
 * arrive later queue behind it instead of joining the readers inside, so a steady stream of readers
 * cannot hold a writer off forever; readers queued ahead of it enter first. Readers do not wait for
 * other readers: while no writer holds the lock or is first in the queue, a reader enters at once,
 * whatever is queued. Queued threads are served in FIFO order, and a run of queued readers enters
 * together. A virtual thread that finds the write lock taken retries it for a few microseconds
 * before it waits. A writer that arrives while the lock is free may take it ahead of queued threads
 * (as with an unfair {@code ReentrantReadWriteLock}), so under a continuous stream of writers a
 * reader can wait long; choose a {@link Mutex} or a fair lock if writes dominate.
 *
 * <p><b>Optimistic reads.</b> {@link #withOptimisticRead} runs a short read-only body without
 * taking the lock at all, then checks that no writer held the lock meanwhile; if one did, it runs
 * the body again under a read lock. Readers then write nothing to shared memory, which is what
 * makes {@code StampedLock}'s optimistic reads fast when reads dominate; the body must be written
 * to cope with the inconsistent values it may see before the check (see the method).
 *
 * <p><b>Not reentrant.</b> Write-locking while holding the write lock throws {@link
 * IllegalStateException}. Read locks are not counted per thread: as in Go, a thread that takes a
 * read lock while it holds one can deadlock if a writer is waiting in between, and a thread that
 * holds a read lock and asks for the write lock deadlocks. Each {@link Guard} must be closed by the
 * thread that acquired it.
 *
 * <p><b>Memory visibility.</b> Closing a write guard happens-before every later acquisition;
 * closing a read guard happens-before every later write acquisition. The result of an optimistic
 * read is one that a read under the lock could have returned.
 *
 * <p><b>Threads.</b> Waiting threads park; a waiting virtual thread does not pin its carrier.
 */
public final class RWMutex {
  /*
   * Implementation overview: an AbstractQueuedLongSynchronizer (RWSync) whose state packs the
   * reader count, a WRITER bit and a write version into one long, beside a count of waiting
   * writers. Readers enter with one compare-and-set while no writer holds the lock or waits; a
   * writer that must wait counts itself and queues, and once it is first in the queue new readers
   * are turned away into the queue behind it until it has had its turn. RWSync's overview gives
   * the rules and why no wake-up is lost. The version, bumped by each write release, makes the
   * lock a sequence lock (Lamport, "Concurrent reading and writing", CACM 1977) for optimistic
   * reads, validated as in StampedLock: a reader takes the version, reads, then checks after an
   * acquire fence that the version and WRITER are unchanged. ADR 0030 records why the earlier
   * rule (readers refuse to pass any queued thread) collapsed under read-heavy load; ADR 0066 why
   * readers now wait only for a writer at the head of the queue, and why virtual writers spin
   * before they wait.
   */
  private final RWSync sync = new RWSync();
  private final String name;

  /** Creates an unlocked reader-writer mutex. */
  public RWMutex() {
    this("RWMutex");
  }

  /**
   * Creates an unlocked reader-writer mutex with a name for error messages.
   *
   * @param name the name
   */
  public RWMutex(String name) {
    this.name = Objects.requireNonNull(name, "name");
  }

  /**
   * Acquires the write lock, waiting as long as it takes (not interruptible, like Go's {@code
   * Lock}; an interrupt while waiting is kept in the thread's interrupt status).
   *
   * @return the guard that releases the write lock
   * @throws IllegalStateException if the calling thread already holds the write lock
   */
  public Guard writeLock() {
    if (!sync.tryWriteFast() && !sync.spinForWrite()) {
      checkNotWriter();
      LockWaitEvent waited = LockWaitEvent.start();
      sync.writerWaits();
      try {
        sync.acquire(1);
      } finally {
        sync.writerStopsWaiting();
      }
      waited.finish(name, "write", true);
    }
    return new WriteGuard(this);
  }

  /**
   * Acquires the write lock unless interrupted first.
   *
   * @return the guard that releases the write lock
   * @throws InterruptedException if interrupted while waiting; the lock is then not held
   * @throws IllegalStateException if the calling thread already holds the write lock
   */
  public Guard writeLockInterruptibly() throws InterruptedException {
    if (Thread.interrupted()) {
      throw new InterruptedException();
    }
    if (!sync.tryWriteFast() && !sync.spinForWrite()) {
      checkNotWriter();
      LockWaitEvent waited = LockWaitEvent.start();
      sync.writerWaits();
      try {
        sync.acquireInterruptibly(1);
      } finally {
        sync.writerStopsWaiting();
      }
      waited.finish(name, "write", true);
    }
    return new WriteGuard(this);
  }

  /**
   * Acquires the write lock if it is free now.
   *
   * @return the guard, or empty if readers or a writer hold the lock
   * @throws IllegalStateException if the calling thread already holds the write lock
   */
  public Optional<Guard> tryWriteLock() {
    if (sync.tryWriteFast()) {
      return Optional.of(new WriteGuard(this));
    }
    checkNotWriter();
    return Optional.empty();
  }

  /**
   * Acquires the write lock if it becomes free within the timeout.
   *
   * @param timeout how long to wait at most; zero or negative means do not wait
   * @return the guard, or empty on timeout
   * @throws InterruptedException if interrupted while waiting; the lock is then not held
   * @throws IllegalStateException if the calling thread already holds the write lock
   */
  public Optional<Guard> tryWriteLock(Duration timeout) throws InterruptedException {
    long nanos = Durations.toNanos(timeout);
    if (Thread.interrupted()) {
      throw new InterruptedException();
    }
    if (!sync.tryWriteFast() && !sync.spinForWrite()) {
      checkNotWriter();
      LockWaitEvent waited = LockWaitEvent.start();
      sync.writerWaits();
      boolean got;
      try {
        got = sync.tryAcquireNanos(1, nanos);
      } finally {
        sync.writerStopsWaiting();
      }
      waited.finish(name, "write", got);
      if (!got) {
        return Optional.empty();
      }
    }
    return Optional.of(new WriteGuard(this));
  }

  /**
   * Acquires a read lock, waiting as long as it takes (not interruptible, like Go's {@code RLock}).
   *
   * @return the guard that releases this read lock
   * @throws IllegalStateException if the calling thread holds the write lock
   */
  public Guard readLock() {
    if (!sync.tryReadFast()) {
      checkNotWriter();
      LockWaitEvent waited = LockWaitEvent.start();
      sync.acquireShared(1);
      waited.finish(name, "read", true);
    }
    return new ReadGuard(this);
  }

  /**
   * Acquires a read lock unless interrupted first.
   *
   * @return the guard that releases this read lock
   * @throws InterruptedException if interrupted while waiting; the lock is then not held
   * @throws IllegalStateException if the calling thread holds the write lock
   */
  public Guard readLockInterruptibly() throws InterruptedException {
    if (Thread.interrupted()) {
      throw new InterruptedException();
    }
    if (!sync.tryReadFast()) {
      checkNotWriter();
      LockWaitEvent waited = LockWaitEvent.start();
      sync.acquireSharedInterruptibly(1);
      waited.finish(name, "read", true);
    }
    return new ReadGuard(this);
  }

  /**
   * Acquires a read lock if that is possible now without waiting (no writer holds the lock or waits
   * first in the queue for it).
   *
   * @return the guard, or empty if a reader would have to wait
   * @throws IllegalStateException if the calling thread holds the write lock
   */
  public Optional<Guard> tryReadLock() {
    if (sync.tryReadFast()) {
      return Optional.of(new ReadGuard(this));
    }
    checkNotWriter();
    return Optional.empty();
  }

  /**
   * Acquires a read lock if that becomes possible within the timeout.
   *
   * @param timeout how long to wait at most; zero or negative means do not wait
   * @return the guard, or empty on timeout
   * @throws InterruptedException if interrupted while waiting; the lock is then not held
   * @throws IllegalStateException if the calling thread holds the write lock
   */
  public Optional<Guard> tryReadLock(Duration timeout) throws InterruptedException {
    long nanos = Durations.toNanos(timeout);
    if (Thread.interrupted()) {
      throw new InterruptedException();
    }
    if (!sync.tryReadFast()) {
      checkNotWriter();
      LockWaitEvent waited = LockWaitEvent.start();
      boolean got = sync.tryAcquireSharedNanos(1, nanos);
      waited.finish(name, "read", got);
      if (!got) {
        return Optional.empty();
      }
    }
    return Optional.of(new ReadGuard(this));
  }

  /**
   * Runs {@code body} holding a read lock and returns its result.
   *
   * @param body the read-only section
   * @param <T> the result type
   * @return what {@code body} returned
   */
  public <T> T withReadLock(Supplier<T> body) {
    Objects.requireNonNull(body, "body");
    try (Guard held = readLock()) {
      return body.get();
    }
  }

  /**
   * Runs a read-only {@code body} optimistically, without taking the lock, and returns its result
   * if no writer held the lock while it ran; otherwise runs it again holding a read lock and
   * returns that result.
   *
   * {@snippet :
   * Point p = rw.withOptimisticRead(() -> new Point(x, y)); // x and y are written under the write lock
   * }
   *
   * <p>The optimistic run races writers, so {@code body} may see a mix of old and new values. It
   * must therefore only read (it may run twice), read each shared field once into a local, and not
   * loop or index arrays on values it has not checked. An unchecked exception it throws in the
   * optimistic run is discarded if a writer interfered (the body then runs under the lock) and
   * thrown otherwise. Reads of fields that writers change only under this mutex are the ones made
   * consistent; mutable objects reached through them are not.
   *
   * <p>A read that validates does not write to the lock's memory, so optimistic readers do not slow
   * each other down the way read locks do (every read lock writes the shared reader count twice).
   * Prefer it for short, frequent reads; for reads that are long or that writers often interrupt,
   * the read lock wastes less work.
   *
   * @param body the read-only section
   * @param <T> the result type
   * @return what {@code body} returned in a run that no writer interfered with
   * @throws IllegalStateException if the calling thread holds the write lock
   */
  public <T> T withOptimisticRead(Supplier<T> body) {
    Objects.requireNonNull(body, "body");
    long stamp = sync.tryOptimisticRead();
    if (stamp != 0) {
      T result;
      try {
        result = body.get();
      } catch (RuntimeException e) {
        if (sync.validate(stamp)) {
          throw e;
        }
        return withReadLock(body);
      }
      if (sync.validate(stamp)) {
        return result;
      }
    }
    return withReadLock(body);
  }

  /**
   * Runs {@code body} holding the write lock and returns its result.
   *
   * @param body the critical section
   * @param <T> the result type
   * @return what {@code body} returned
   */
  public <T> T withWriteLock(Supplier<T> body) {
    Objects.requireNonNull(body, "body");
    try (Guard held = writeLock()) {
      return body.get();
    }
  }

  /**
   * Returns how many read locks are held now; for monitoring only.
   *
   * @return the number of readers inside
   */
  public int readers() {
    return (int) (sync.state() & RWSync.READERS);
  }

  /**
   * Reports whether a writer holds the lock now; for monitoring only.
   *
   * @return true if write-locked
   */
  public boolean isWriteLocked() {
    return (sync.state() & RWSync.WRITER) != 0;
  }

  @Override
  public String toString() {
    long s = sync.state();
    return "RWMutex["
        + name
        + ((s & RWSync.WRITER) != 0
            ? ", write-locked]"
            : ", readers=" + (s & RWSync.READERS) + "]");
  }

  private void checkNotWriter() {
    if (sync.isHeldExclusively()) {
      throw new IllegalStateException(
          "RWMutex " + name + " is write-locked by this thread; weft locks are not reentrant");
    }
  }

  /** One write acquisition. */
  private static final class WriteGuard implements Guard {
    private final RWMutex owner;
    private boolean closed; // plain: see MutexGuard

    WriteGuard(RWMutex owner) {
      this.owner = owner;
    }

    @Override
    public void close() {
      if (!closed) {
        owner.sync.release(1);
        closed = true;
      }
    }
  }

  /** One read acquisition, tied to the thread that made it. */
  private static final class ReadGuard implements Guard {
    private final RWMutex owner;
    private final Thread reader = Thread.currentThread();
    private boolean closed; // plain: only the reader thread gets past the check below

    ReadGuard(RWMutex owner) {
      this.owner = owner;
    }

    @Override
    public void close() {
      if (Thread.currentThread() != reader) {
        throw new IllegalStateException(
            "read guard of " + owner.name + " closed by a thread that did not acquire it");
      }
      if (!closed) {
        owner.sync.releaseShared(1);
        closed = true;
      }
    }
  }
}
