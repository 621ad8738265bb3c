package dev.weft.sync.locks;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;
import java.util.Date;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.LockSupport;

/**
 * A test-and-set spin lock: every attempt to enter is an atomic exchange on one lock word.
 *
 * {@snippet :
 * Lock lock = new TasLock();
 * lock.lock();
 * try {
 *   counter++;
 * } finally {
 *   lock.unlock();
 * }
 * }
 *
 * <p>The simplest lock there is, and the baseline the other locks of this package improve on: each
 * waiting thread writes the shared lock word on every attempt, so the holder's cache line bounces
 * between waiters and the holder's own release slows down as more threads wait. Use {@link
 * TtasLock}, {@code BackoffLock} or a queue lock for anything contended.
 *
 * <p><b>Waiting.</b> A waiter retries with {@link Thread#onSpinWait()} between attempts for a
 * bounded number of attempts (fewer on a virtual thread, none on a single processor), then calls
 * {@link Thread#yield()} a few times, then parks for growing intervals (1 µs up to about 131 µs)
 * between attempts. Spinning is cheapest when the holder is running on another core; yielding and
 * parking give the processor to the holder when threads outnumber cores, and let a waiting virtual
 * thread release its carrier, so that a holder that is itself a virtual thread can run. The holder
 * never wakes waiters: a parked waiter notices the release only when its park interval ends.
 *
 * <p><b>Fairness.</b> None: whichever thread's exchange comes first after a release wins, and a
 * thread can starve under contention.
 *
 * <p><b>Not reentrant.</b> A thread that tries to acquire the lock while holding it gets an {@link
 * IllegalStateException} instead of waiting forever. {@link #unlock()} from a thread that does not
 * hold the lock throws {@link IllegalMonitorStateException}.
 *
 * <p><b>Interruption and timeouts.</b> {@link #lock()} is not interruptible (an interrupt while
 * waiting is kept in the thread's interrupt status); {@link #lockInterruptibly()} and {@link
 * #tryLock(long, TimeUnit)} give up on interrupt or timeout without holding the lock, and check the
 * interrupt status before they try.
 *
 * <p><b>Conditions.</b> {@link #newCondition()} is supported: waiters park, and a woken waiter
 * reacquires the lock like any other thread.
 *
 * <p><b>Memory visibility.</b> {@link #unlock()} happens-before every later acquisition of the same
 * lock.
 *
 * <p><b>Copying.</b> This file depends on nothing but the JDK; copy it alone.
 */
public final class TasLock implements Lock {
  /*
   * Implementation overview.
   *
   * The test-and-set lock as T. E. Anderson measures it in "The Performance of Spin Lock
   * Alternatives for Shared-Memory Multiprocessors" (IEEE TPDS 1(1), 1990, section 3, "spin on
   * test-and-set"):
   *
   *     lock:   while (getAndSet(held, true)) wait;
   *     unlock: held = false;   (release store)
   *
   * The getAndSet is a volatile read-modify-write, so it acquires what the previous holder's release
   * store published.
   *
   * How this code differs from the paper: the paper's waiters spin for ever. Here they spin for a
   * bounded number of attempts, then yield, then park with a doubling interval, so that the lock
   * does not collapse when runnable threads outnumber cores (a preempted holder gets the processor
   * back) and a virtual thread never keeps its carrier for long. The owner is kept in a plain field
   * so that unlock can refuse a non-owner and a relock can be refused instead of spinning forever;
   * the owner writes it after acquiring and clears it before releasing, so a thread reading it sees
   * itself there only while it holds the lock.
   */

  private static final VarHandle HELD;

