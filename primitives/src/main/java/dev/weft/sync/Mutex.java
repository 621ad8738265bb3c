package dev.weft.sync;

import dev.weft.internal.Durations;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * A mutual-exclusion lock in the manner of Go's {@code sync.Mutex}, with guards for
 * try-with-resources.
 *
 * {@snippet :
 * Mutex mutex = new Mutex();
 * try (var held = mutex.lock()) {
 *   counter++;
 * }
 * int snapshot = mutex.withLock(() -> counter);
 * }
 *
 * <p><b>Not reentrant.</b> A thread that tries to lock a mutex it already holds gets an {@link
 * IllegalStateException} instead of deadlocking. A {@link Guard} must be closed by the thread that
 * acquired it.
 *
 * <p><b>Fairness.</b> Like Go's mutex in its normal mode and like an unfair {@code ReentrantLock},
 * an arriving thread may take a free mutex ahead of queued threads (barging); queued threads are
 * woken in FIFO order.
 *
 * <p><b>Memory visibility.</b> Closing a guard happens-before every subsequent acquisition of the
 * same mutex.
 *
 * <p><b>Threads.</b> Waiting threads park; a waiting virtual thread does not pin its carrier.
 *
 * <p><b>Diagnostics</b>, both off by default:
 *
 * <ul>
 *   <li>lock-order checking ({@link Builder#checkLockOrder(boolean)}, or for every mutex the system
 *       property {@value #CHECK_LOCK_ORDER_PROPERTY}{@code =true}): a blocking acquisition that
 *       closes a cycle with lock orders seen before throws {@link PotentialDeadlockException}
 *       before it blocks. When off it costs one branch on a final field.
 *   <li>slow-wait reports ({@link Builder#slowWaitThreshold(Duration)}, or for every mutex the
 *       system property {@value #SLOW_WAIT_PROPERTY} in milliseconds): a thread that waits longer
 *       than the threshold is reported, with the holder's stack, to the mutex's {@link
 *       SlowWaitListener}, by default a {@link System.Logger} named {@code dev.weft.sync.Mutex}.
 * </ul>
 */
public final class Mutex {
  /**
   * System property that switches lock-order checking on for every mutex built without a choice.
   */
  public static final String CHECK_LOCK_ORDER_PROPERTY = "dev.weft.sync.checkLockOrder";

  /** System property giving, in milliseconds, the default slow-wait threshold; absent is off. */
  public static final String SLOW_WAIT_PROPERTY = "dev.weft.sync.slowWaitMillis";

  /*
   * Implementation overview.
   *
   * The lock word is the state of an AbstractQueuedSynchronizer (0 free, 1 held) with the owner
   * recorded in its exclusive-owner field, the same arrangement as an unfair ReentrantLock without
   * the hold count. The fast path is one compare-and-set in lock() and one volatile store in close();
   * AQS supplies the FIFO wait queue, parking (virtual-thread friendly) and timeouts.
   *
   * The owner field is written plainly by the owner and read plainly by other threads. That is
   * enough for the only two questions asked of it: "am I the owner?" (a thread sees its own writes,
   * and no other thread ever writes its Thread there) and, for slow-wait reports, "who is probably
   * the owner?", where a stale answer is harmless.
   *
   * Diagnostics hang off two final fields, `order` (null when lock-order checking is off) and
   * `slowWaitNanos` (0 when off), so that a mutex without them pays a predictable branch each.
   */

  private static final AtomicLong SEQUENCE = new AtomicLong();

  private final MutexSync sync = new MutexSync();
  private final String name;
  private final long rank;
  private final LockOrder.Node order;
  private final long slowWaitNanos;
  private final SlowWaitListener slowWaitListener;

  /**
   * Creates an unlocked mutex with the defaults that the system properties {@value
   * #CHECK_LOCK_ORDER_PROPERTY} and {@value #SLOW_WAIT_PROPERTY} select (both off when absent).
   */
  public Mutex() {
    this(new Builder());
  }

  /**
   * Creates an unlocked mutex with a name used in diagnostics, and the defaults of {@link
   * #Mutex()}.
   *
   * @param name the name shown in lock-order and slow-wait reports
   */
  public Mutex(String name) {
    this(new Builder().name(name));
  }

  private Mutex(Builder builder) {
    this.rank = SEQUENCE.incrementAndGet();
    this.name = builder.name != null ? builder.name : "Mutex#" + rank;
    this.order = builder.checkLockOrder ? new LockOrder.Node(this.name) : null;
    this.slowWaitNanos = builder.slowWaitNanos;
    this.slowWaitListener = builder.slowWaitListener;
  }

  /**
   * Returns a builder for a mutex with a name or diagnostics switched on.
   *
   * @return a new builder with the defaults of {@link #Mutex()}
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Acquires the mutex, waiting as long as it takes. Like Go's {@code Lock}, the wait is not
   * interruptible; if the thread is interrupted while waiting, it still acquires the mutex and
   * returns with its interrupt status set.
   *
   * @return the guard whose {@link Guard#close()} releases the mutex
   * @throws IllegalStateException if the calling thread already holds this mutex
   * @throws PotentialDeadlockException if lock-order checking is on and this acquisition would
   *     close a cycle in the lock order; the mutex is not acquired
   */
  public Guard lock() {
    if (order != null) {
      LockOrder.beforeBlockingAcquire(order);
    }
    if (!sync.tryLockFast()) {
      LockWaitEvent waited = LockWaitEvent.start();
      lockSlow();
      waited.finish(name, "lock", true);
    }
    return acquired();
  }

  private void lockSlow() {
    checkNotHeldByCaller();
    if (slowWaitNanos == 0) {
      sync.acquire(1);
      return;
    }
    boolean interrupted = false;
    long start = System.nanoTime();
    long deadline = Durations.deadline(slowWaitNanos);
    while (true) {
      long remaining = deadline - System.nanoTime();
      try {
        if (remaining > 0 && sync.tryAcquireNanos(1, remaining)) {
          break;
        }
        reportSlowWait(start);
        sync.acquire(1);
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Acquires the mutex unless the thread is interrupted first.
   *
   * @return the guard whose {@link Guard#close()} releases the mutex
   * @throws InterruptedException if the thread is interrupted before it acquires the mutex; the
   *     mutex is then not held
   * @throws IllegalStateException if the calling thread already holds this mutex
   * @throws PotentialDeadlockException if lock-order checking is on and this acquisition would
   *     close a cycle in the lock order
   */
  public Guard lockInterruptibly() throws InterruptedException {
    if (Thread.interrupted()) {
      throw new InterruptedException();
    }
    if (order != null) {
      LockOrder.beforeBlockingAcquire(order);
    }
    if (!sync.tryLockFast()) {
      checkNotHeldByCaller();
      LockWaitEvent waited = LockWaitEvent.start();
      if (slowWaitNanos == 0) {
        sync.acquireInterruptibly(1);
      } else {
        long start = System.nanoTime();
        if (!sync.tryAcquireNanos(1, slowWaitNanos)) {
          reportSlowWait(start);
          sync.acquireInterruptibly(1);
        }
      }
      waited.finish(name, "lock", true);
    }
    return acquired();
  }

  /**
   * Acquires the mutex if it is free now; never waits. Lock-order checking records the acquisition
   * but never throws here, since a call that cannot wait cannot deadlock.
   *
   * @return the guard, or empty if another thread holds the mutex
   * @throws IllegalStateException if the calling thread already holds this mutex
   */
  public Optional<Guard> tryLock() {
    if (sync.tryLockFast()) {
      return Optional.of(acquired());
    }
    checkNotHeldByCaller();
    return Optional.empty();
  }

  /**
   * Acquires the mutex if it becomes free within the timeout. Lock-order checking records the
   * acquisition but never throws here, since a bounded wait cannot deadlock.
   *
   * @param timeout how long to wait at most; zero or negative means do not wait
   * @return the guard, or empty if the timeout elapsed first
   * @throws InterruptedException if the thread is interrupted while waiting; the mutex is then not
   *     held
   * @throws IllegalStateException if the calling thread already holds this mutex
   */
  public Optional<Guard> tryLock(Duration timeout) throws InterruptedException {
    long nanos = Durations.toNanos(timeout);
    if (Thread.interrupted()) {
      throw new InterruptedException();
    }
    if (sync.tryLockFast()) {
      return Optional.of(acquired());
    }
    checkNotHeldByCaller();
    if (nanos <= 0) {
      return Optional.empty();
    }
    LockWaitEvent waited = LockWaitEvent.start();
    boolean got;
    if (slowWaitNanos == 0 || nanos <= slowWaitNanos) {
      got = sync.tryAcquireNanos(1, nanos);
    } else {
      long start = System.nanoTime();
      got = sync.tryAcquireNanos(1, slowWaitNanos);
      if (!got) {
        reportSlowWait(start);
        got = sync.tryAcquireNanos(1, nanos - (System.nanoTime() - start));
      }
    }
    waited.finish(name, "lock", got);
    return got ? Optional.of(acquired()) : Optional.empty();
  }

  /**
   * Runs {@code body} with the mutex held and returns its result; the mutex is released however the
   * body ends.
   *
   * @param body the critical section
   * @param <T> the result type
   * @return what {@code body} returned
   * @throws IllegalStateException if the calling thread already holds this mutex
   */
  public <T> T withLock(Supplier<T> body) {
    Objects.requireNonNull(body, "body");
    try (Guard held = lock()) {
      return body.get();
    }
  }

  /**
   * Runs {@code body} with the mutex held; the mutex is released however the body ends.
   *
   * @param body the critical section
   * @throws IllegalStateException if the calling thread already holds this mutex
   */
  public void withLock(Runnable body) {
    Objects.requireNonNull(body, "body");
    try (Guard held = lock()) {
      body.run();
    }
  }

  /**
   * Reports whether some thread holds the mutex now; for monitoring, not for synchronisation.
   *
   * @return true if the mutex is held
   */
  public boolean isLocked() {
    return sync.isLocked();
  }

  /**
   * Reports whether the calling thread holds the mutex.
   *
   * @return true if the calling thread holds it
   */
  public boolean isHeldByCurrentThread() {
    return sync.isHeldExclusively();
  }

  /**
   * Returns the name used in diagnostics.
   *
   * @return the name given to the builder, or a generated {@code Mutex#n}
   */
  public String name() {
    return name;
  }

  /**
   * Returns whether this mutex takes part in lock-order checking.
   *
   * @return true if lock-order checking is on for this mutex
   */
  public boolean checksLockOrder() {
    return order != null;
  }

  @Override
  public String toString() {
    Thread owner = sync.owner();
    return "Mutex["
        + name
        + (owner == null ? ", unlocked]" : ", locked by " + owner.getName() + "]");
  }

  /** A global creation rank; Locks.lockAll acquires in increasing rank. */
  long rank() {
    return rank;
  }

  private Guard acquired() {
    if (order != null) {
      LockOrder.acquired(order);
    }
    return new MutexGuard(this);
  }

  void unlock() {
    // Throws IllegalStateException, leaving the mutex held, if the caller is not the owner.
    sync.release(1);
    if (order != null) {
      LockOrder.released(order);
    }
  }

  private void checkNotHeldByCaller() {
    if (sync.isHeldExclusively()) {
      throw new IllegalStateException(
          "Mutex " + name + " is already held by this thread; weft mutexes are not reentrant");
    }
  }

  private void reportSlowWait(long startNanos) {
    Thread holder = sync.owner();
    StackTraceElement[] stack = holder == null ? new StackTraceElement[0] : holder.getStackTrace();
    slowWaitListener.onSlowWait(
        new SlowWait(
            name,
            Thread.currentThread(),
            Duration.ofNanos(System.nanoTime() - startNanos),
            Optional.ofNullable(holder),
            stack));
  }

  /**
   * Configures a {@link Mutex}. Builders are not thread-safe; a builder can build several mutexes.
   */
  public static final class Builder {
    private String name;
    private boolean checkLockOrder = Defaults.CHECK_LOCK_ORDER;
    private long slowWaitNanos = Defaults.SLOW_WAIT_NANOS;
    private SlowWaitListener slowWaitListener = SlowWaitListener.logging();

    private Builder() {}

    /**
     * Names the mutex in diagnostics.
     *
     * @param name the name
     * @return this builder
     */
    public Builder name(String name) {
      this.name = Objects.requireNonNull(name, "name");
      return this;
    }

    /**
     * Switches lock-order checking on or off for this mutex, whatever the system property says.
     *
     * @param check true to check
     * @return this builder
     */
    public Builder checkLockOrder(boolean check) {
      this.checkLockOrder = check;
      return this;
    }

    /**
     * Reports threads that wait longer than {@code threshold} for this mutex; {@link Duration#ZERO}
     * switches reports off.
     *
     * @param threshold how long a wait may last before it is reported
     * @return this builder
     * @throws IllegalArgumentException if {@code threshold} is negative
     */
    public Builder slowWaitThreshold(Duration threshold) {
      Objects.requireNonNull(threshold, "threshold");
      if (threshold.isNegative()) {
        throw new IllegalArgumentException("negative slow-wait threshold: " + threshold);
      }
      this.slowWaitNanos = Durations.toNanos(threshold);
      return this;
    }

    /**
     * Sends slow-wait reports to {@code listener} instead of the default {@link System.Logger}.
     *
     * @param listener called on the waiting thread, once per wait that crosses the threshold
     * @return this builder
     */
    public Builder slowWaitListener(SlowWaitListener listener) {
      this.slowWaitListener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * Builds an unlocked mutex.
     *
     * @return the new mutex
     */
    public Mutex build() {
      return new Mutex(this);
    }
  }

  /** Defaults read once from system properties, so that the JIT can treat them as constants. */
  static final class Defaults {
    static final boolean CHECK_LOCK_ORDER = Boolean.getBoolean(CHECK_LOCK_ORDER_PROPERTY);
    static final long SLOW_WAIT_NANOS =
        TimeUnit.MILLISECONDS.toNanos(Math.max(0, Long.getLong(SLOW_WAIT_PROPERTY, 0L)));

    private Defaults() {}
  }
}
