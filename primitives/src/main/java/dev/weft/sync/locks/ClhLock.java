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
 * The CLH queue lock: waiting threads form an implicit queue, each spinning on a field of its
 * predecessor's node, which the predecessor sets when it releases the lock.
 *
 * {@snippet :
 * Lock lock = new ClhLock();
 * lock.lock();
 * try {
 *   counter++;
 * } finally {
 *   lock.unlock();
 * }
 * }
 *
 * <p>FIFO, and like {@code McsLock} each hand-off touches only the two threads concerned. A CLH
 * release is a single store when somebody waits (the releaser need not find its successor), and a
 * waiter needs only one atomic swap to join; the price is that each waiter watches memory that its
 * predecessor allocated, which on machines with non-uniform memory may be remote.
 *
 * <p><b>Waiting.</b> A waiter spins on its predecessor's node with {@link Thread#onSpinWait()} for
 * a bounded number of polls (fewer on a virtual thread, none on a single processor), then records
 * itself in that node and parks; the predecessor unparks it when it releases or gives up. Spinning
 * is cheapest when the holder is about to release on another core; parking gives the processor away
 * when threads outnumber cores and releases a virtual thread's carrier. As with any FIFO lock, a
 * hand-off to a thread that has no processor waits until it gets one, so throughput drops once
 * runnable threads outnumber cores.
 *
 * <p><b>Fairness.</b> FIFO: threads enter in the order their {@link #lock()}, {@link
 * #lockInterruptibly()} or timed {@link #tryLock(long, TimeUnit)} joined the queue. {@link
 * #tryLock()} takes the lock only if nobody holds it or waits for it.
 *
 * <p><b>Not reentrant.</b> A thread that tries to acquire the lock while holding it gets an {@link
 * IllegalStateException} instead of waiting forever. {@link #unlock()} from a thread that does not
 * hold the lock throws {@link IllegalMonitorStateException}.
 *
 * <p><b>Interruption and timeouts.</b> {@link #lock()} is not interruptible (an interrupt while
 * waiting is kept in the thread's interrupt status). {@link #lockInterruptibly()} and {@link
 * #tryLock(long, TimeUnit)} queue like {@link #lock()}; a thread that gives up on interrupt or
 * timeout leaves at once, without the lock: if it is last in the queue it removes its node,
 * otherwise it points its node at its own predecessor, and its successor, which was watching that
 * node, moves on to watch the predecessor instead. Giving up is constant time; each abandoned node
 * costs its successor one more step.
 *
 * <p><b>Conditions.</b> {@link #newCondition()} is supported: waiters park, and a woken waiter
 * reacquires the lock with {@link #lock()}, at the back of the queue.
 *
 * <p><b>Memory visibility.</b> {@link #unlock()} happens-before every later acquisition of the same
 * lock.
 *
 * <p><b>Copying.</b> This file depends on nothing but the JDK; copy it alone.
 */
public final class ClhLock implements Lock {
  /*
   * Implementation overview.
   *
   * The queue lock of T. S. Craig ("Building FIFO and priority-queuing spin locks from atomic
   * swap", University of Washington TR 93-02-02, 1993) and of P. Magnusson, A. Landin and E.
   * Hagersten ("Queue locks on cache coherent multiprocessors", IPPS 1994), in the form with
   * timeouts of M. L. Scott and W. N. Scherer III ("Scalable queue-based spin locks with timeout",
   * PPoPP 2001) as Herlihy and Shavit present it (The Art of Multiprocessor Programming, 2008,
   * section 7.6, TOLock). Each node's `pred` field says what its successor should do:
   *
   *     null        the node's thread holds the lock or waits for it: keep waiting
   *     AVAILABLE   the node's thread released the lock: the successor holds it now
   *     some node   the node's thread gave up: wait on that node (its predecessor) instead
   *
   *     tail ──────────────────────────────────┐
   *                                            v
   *     [holder] <──watches── [waiter] <──watches── [waiter]
   *
   *     lock:   node = new Node(); pred = getAndSet(tail, node);
   *             if (pred == null) return;
   *             while ((p = pred.pred) != AVAILABLE) if (p != null) pred = p; else wait;
   *     unlock: if (!compareAndSet(tail, node, null)) node.pred = AVAILABLE;
   *     give up: if (!compareAndSet(tail, node, pred)) node.pred = pred;
   *
   * A node's pred field changes at most once, from null; nodes are never reused, so there is no
   * ABA. tryLock walks from tail past abandoned nodes: if the walk ends at AVAILABLE (or the queue
   * is empty) the lock is free and a compareAndSet of tail from the node it read makes the caller
   * the successor of a released chain, which holds the lock at once.
   *
   * The getAndSet and compareAndSet on tail and the volatile pred fields carry the happens-before
   * edge from one holder to the next. The holder's node is kept in a plain field, `holder`, that
   * only the holder writes (after acquiring) and clears (before releasing); unlock reads it to find
   * its node, and its thread field tells whether the caller holds the lock.
   *
   * How this code differs from the papers:
   * - Parking. After a bounded spin a waiter writes its thread into the watched node's `waiter`
   *   field (volatile) and parks if that node's pred is still null; whoever sets pred (a release
   *   or a give-up) then reads `waiter` and unparks it. Both sides write, then read, volatile
   *   fields, so at least one sees the other: no lost wake-up. A stale `waiter` (a thread that
   *   moved on) at worst receives a spurious unpark, which every park loop tolerates.
   * - A fresh node per acquisition, as in TOLock: the original CLH lock recycles the
   *   predecessor's node, which is impossible once nodes can be abandoned.
   */

  private static final VarHandle TAIL;

  static {
    try {
      TAIL = MethodHandles.lookup().findVarHandle(ClhLock.class, "tail", Node.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** The value of a released node's pred field. */
  private static final Node AVAILABLE = new Node(null);

  private static final boolean MULTIPROCESSOR = Runtime.getRuntime().availableProcessors() > 1;

  /** Polls before a platform thread parks. */
  private static final int PLATFORM_SPINS = 1 << 10;

  /** Polls before a virtual thread parks: it keeps its carrier while it spins. */
  private static final int VIRTUAL_SPINS = 1 << 7;

  private static final int ACQUIRED = 0;
  private static final int TIMED_OUT = 1;
  private static final int INTERRUPTED = 2;

  /** The last node of the queue; null when nobody has queued since it was last empty. */
  private volatile Node tail;

  /** The holder's node; plain: written only by the holder (see the overview). */
  private Node holder;

  /** Creates an unlocked lock. */
  public ClhLock() {}

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
   * Acquires the lock if nobody holds it or waits for it now; never waits.
   *
   * @return true if the lock was acquired
   * @throws IllegalStateException if the calling thread already holds the lock
   */
  @Override
  public boolean tryLock() {
    Node t = tail;
    if (t != null) {
      Node p = t.pred;
      while (p != null && p != AVAILABLE) {
        p = p.pred; // t gave up: look at its predecessor
      }
      if (p == null) {
        checkNotHeldByCaller();
        return false; // someone holds the lock or waits for it
      }
    }
    Node node = new Node(Thread.currentThread());
    if (TAIL.compareAndSet(this, t, node)) {
      holder = node; // plain: only the holder writes it
      return true;
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
          "unlock of a ClhLock by " + Thread.currentThread() + ", which does not hold it");
    }
    holder = null; // plain: ordered before the volatile writes that release the lock
    if (!TAIL.compareAndSet(this, node, null)) {
      mark(node, AVAILABLE); // a successor is queued: it watches node
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
   * @return true if the lock is held or waited for
   */
  public boolean isLocked() {
    Node p = tail;
    while (p != null && p != AVAILABLE) {
      p = p.pred;
      if (p == null) {
        return true;
      }
    }
    return false;
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
    return "ClhLock[" + (h == null ? "unlocked]" : "locked by " + h.thread.getName() + "]");
  }

  /**
   * Joins the queue and waits for the lock; on timeout or (if interruptible) interrupt, abandons
   * its node. Returns ACQUIRED, TIMED_OUT or INTERRUPTED.
   */
  private int acquire(boolean interruptible, boolean timed, long deadline) {
    checkNotHeldByCaller();
    Node node = new Node(Thread.currentThread());
    Node pred = (Node) TAIL.getAndSet(this, node);
    int result = pred == null ? ACQUIRED : awaitTurn(node, pred, interruptible, timed, deadline);
    if (result == ACQUIRED) {
      holder = node; // plain: only the holder writes it
    }
    return result;
  }

  private int awaitTurn(Node node, Node pred, boolean interruptible, boolean timed, long deadline) {
    int spins =
        MULTIPROCESSOR ? (Thread.currentThread().isVirtual() ? VIRTUAL_SPINS : PLATFORM_SPINS) : 0;
    boolean interrupted = false;
    int result = ACQUIRED;
    int polls = 0;
    for (Node p; (p = pred.pred) != AVAILABLE; ) {
      if (p != null) {
        pred = p; // pred gave up: watch its predecessor instead
        continue;
      }
      long left = timed ? deadline - System.nanoTime() : Long.MAX_VALUE;
      if (left <= 0 || (interrupted && interruptible)) {
        // Give up. If node is last, take it out of the queue; else send the successor to pred.
        if (!TAIL.compareAndSet(this, node, pred)) {
          mark(node, pred);
        }
        result = left <= 0 ? TIMED_OUT : INTERRUPTED;
        break;
      }
      if (polls < spins) {
        Thread.onSpinWait();
        polls++;
      } else {
        pred.waiter = node.thread; // volatile: whoever sets pred.pred reads it afterwards
        if (pred.pred == null) {
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

  /** Sets node.pred, once, and wakes the successor if it parked on node. */
  private static void mark(Node node, Node pred) {
    node.pred = pred; // volatile: releases the lock (AVAILABLE) or redirects the successor
    Thread w = node.waiter;
    if (w != null) {
      LockSupport.unpark(w);
    }
  }

  private void checkNotHeldByCaller() {
    if (isHeldByCurrentThread()) {
      throw new IllegalStateException("ClhLock is not reentrant: this thread already holds it");
    }
  }

  /** A queue node: one per acquisition. */
  private static final class Node {
    /** The thread that queued this node; null for AVAILABLE. */
    final Thread thread;

    /** Null while waiting or holding; then AVAILABLE (released) or the node to wait on instead. */
    volatile Node pred;

    /** The successor's thread, once it has parked (or is about to park) on this node. */
    volatile Thread waiter;

    Node(Thread thread) {
      this.thread = thread;
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