  static {
    try {
      HELD = MethodHandles.lookup().findVarHandle(TasLock.class, "held", boolean.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private static final boolean MULTIPROCESSOR = Runtime.getRuntime().availableProcessors() > 1;

  /** Spinning attempts before a platform thread yields. */
  private static final int PLATFORM_SPINS = 1 << 10;

  /** Spinning attempts before a virtual thread yields: it keeps its carrier while it spins. */
  private static final int VIRTUAL_SPINS = 1 << 7;

  /** Yields after spinning, before parking. */
  private static final int YIELDS = 1 << 3;

  /** The first park interval; it doubles up to {@link #MAX_PARK_SHIFT} times. */
  private static final long MIN_PARK_NANOS = 1 << 10;

  private static final int MAX_PARK_SHIFT = 7;

  private static final int ACQUIRED = 0;
  private static final int TIMED_OUT = 1;
  private static final int INTERRUPTED = 2;

  /** True while some thread holds the lock; accessed through {@link #HELD} or as a volatile. */
  private volatile boolean held;

  /** The holder; plain: written only by the holder (see the overview). */
  private Thread owner;

  /** Creates an unlocked lock. */
  public TasLock() {}

  /**
   * Acquires the lock, waiting as long as it takes. Not interruptible: if the thread is interrupted
   * while waiting, it still acquires the lock and returns with its interrupt status set.
   *
   * @throws IllegalStateException if the calling thread already holds the lock
   */
  @Override
  public void lock() {
    if (!tryAcquire()) {
      acquire(false, false, 0L);
    }
  }

  /**
   * Acquires the lock unless the thread is interrupted first.
   *
   * @throws InterruptedException if the thread is interrupted before or while waiting; the lock is
   *     then not held
   * @throws IllegalStateException if the calling thread already holds the lock
   */
  @Override
  public void lockInterruptibly() throws InterruptedException {
    if (Thread.interrupted()) {
      throw new InterruptedException();
    }
    if (!tryAcquire() && acquire(true, false, 0L) == INTERRUPTED) {
      throw new InterruptedException();
    }
  }

  /**
   * Acquires the lock if it is free now; never waits.
   *
   * @return true if the lock was acquired
   * @throws IllegalStateException if the calling thread already holds the lock
   */
  @Override
  public boolean tryLock() {
    if (tryAcquire()) {
      return true;
    }
    checkNotHeldByCaller();
    return false;
  }

  /**
   * Acquires the lock if it becomes free within the timeout.
   *
   * @param time how long to wait at most; zero or negative means do not wait
   * @param unit the unit of {@code time}
   * @return true if the lock was acquired, false if the timeout elapsed first
   * @throws InterruptedException if the thread is interrupted before or while waiting; the lock is
   *     then not held
   * @throws IllegalStateException if the calling thread already holds the lock
   */
  @Override
  public boolean tryLock(long time, TimeUnit unit) throws InterruptedException {
    long nanos = unit.toNanos(time);
    if (Thread.interrupted()) {
      throw new InterruptedException();
    }
    if (tryLock()) {
      return true;
    }
    if (nanos <= 0) {
      return false;
    }
    int result = acquire(true, true, System.nanoTime() + nanos);
    if (result == INTERRUPTED) {
      throw new InterruptedException();
    }
    return result == ACQUIRED;
  }

  /**
   * Releases the lock.
   *
   * @throws IllegalMonitorStateException if the calling thread does not hold the lock
   */
  @Override
  public void unlock() {
    if (owner != Thread.currentThread()) {
      throw new IllegalMonitorStateException(
          "unlock of a TasLock by " + Thread.currentThread() + ", which does not hold it");
    }
    owner = null; // plain: ordered before the release store below
    HELD.setRelease(this, false); // release: publishes the critical section to the next holder
  }

  /**
   * Returns a new condition bound to this lock. Awaiting threads park; {@code signal} wakes the
   * longest-waiting one, which then reacquires the lock like any other thread (no hand-off).
   * Awaiting, signalling or signalling all without holding the lock throws {@link
   * IllegalMonitorStateException}. A waiter that is signalled while its timeout elapses or its
   * interrupt arrives returns as signalled (with its interrupt status set), so no signal is lost.
   *
   * @return a new condition
   */
  @Override
  public Condition newCondition() {
    return new SpinCondition();
  }

  /**
   * Reports whether some thread holds the lock now; for monitoring, not for synchronisation.
   *
   * @return true if the lock is held
   */
  public boolean isLocked() {
    return held;
  }

  /**
   * Reports whether the calling thread holds the lock.
   *
   * @return true if the calling thread holds it
   */
  public boolean isHeldByCurrentThread() {
    return owner == Thread.currentThread();
  }

  @Override
  public String toString() {
    Thread holder = owner;
    return "TasLock[" + (holder == null ? "unlocked]" : "locked by " + holder.getName() + "]");
  }

  private boolean tryAcquire() {
    if (!(boolean) HELD.getAndSet(this, true)) {
      owner = Thread.currentThread(); // plain: only the holder writes it
      return true;
    }
    return false;
  }

  /**
   * The slow path: retries until the lock is acquired, the deadline passes (if timed) or the thread
   * is interrupted (if interruptible). Returns ACQUIRED, TIMED_OUT or INTERRUPTED.
   */
  private int acquire(boolean interruptible, boolean timed, long deadline) {
    checkNotHeldByCaller();
    int spins =
        MULTIPROCESSOR ? (Thread.currentThread().isVirtual() ? VIRTUAL_SPINS : PLATFORM_SPINS) : 0;
    boolean interrupted = false;
    int result = ACQUIRED;
    for (int attempt = 0;
        !tryAcquire();
        attempt = Math.min(attempt + 1, spins + YIELDS + MAX_PARK_SHIFT)) {
      long left = timed ? deadline - System.nanoTime() : Long.MAX_VALUE;
      if (left <= 0) {
        result = TIMED_OUT;
        break;
      }
      if (attempt < spins) {
        Thread.onSpinWait();
      } else if (attempt < spins + YIELDS) {
        Thread.yield();
      } else {
        LockSupport.parkNanos(this, Math.min(left, MIN_PARK_NANOS << (attempt - spins - YIELDS)));
      }
      // Park returns at once while the interrupt status is set, so clear it and remember it.
      if (Thread.interrupted()) {
        interrupted = true;
        if (interruptible) {
          result = INTERRUPTED;
          break;
        }
      }
    }
    if (interrupted && result != INTERRUPTED) {
      Thread.currentThread().interrupt();
    }
    return result;
  }

  private void checkNotHeldByCaller() {
    if (owner == Thread.currentThread()) {
      throw new IllegalStateException("TasLock is not reentrant: this thread already holds it");
    }
  }

  /**
   * A condition variable for any non-reentrant lock of this file. Its queue is guarded by the lock
   * itself: await, signal and signalAll run only while the caller holds the lock.
   */
  private final class SpinCondition implements Condition {
    private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();

    @Override
    public void await() throws InterruptedException {
      if (await(true, false, 0L) == INTERRUPTED) {
        throw new InterruptedException();
      }
    }

    @Override
    public void awaitUninterruptibly() {
      await(false, false, 0L);
    }

    @Override
    public long awaitNanos(long nanosTimeout) throws InterruptedException {
      long start = System.nanoTime();
      if (await(true, true, nanosTimeout) == INTERRUPTED) {
        throw new InterruptedException();
      }
      return nanosTimeout - (System.nanoTime() - start);
    }

    @Override
    public boolean await(long time, TimeUnit unit) throws InterruptedException {
      int result = await(true, true, unit.toNanos(time));
      if (result == INTERRUPTED) {
        throw new InterruptedException();
      }
      return result == ACQUIRED;
    }

    @Override
    public boolean awaitUntil(Date deadline) throws InterruptedException {
      return await(deadline.getTime() - System.currentTimeMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void signal() {
      checkHeld();
      Waiter w = waiters.pollFirst();
      if (w != null) {
        w.signalled = true;
        LockSupport.unpark(w.thread);
      }
    }

    @Override
    public void signalAll() {
      checkHeld();
      for (Waiter w; (w = waiters.pollFirst()) != null; ) {
        w.signalled = true;
        LockSupport.unpark(w.thread);
      }
    }

    /** Returns ACQUIRED if signalled, else TIMED_OUT or INTERRUPTED; holds the lock again. */
    private int await(boolean interruptible, boolean timed, long nanos) {
      if (interruptible && Thread.interrupted()) {
        return INTERRUPTED;
      }
      checkHeld();
      Waiter w = new Waiter();
      waiters.addLast(w);
      long deadline = System.nanoTime() + nanos;
      unlock();
      boolean interrupted = false;
      while (!w.signalled) {
        if (!timed) {
          LockSupport.park(this);
        } else if (deadline - System.nanoTime() > 0) {
          LockSupport.parkNanos(this, deadline - System.nanoTime());
        } else {
          break;
        }
        if (Thread.interrupted()) {
          interrupted = true;
          if (interruptible) {
            break;
          }
        }
      }
      lock();
      // Stable now: signalled is written only by a holder of the lock, which we hold.
      boolean signalled = w.signalled;
      if (!signalled) {
        waiters.remove(w);
      }
      if (interrupted && (signalled || !interruptible)) {
        Thread.currentThread().interrupt();
      }
      return signalled ? ACQUIRED : interrupted && interruptible ? INTERRUPTED : TIMED_OUT;
    }

    private void checkHeld() {
      if (!isHeldByCurrentThread()) {
        throw new IllegalMonitorStateException("the calling thread does not hold the lock");
      }
    }
  }

  /** A thread waiting on a condition. */
  private static final class Waiter {
    final Thread thread = Thread.currentThread();

    /** Set, under the lock, by the signal that chose this waiter. */
    volatile boolean signalled;
  }
}
