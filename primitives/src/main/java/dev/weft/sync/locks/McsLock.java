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
 * The MCS queue lock: waiting threads form a linked queue, each spins on a flag in its own queue
 * node, and the holder hands the lock to its successor by setting that flag.
 *
 * {@snippet :
 * Lock lock = new McsLock();
 * lock.lock();
 * try {
 *   counter++;
 * } finally {
 *   lock.unlock();
 * }
 * }
 *
 * <p>FIFO, and each hand-off touches only the two threads concerned: waiters never read a shared
 * word, so the cost of a release does not grow with the number of waiters. The price is a queue
 * node per acquisition (a small allocation) and an extra compare-and-set in {@link #unlock()} when
 * nobody waits.
 *
 * <p><b>Waiting.</b> A waiter spins on its own node with {@link Thread#onSpinWait()} for a bounded
 * number of polls (fewer on a virtual thread, none on a single processor), then parks; the holder
 * that hands it the lock unparks it. Spinning is cheapest when the holder is about to release on
 * another core; parking gives the processor away when threads outnumber cores and releases a
 * virtual thread's carrier. As with any FIFO lock, a hand-off to a thread that has no processor
 * waits until it gets one, so throughput drops once runnable threads outnumber cores.
 *
 * <p><b>Fairness.</b> FIFO: threads enter in the order their {@link #lock()}, {@link
 * #lockInterruptibly()} or timed {@link #tryLock(long, TimeUnit)} joined the queue. {@link
 * #tryLock()} takes the lock only if the queue is empty.
 *
 * <p><b>Not reentrant.</b> A thread that tries to acquire the lock while holding it gets an {@link
 * IllegalStateException} instead of waiting forever. {@link #unlock()} from a thread that does not
 * hold the lock throws {@link IllegalMonitorStateException}.
 *
 * <p><b>Interruption and timeouts.</b> {@link #lock()} is not interruptible (an interrupt while
 * waiting is kept in the thread's interrupt status). {@link #lockInterruptibly()} and {@link
 * #tryLock(long, TimeUnit)} queue like {@link #lock()}; a thread that gives up on interrupt or
 * timeout marks its node abandoned and returns at once, without the lock. It does not unlink the
 * node: the holder that reaches an abandoned node passes the lock on to the node after it, as if
 * the abandoned thread had taken the lock and released it at once. So giving up is constant time,
 * and a release costs one step more per abandoned node it passes. If the lock is handed to a thread
 * at the moment it gives up, the hand-off wins: the thread returns holding the lock (from {@code
 * lockInterruptibly}, with its interrupt status set).
 *
 * <p><b>Conditions.</b> {@link #newCondition()} is supported: waiters park, and a woken waiter
 * reacquires the lock with {@link #lock()}, at the back of the queue.
 *
 * <p><b>Memory visibility.</b> {@link #unlock()} happens-before every later acquisition of the same
 * lock.
 *
 * <p><b>Copying.</b> This file depends on nothing but the JDK; copy it alone.
 */
public final class McsLock implements Lock {
  /*
   * Implementation overview.
   *
   * The list-based queue lock of J. M. Mellor-Crummey and M. L. Scott, "Algorithms for Scalable
   * Synchronization on Shared-Memory Multiprocessors" (ACM TOCS 9(1), 1991, section 2.4,
   * algorithm 5). The lock is a pointer to the last node of a queue; the holder's node is first.
   *
   *        tail ───────────────────────────────┐
   *                                            v
   *     [holder] ──next──> [waiter] ──next──> [waiter]
   *                        spins on its own state; parks after a while
   *
   *     lock:   node = new Node(); pred = getAndSet(tail, node);
   *             if (pred != null) { pred.next = node; wait until node.state == GRANTED; }
   *     unlock: if (node.next == null) {
   *               if (compareAndSet(tail, node, null)) return;   // nobody waits
   *               wait until node.next != null;                  // a successor is linking in
   *             }
   *             node.next.state = GRANTED;
   *
   * The getAndSet on tail and the volatile state fields carry the happens-before edge from one
   * holder to the next. The holder's node is kept in a plain field, `holder`, that only the holder
   * writes (after acquiring) and clears (before releasing); unlock reads it to find its node, and
   * its thread field tells whether the caller holds the lock.
   *
   * How this code differs from the paper:
   * - Parking. After a bounded spin a waiter sets node.parked (volatile) and parks if its state is
   *   still WAITING; the releaser sets the state, then reads parked and unparks. Both sides write,
   *   then read, volatile fields, so at least one sees the other: no lost wake-up.
   * - Abandonment, for timeouts and interrupts. A waiter gives up with compareAndSet(state,
   *   WAITING, ABANDONED); the releaser grants with compareAndSet(state, WAITING, GRANTED), and
   *   exactly one of them wins. A releaser that loses treats the abandoned node as the holder and
   *   releases it in turn (the same loop), so abandoned nodes are skipped without being unlinked
   *   and without their threads doing anything more. Scott and Scherer's MCS-NB-try ("Scalable
   *   queue-based spin locks with timeout", PPoPP 2001) unlinks a leaving node instead, which
   *   needs a handshake with both neighbours; skipping at release is simpler and keeps abandoning
   *   constant time, at the price of nodes that stay queued until the lock passes them.
   * - Nodes. A fresh node per acquisition, rather than one per thread reused: an abandoned node
   *   may stay queued after its thread has gone, so it cannot be reused; and a per-thread node
   *   would cost a ThreadLocal lookup per acquisition.
   * - The paper's waiters spin for ever; here the releaser's own wait for a successor's link
   *   (between that successor's getAndSet and its store to pred.next) also spins only briefly,
   *   then yields, in case the successor is a descheduled thread.
   */

  private static final VarHandle TAIL;
  private static final VarHandle STATE;

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      TAIL = lookup.findVarHandle(McsLock.class, "tail", Node.class);
      STATE = lookup.findVarHandle(Node.class, "state", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private static final boolean MULTIPROCESSOR = Runtime.getRuntime().availableProcessors() > 1;

  /** Polls before a platform thread parks. */
  private static final int PLATFORM_SPINS = 1 << 10;

  /** Polls before a virtual thread parks: it keeps its carrier while it spins. */
  private static final int VIRTUAL_SPINS = 1 << 7;

  private static final int WAITING = 0;
  private static final int GRANTED = 1;
  private static final int ABANDONED = 2;

  private static final int ACQUIRED = 0;
  private static final int TIMED_OUT = 1;
  private static final int INTERRUPTED = 2;

  /** The last node of the queue, null when the lock is free; through {@link #TAIL}. */
  private volatile Node tail;

  /** The holder's node; plain: written only by the holder (see the overview). */
  private Node holder;

  /** Creates an unlocked lock. */
  public McsLock() {}

  /**
   * Acquires the lock, waiting as long as it takes, after every thread that queued earlier. Not
   * interruptible: if the thread is interrupted while waiting, it still acquires the lock and
   * returns with its interrupt status set.
   *
   * @throws IllegalStateException if the calling thread already holds the lock
   */
  @Override
  public void lock() {
    acquire(false, false, 0L);
  }

  /**
   * Acquires the lock unless the thread is interrupted first; waits in the queue like {@link
   * #lock()} and abandons its place if interrupted.
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
    if (acquire(true, false, 0L) == INTERRUPTED) {
      throw new InterruptedException();
    }
  }

  /**
   * Acquires the lock if it is free now and nobody waits; never waits.
   *
   * @return true if the lock was acquired
   * @throws IllegalStateException if the calling thread already holds the lock
   */
  @Override
  public boolean tryLock() {
    if (tail == null) {
      Node node = new Node();
      if (TAIL.compareAndSet(this, null, node)) {
        holder = node; // plain: only the holder writes it
        return true;
      }
    }
    checkNotHeldByCaller();
    return false;
  }

  /**
   * Acquires the lock if it becomes free within the timeout; waits in the queue like {@link
   * #lock()} and abandons its place on timeout or interrupt.
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
    if (nanos <= 0) {
      return tryLock();
    }
    int result = acquire(true, true, System.nanoTime() + nanos);
    if (result == INTERRUPTED) {
      throw new InterruptedException();
    }
    return result == ACQUIRED;
  }

  /**
   * Releases the lock to the next thread in the queue that has not given up.
   *
   * @throws IllegalMonitorStateException if the calling thread does not hold the lock
   */
  @Override
  public void unlock() {
    Node node = holder;
    if (node == null || node.thread != Thread.currentThread()) {
      throw new IllegalMonitorStateException(
          "unlock of an McsLock by " + Thread.currentThread() + ", which does not hold it");
    }
    holder = null; // plain: ordered before the volatile writes that release the lock
    while (true) {
      Node next = node.next;
      if (next == null) {
        if (TAIL.compareAndSet(this, node, null)) {
          return; // nobody waits
        }
        next = awaitLink(node);
      }
      if (STATE.compareAndSet(next, WAITING, GRANTED)) {
        if (next.parked) {
          LockSupport.unpark(next.thread);
        }
        return;
      }
      node = next; // next gave up: release on its behalf, to the node after it
    }
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
   * Reports whether some thread holds the lock or waits for it now; for monitoring, not for
   * synchronisation.
   *
   * @return true if the queue is not empty
   */
  public boolean isLocked() {
    return tail != null;
  }

  /**
   * Reports whether the calling thread holds the lock.
   *
   * @return true if the calling thread holds it
   */
  public boolean isHeldByCurrentThread() {
    Node h = holder;
    return h != null && h.thread == Thread.currentThread();
  }

  @Override
  public String toString() {
    Node h = holder;
    return "McsLock[" + (h == null ? "unlocked]" : "locked by " + h.thread.getName() + "]");
  }

  /** Joins the queue and waits, interruptibly, with or without a deadline. */
  private int acquire(boolean interruptible, boolean timed, long deadline) {
    checkNotHeldByCaller();
    Node node = new Node();
    Node pred = (Node) TAIL.getAndSet(this, node);
    if (pred != null) {
      pred.next = node; // volatile: the releaser of pred waits for this link
      int result = awaitGrant(node, interruptible, timed, deadline);
      if (result != ACQUIRED) {
        return result;
      }
    }
    holder = node; // plain: only the holder writes it
    return ACQUIRED;
  }

  /**
   * Waits until {@code node} is granted the lock; on timeout or (if interruptible) interrupt,
   * abandons it unless the grant comes first. Returns ACQUIRED, TIMED_OUT or INTERRUPTED.
   */
  private int awaitGrant(Node node, boolean interruptible, boolean timed, long deadline) {
    int spins =
        MULTIPROCESSOR ? (Thread.currentThread().isVirtual() ? VIRTUAL_SPINS : PLATFORM_SPINS) : 0;
    boolean interrupted = false;
    int result = ACQUIRED;
    for (int polls = 0; node.state != GRANTED; ) {
      long left = timed ? deadline - System.nanoTime() : Long.MAX_VALUE;
      if (left <= 0 || (interrupted && interruptible)) {
        if (STATE.compareAndSet(node, WAITING, ABANDONED)) {
          result = left <= 0 ? TIMED_OUT : INTERRUPTED;
        }
        break; // abandoned, or granted just now
      }
      if (polls < spins) {
        Thread.onSpinWait();
        polls++;
      } else {
        node.parked = true; // volatile: the releaser reads it after granting
        if (node.state == WAITING) {
          if (timed) {
            LockSupport.parkNanos(this, left);
          } else {
            LockSupport.park(this);
          }
        }
      }
      // Park returns at once while the interrupt status is set, so clear it and remember it.
      if (Thread.interrupted()) {
        interrupted = true;
      }
    }
    if (interrupted && result != INTERRUPTED) {
      Thread.currentThread().interrupt();
    }
    return result;
  }

  /** Waits for the successor that has swapped itself into tail to link itself behind node. */
  private static Node awaitLink(Node node) {
    Node next;
    for (int polls = 0; (next = node.next) == null; polls++) {
      if (polls < VIRTUAL_SPINS) {
        Thread.onSpinWait();
      } else {
        Thread.yield(); // the successor may have no processor between its two steps
      }
    }
    return next;
  }

  private void checkNotHeldByCaller() {
    if (isHeldByCurrentThread()) {
      throw new IllegalStateException("McsLock is not reentrant: this thread already holds it");
    }
  }

  /** A queue node: one per acquisition. */
  private static final class Node {
    final Thread thread = Thread.currentThread();

    /** The successor, linked by it after it has swapped itself into tail. */
    volatile Node next;

    /** WAITING, then GRANTED by the predecessor's release or ABANDONED by this node's thread. */
    volatile int state;

    /** Set by this node's thread before it parks, so that the granter knows to unpark it. */
    volatile boolean parked;
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
