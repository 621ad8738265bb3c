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
 * A ticket lock: a thread takes the next number from a dispenser and waits until the lock's "now
 * serving" counter shows it, so threads enter in the order they arrived.
 *
 * {@snippet :
 * Lock lock = new TicketLock();
 * lock.lock();
 * try {
 *   counter++;
 * } finally {
 *   lock.unlock();
 * }
 * }
 *
 * <p>Fair (first come, first served) at the cost of one atomic increment per acquisition, and with
 * waiters reading one shared counter: every release invalidates every waiter's copy. Waiters back
 * off in proportion to their distance from the head of the line, as Mellor-Crummey and Scott
 * propose, so those far back read less often.
 *
 * <p><b>Waiting.</b> A waiter polls the counter with {@link Thread#onSpinWait()} between polls,
 * more of them the further back it is in line (proportional backoff), for a bounded number of
 * {@code onSpinWait} calls (fewer on a virtual thread, none on a single processor), but only while
 * fewer threads are ahead of it than there are processors: one further back yields at once, since
 * its spinning would take a processor from the holder or from the threads next in line. Then it
 * parks for half of its expected wait, and yields instead when that is too short to be worth a park
 * (a park on Linux oversleeps by tens of microseconds), so the thread next in line only yields. The
 * expected wait is the threads ahead of it, less one, times how long holders typically hold the
 * lock while others wait (an estimate the holders keep, leaning to the short holds). Hold times,
 * unlike the times between hand-offs, do not grow when a waiter oversleeps its turn, so a late
 * waiter does not make the waiters behind it sleep longer; and sleeping half the estimate, then
 * looking again, wakes a waiter before its turn while the pace holds. Yielding and parking give the
 * processor to the holder when threads outnumber cores, and let a waiting virtual thread release
 * its carrier. The holder never wakes waiters. A FIFO lock still suffers most when threads
 * outnumber cores: if the thread whose turn it is has no processor, nobody can enter, which is what
 * this lock's benchmark curves show beyond the core count.
 *
 * <p>Timed and interruptible waits, which take no ticket (below), spin, then yield a few times,
 * then park for growing intervals (16 µs up to about 256 µs).
 *
 * <p><b>Fairness.</b> {@link #lock()} is FIFO. {@link #tryLock()}, {@link #tryLock(long, TimeUnit)}
 * and {@link #lockInterruptibly()} never take a ticket, because a ticket cannot be given back: a
 * thread that left the line with a ticket would stop the lock at its number for ever. They take the
 * lock only at a moment when it is free with nobody in line, so under a steady stream of {@link
 * #lock()} callers they may wait long (and a timed attempt may time out) although the lock keeps
 * changing hands.
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
 * reacquires the lock with {@link #lock()}, taking a new ticket.
 *
 * <p><b>Memory visibility.</b> {@link #unlock()} happens-before every later acquisition of the same
 * lock.
 *
 * <p><b>Copying.</b> This file depends on nothing but the JDK; copy it alone.
 */
public final class TicketLock implements Lock {
  /*
   * Implementation overview.
   *
   * The ticket lock with proportional backoff of J. M. Mellor-Crummey and M. L. Scott, "Algorithms
   * for Scalable Synchronization on Shared-Memory Multiprocessors" (ACM TOCS 9(1), 1991, section
   * 2.2, algorithm 2):
   *
   *     lock:   my = getAndAdd(next, 1);
   *             while ((s = serving) != my) spin for (my - s) * BASE;
   *     unlock: serving = serving + 1;   (release store; only the holder writes serving)
   *
   * Tickets are ints and may wrap around; only equality and differences are used, which survive
   * the wrap as long as fewer than 2^31 threads wait at once. The lock is free exactly when
   * next == serving. tryLock takes ticket `serving` only if it is the next one to be handed out,
   * with compareAndSet(next, s, s + 1) after reading serving == s: if it succeeds nobody holds or
   * waits for a ticket, so the caller owns the lock at once. Timed and interruptible waits repeat
   * that attempt, so no ticket is ever abandoned.
   *
   * How this code differs from the paper: the paper's waiters spin for ever. Here the spinning is
   * bounded, and only the waiters within a processor count of the head spin at all (the others
   * could only spin on a processor that the holder or the next in line needs: with 4 platform
   * threads on 2 cores and 10-token sections that rule took the lock from 0.13 to 1.04 operations
   * per microsecond, ADR 0031's addendum); then a waiter parks for half its expected wait,
   * (ahead - 1) times the typical hold time, which carries the paper's proportional backoff over
   * from spins to time, or yields when that is too short to park. So the lock degrades instead of
   * stopping when runnable threads outnumber cores, a virtual thread never keeps its carrier for
   * long, and a waiter is usually awake again by its turn (a FIFO lock stalls for as long as the
   * thread whose turn it is sleeps).
   *
   * The typical hold time (holdNanos) is a running estimate of how long holders hold the lock
   * while others wait: each holder that had someone queued behind it when it took the lock times
   * its hold and moves the estimate halfway down to a shorter hold, or a sixteenth of the way up to
   * a longer one, as it unlocks. Uncontended use reads no clock. The estimate leans low on purpose:
   * a waiter that wakes early only yields again, but one that sleeps past its turn stalls everyone
   * behind it, and the holds that run long are mostly holders that lost their processor, which an
   * average would let dominate. An earlier version estimated the time per hand-off that each waiter
   * had observed since it arrived. That fed on itself: a waiter that overslept its turn stalled the
   * line, which lengthened the hand-off times the waiters behind it measured, so they slept longer
   * still, and the lock settled near one hand-off per longest park (ADR 0031). A hold time does not
   * include the wait for the next thread to wake, so oversleeping does not feed back into it.
   *
   * The owner is kept in a plain field so that unlock can refuse a non-owner and a relock can be
   * refused instead of waiting forever; the owner writes it after acquiring and clears it before
   * releasing, so a thread reading it sees itself there only while it holds the lock. next and
   * serving share a cache line, as in the paper's one-word lock.
   */

  private static final VarHandle NEXT;
  private static final VarHandle SERVING;
  private static final VarHandle HOLD_NANOS;

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      NEXT = lookup.findVarHandle(TicketLock.class, "next", int.class);
      SERVING = lookup.findVarHandle(TicketLock.class, "serving", int.class);
      HOLD_NANOS = lookup.findVarHandle(TicketLock.class, "holdNanos", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private static final int PROCESSORS = Runtime.getRuntime().availableProcessors();

  private static final boolean MULTIPROCESSOR = PROCESSORS > 1;

  /** onSpinWait calls before a platform thread stops spinning. */
  private static final int PLATFORM_SPINS = 1 << 10;

  /**
   * onSpinWait calls before a virtual thread stops spinning: it keeps its carrier while it spins.
   */
  private static final int VIRTUAL_SPINS = 1 << 7;

  /** onSpinWait calls between two polls, per thread ahead in line. */
  private static final int BACKOFF_PER_TICKET = 1 << 3;

  /**
   * Yields after spinning, before parking, in timed and interruptible waits; and yields of a ticket
   * holder while the line does not move, before it parks.
   */
  private static final int YIELDS = 1 << 3;

  /**
   * The first park interval of timed and interruptible waits, which double it up to {@link
   * #MAX_PARK_SHIFT} times.
   */
  private static final long MIN_PARK_NANOS = 1 << 14;

  /**
   * The shortest park of a ticket holder, about 65 µs; it yields instead. Linux lets a parked
   * thread sleep about 50 µs past its deadline (timer slack), so shorter parks would oversleep by
   * more than they sleep.
   */
  private static final long MIN_TICKET_PARK_NANOS = 1 << 16;

  /** The longest park of a ticket holder, about a millisecond. */
  private static final long MAX_PARK_NANOS = 1 << 20;

  /** How fast the hold estimate falls to a shorter hold, as a shift: halfway each time. */
  private static final int HOLD_FALL_SHIFT = 1;

  /** How fast the hold estimate rises to a longer hold, as a shift: 1/16 of the way. */
  private static final int HOLD_RISE_SHIFT = 4;

  private static final int MAX_PARK_SHIFT = 4;

  private static final int ACQUIRED = 0;
  private static final int TIMED_OUT = 1;
  private static final int INTERRUPTED = 2;

  /** The next ticket to hand out; accessed through {@link #NEXT} or as a volatile. */
  private volatile int next;

  /** The ticket allowed in; written only by the holder, through {@link #SERVING}. */
  private volatile int serving;

  /** The holder; plain: written only by the holder (see the overview). */
  private Thread owner;

  /**
   * When the holder took the lock, if threads were queued behind it then, else 0; plain: only the
   * holder reads and writes it.
   */
  private long heldSince;

  /**
   * The typical hold time under contention, in nanoseconds; written by holders only, read by
   * waiters, through {@link #HOLD_NANOS} in opaque mode (an estimate needs no ordering, only a
   * whole long).
   */
  private long holdNanos;

  /** Creates an unlocked lock. */
  public TicketLock() {}

  /**
   * Acquires the lock, waiting as long as it takes, after every thread that called {@code lock()}
   * earlier. Not interruptible: if the thread is interrupted while waiting, it still acquires the
   * lock and returns with its interrupt status set.
   *
   * @throws IllegalStateException if the calling thread already holds the lock
   */
  @Override
  public void lock() {
    checkNotHeldByCaller();
    int ticket = (int) NEXT.getAndAdd(this, 1);
    if (serving != ticket) {
      awaitTurn(ticket);
    }
    owner = Thread.currentThread(); // plain: only the holder writes it
    // Time this hold only if someone waits behind it, so that uncontended use reads no clock.
    heldSince = next != ticket + 1 ? System.nanoTime() : 0L;
  }

  /**
   * Acquires the lock unless the thread is interrupted first. Takes no ticket: it waits until the
   * lock is free with nobody in line (see the class Javadoc).
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
    if (!tryAcquire() && poll(false, 0L) == INTERRUPTED) {
      throw new InterruptedException();
    }
  }

  /**
   * Acquires the lock if it is free now with nobody in line; never waits.
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
   * Acquires the lock if, within the timeout, it is free with nobody in line. Takes no ticket (see
   * the class Javadoc).
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
    int result = poll(true, System.nanoTime() + nanos);
    if (result == INTERRUPTED) {
      throw new InterruptedException();
    }
    return result == ACQUIRED;
  }

  /**
   * Releases the lock to the next thread in line.
   *
   * @throws IllegalMonitorStateException if the calling thread does not hold the lock
   */
  @Override
  public void unlock() {
    if (owner != Thread.currentThread()) {
      throw new IllegalMonitorStateException(
          "unlock of a TicketLock by " + Thread.currentThread() + ", which does not hold it");
    }
    owner = null; // plain: ordered before the release store below
    long since = heldSince;
    if (since != 0L) {
      heldSince = 0L;
      long estimate = (long) HOLD_NANOS.getOpaque(this);
      long held = System.nanoTime() - since;
      int shift = held < estimate ? HOLD_FALL_SHIFT : HOLD_RISE_SHIFT;
      HOLD_NANOS.setOpaque(this, estimate + ((held - estimate) >> shift));
    }
    // Release: publishes the critical section to the next holder. A read, then a store, is enough:
    // only the holder writes serving.
    SERVING.setRelease(this, serving + 1);
  }

  /**
   * Returns a new condition bound to this lock. Awaiting threads park; {@code signal} wakes the
   * longest-waiting one, which then reacquires the lock with {@link #lock()} (no hand-off).
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
    return next != serving;
  }

  /**
   * Reports how many threads hold or wait for a ticket; for monitoring, not for synchronisation.
   *
   * @return the number of tickets handed out and not yet served (the holder's included)
   */
  public int queueLength() {
    int s = serving;
    return next - s;
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
    return "TicketLock[" + (holder == null ? "unlocked]" : "locked by " + holder.getName() + "]");
  }

  /** Takes ticket {@code serving} if nobody holds or waits for one. */
  private boolean tryAcquire() {
    int s = serving;
    if (next == s && NEXT.compareAndSet(this, s, s + 1)) {
      owner = Thread.currentThread(); // plain: only the holder writes it
      return true;
    }
    return false;
  }

  /** Waits, not interruptibly, until {@code ticket} is served. */
  private void awaitTurn(int ticket) {
    int spins =
        MULTIPROCESSOR ? (Thread.currentThread().isVirtual() ? VIRTUAL_SPINS : PLATFORM_SPINS) : 0;
    boolean interrupted = false;
    int spun = 0;
    int seen = serving;
    int stalledYields = 0;
    for (int s; (s = serving) != ticket; ) {
      int ahead = ticket - s;
      if (s != seen) {
        seen = s;
        stalledYields = 0;
      }
      if (spun < spins && ahead < PROCESSORS) {
        // Spin only near the head of the line (see the overview).
        // Proportional backoff: the further back, the less often this waiter reads serving.
        int delay = Math.min(ahead * BACKOFF_PER_TICKET, spins - spun);
        for (int i = 0; i < delay; i++) {
          Thread.onSpinWait();
        }
        spun += Math.max(delay, 1);
      } else {
        // Proportional backoff in time: sleep through half of the holds ahead, less one, at the
        // typical hold time; yield instead when that is too short to park. If the line has not
        // moved for several yields, the thread it waits for has no processor (or, for virtual
        // threads, no carrier: yielding virtual threads can keep a woken one from being
        // scheduled for seconds), so park briefly to make room for it.
        long halfHold = Math.min((long) HOLD_NANOS.getOpaque(this) >> 1, MAX_PARK_NANOS);
        long sleep = Math.min((ahead - 1) * halfHold, MAX_PARK_NANOS);
        if (sleep >= MIN_TICKET_PARK_NANOS) {
          LockSupport.parkNanos(this, sleep);
        } else if (stalledYields < YIELDS) {
          stalledYields++;
          Thread.yield();
        } else {
          LockSupport.parkNanos(this, MIN_TICKET_PARK_NANOS);
        }
      }
      // Park returns at once while the interrupt status is set, so clear it and remember it.
      if (Thread.interrupted()) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Repeats {@link #tryAcquire()} until it succeeds, the deadline passes (if timed) or the thread
   * is interrupted. Returns ACQUIRED, TIMED_OUT or INTERRUPTED.
   */
  private int poll(boolean timed, long deadline) {
    checkNotHeldByCaller();
    int spins =
        MULTIPROCESSOR ? (Thread.currentThread().isVirtual() ? VIRTUAL_SPINS : PLATFORM_SPINS) : 0;
    for (int attempt = 0;
        !tryAcquire();
        attempt = Math.min(attempt + 1, spins + YIELDS + MAX_PARK_SHIFT)) {
      long left = timed ? deadline - System.nanoTime() : Long.MAX_VALUE;
      if (left <= 0) {
        return TIMED_OUT;
      }
      if (attempt < spins) {
        Thread.onSpinWait();
      } else if (attempt < spins + YIELDS) {
        Thread.yield();
      } else {
        LockSupport.parkNanos(this, Math.min(left, MIN_PARK_NANOS << (attempt - spins - YIELDS)));
      }
      if (Thread.interrupted()) {
        return INTERRUPTED;
      }
    }
    return ACQUIRED;
  }

  private void checkNotHeldByCaller() {
    if (owner == Thread.currentThread()) {
      throw new IllegalStateException("TicketLock is not reentrant: this thread already holds it");
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
