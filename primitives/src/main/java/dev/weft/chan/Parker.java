package dev.weft.chan;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

/**
 * The wait state of one blocked operation: a single send or receive, or a whole select with one
 * {@link Waiter} per clause.
 *
 * <p>{@code state} starts at {@link #WAITING} and changes once per wait, by compare-and-set: to the
 * index of the clause that a partner completed ({@link #tryClaim}), or to {@link #CANCELLED} when
 * the waiting thread gives up on timeout or interrupt ({@link #tryCancel}). Whoever wins the race
 * decides the outcome, which is what makes "exactly one clause completes" and "an interrupted
 * operation has no effect" hold.
 *
 * <p>A partner that hands the waiter a value without holding a lock that the waiter's other
 * partners also need ({@link RendezvousChannel}) claims in two steps: {@link #beginClaim} moves the
 * state to {@link #BUSY}, which only one partner can do, the partner then writes the value, and
 * {@link #endClaim} publishes the clause with a volatile store. A waiter that sees {@code BUSY} has
 * lost any race to cancel and waits for the final state. A partner with nothing to write (a
 * receiver taking a waiting sender's value) claims in one step, with {@link #tryClaim}.
 *
 * <p>Parking handshake: the waiter stores {@code parked = true} and then re-reads {@code state}; a
 * partner stores {@code state} (the claim) and then reads {@code parked}. Both are volatile, so at
 * least one of them sees the other's store: either the waiter does not park, or the partner unparks
 * it.
 */
class Parker {
  static final int WAITING = -1;
  static final int CANCELLED = -2;

  /** {@link #await} result: the deadline passed and the operation was cancelled. */
  static final int TIMED_OUT = -3;

  /** {@link #await} result: the thread was interrupted and the operation was cancelled. */
  static final int INTERRUPTED = -4;

  /** A partner has claimed the operation and is writing its result; the clause follows. */
  static final int BUSY = -5;

  private static final VarHandle STATE;

  static {
    try {
      STATE = MethodHandles.lookup().findVarHandle(Parker.class, "state", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  final Thread thread = Thread.currentThread();
  private volatile int state;
  private volatile boolean parked;

  Parker() {
    // A plain store: partners reach a parker only through a release (the compare-and-set that
    // links its waiter, or a channel lock), so a volatile store here would only add a fence.
    STATE.set(this, WAITING);
  }

  /** A partner completes clause {@code clause} for this waiter; false if it lost the race. */
  boolean tryClaim(int clause) {
    return STATE.compareAndSet(this, WAITING, clause);
  }

  /**
   * First step of a two-step claim: a partner takes the operation; false if it lost the race. The
   * winner writes what it hands over and then calls {@link #endClaim}.
   */
  boolean beginClaim() {
    return STATE.compareAndSet(this, WAITING, BUSY);
  }

  /**
   * Second step: publishes the claimed clause. The volatile store orders the partner's writes
   * before the waiter's read of the state.
   */
  void endClaim(int clause) {
    state = clause;
  }

  /** Whether the operation still waits for a partner: nobody has claimed or cancelled it. */
  boolean isWaiting() {
    return state == WAITING;
  }

  /** The waiter gives up; false if a partner has claimed it first. */
  boolean tryCancel() {
    return STATE.compareAndSet(this, WAITING, CANCELLED);
  }

  /**
   * Makes a claimed parker wait again, so that an operation that retries after a wake-up (see
   * {@link RingChannel}) registers the same waiter instead of a new one. Only the owner calls this,
   * after {@link #await} returned a claim: the claimer has already dequeued the waiter, so nobody
   * can claim it until it is enqueued again, and a wake-up that the claimer has yet to deliver
   * unparks the thread once too often, which {@link #await} tolerates.
   */
  void reset() {
    parked = false;
    state = WAITING;
  }

  /** Called by the partner after a successful claim, outside any channel lock. */
  void wake() {
    if (parked) {
      LockSupport.unpark(thread);
    }
  }

  /**
   * Waits for the clause of a claim in progress: the partner that moved the state to {@link #BUSY}
   * publishes it two plain steps later, so this spins, and yields every 64th time in case that
   * partner was preempted in between. Parking here, as this class once did, cost a platform thread
   * a whole wake-up (tens of microseconds on the benchmarks' VM) for a wait of nanoseconds
   * (hand-off-floor.md, section 13).
   *
   * @return the clause
   */
  private int awaitClause() {
    int s;
    for (int i = 1; (s = state) == BUSY; i++) {
      if ((i & 63) == 0) {
        Thread.yield();
      } else {
        Thread.onSpinWait();
      }
    }
    return s;
  }

  /**
   * Waits until a partner claims this operation, or cancels it on interrupt or when {@code
   * deadline} (a {@link System#nanoTime()} value; ignored if {@code timed} is false) passes. If
   * {@code spinOn} is not null, it first spins for {@link Spin#budget(AbstractChannel)}, or where
   * that is 0 for {@link Spin#brief()}, and records how that went.
   *
   * @return the index of the claimed clause, {@link #TIMED_OUT} or {@link #INTERRUPTED}. A claim
   *     that wins against an interrupt is returned with the thread's interrupt status set.
   */
  int await(boolean timed, long deadline, AbstractChannel<?> spinOn) {
    int s;
    long budget = spinOn == null ? 0 : Spin.budget(spinOn);
    boolean brief = false;
    if (spinOn != null && budget == 0) { // backed off: a platform thread still spins briefly
      budget = Spin.brief();
      brief = budget > 0;
    }
    if (budget > 0) {
      long start = System.nanoTime();
      for (int i = 1; ; i++) {
        if ((s = state) >= 0 || s == CANCELLED || s == BUSY) {
          // A partner that came only late in the budget counts against spinning, as a miss does;
          // one that came within a brief spin shows that spinning pays again.
          Spin.record(
              spinOn,
              brief || i <= Spin.CHECK_CLOCK_EVERY || System.nanoTime() - start < budget / 2);
          return s == BUSY ? awaitClause() : s;
        }
        Thread.onSpinWait();
        if (i % Spin.CHECK_CLOCK_EVERY == 0) {
          if (System.nanoTime() - start > budget) {
            if (!brief) { // a brief spin that fails says nothing the backoff does not know
              Spin.record(spinOn, false);
            }
            break;
          }
          if (!brief && i % Spin.YIELD_EVERY == 0) {
            Thread.yield(); // if the partner shares this core, let it run
          }
        }
      }
    }
    parked = true;
    boolean interruptedAfterClaim = false;
    while ((s = state) < 0 && s != CANCELLED) {
      if (s == BUSY) {
        awaitClause(); // too late to cancel: an interrupt stays pending for the caller
        continue;
      }
      if (Thread.interrupted()) {
        if (tryCancel()) {
          return INTERRUPTED;
        }
        interruptedAfterClaim = true; // a partner won the race: the operation completed
        continue;
      }
      if (timed) {
        long remaining = deadline - System.nanoTime();
        if (remaining <= 0) {
          if (tryCancel()) {
            return TIMED_OUT;
          }
          continue;
        }
        LockSupport.parkNanos(this, remaining);
      } else {
        LockSupport.park(this);
      }
    }
    if (interruptedAfterClaim) {
      Thread.currentThread().interrupt();
    }
    return s;
  }
}
