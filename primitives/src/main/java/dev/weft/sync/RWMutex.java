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
 * <p><b>Writers are not starved.</b> Once a writer waits, readers that arrive later queue behind it
 * instead of joining the readers already inside, so a steady stream of readers cannot hold a writer
 * off forever. Queued threads are served in FIFO order; a run of queued readers enters together. A
 * writer that arrives while the lock is free may take it ahead of queued threads (as with an unfair
 * {@code ReentrantReadWriteLock}), so under a continuous stream of writers a reader can wait long;
 * choose a {@link Mutex} or a fair lock if writes dominate.
 *
 * <p><b>Not reentrant.</b> Write-locking while holding the write lock throws {@link
 * IllegalStateException}. Read locks are not counted per thread: as in Go, a thread that takes a
 * read lock while it holds one can deadlock if a writer is waiting in between, and a thread that
 * holds a read lock and asks for the write lock deadlocks. Each {@link Guard} must be closed by the
 * thread that acquired it.
 *
 * <p><b>Memory visibility.</b> Closing a write guard happens-before every later acquisition;
 * closing a read guard happens-before every later write acquisition.
 *
 * <p><b>Threads.</b> Waiting threads park; a waiting virtual thread does not pin its carrier.
 */
public final class RWMutex {
  /*
   * Implementation overview: an AbstractQueuedSynchronizer whose state is -1 while a writer holds
   * the lock, n > 0 while n readers hold it, and 0 when free. Readers acquire in shared mode and
   * refuse to barge past any queued thread (hasQueuedPredecessors); since a reader only queues
   * behind a writer, that is what makes writers safe from reader streams. AQS wakes a queued run of
   * readers one after another through shared-mode propagation.
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
    if (!sync.tryWriteFast()) {
      checkNotWriter();
      sync.acquire(1);
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
    if (!sync.tryWriteFast()) {
      checkNotWriter();
      sync.acquireInterruptibly(1);
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
    if (!sync.tryWriteFast()) {
      checkNotWriter();
      if (!sync.tryAcquireNanos(1, nanos)) {
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
      sync.acquireShared(1);
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
      sync.acquireSharedInterruptibly(1);
    }
    return new ReadGuard(this);
  }

  /**
   * Acquires a read lock if that is possible now without waiting (no writer holds the lock and none
   * is queued).
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
      if (!sync.tryAcquireSharedNanos(1, nanos)) {
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
    return Math.max(0, sync.state());
  }

  /**
   * Reports whether a writer holds the lock now; for monitoring only.
   *
   * @return true if write-locked
   */
  public boolean isWriteLocked() {
    return sync.state() < 0;
  }

  @Override
  public String toString() {
    int s = sync.state();
    return "RWMutex[" + name + (s < 0 ? ", write-locked]" : ", readers=" + s + "]");
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
