package dev.weft.chan;

import dev.weft.internal.Durations;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The one channel implementation: unbuffered, buffered or unlimited.
 *
 * <h2>Algorithm</h2>
 *
 * <p>This follows the design of Go's runtime ({@code runtime/chan.go} and {@code select.go}): each
 * channel has a small lock guarding a ring buffer and two FIFO wait queues, one of blocked senders
 * (each carrying its value) and one of blocked receivers. Two invariants make FIFO order and direct
 * hand-off simple:
 *
 * <ul>
 *   <li>receivers wait only while the buffer is empty, so a sender that finds a waiting receiver
 *       hands its value straight to it;
 *   <li>senders wait only while the buffer is full (always, for an unbuffered channel), so a
 *       receiver that takes from a full buffer moves the first waiting sender's value into the
 *       freed slot, and on an unbuffered channel takes the value from the sender itself.
 * </ul>
 *
 * <pre>
 *   senders:  [s1:v5] -> [s2:v6]          buffer: v1 v2 v3 v4 (full)
 *   receive(): takes v1, moves v5 into the buffer, completes s1
 * </pre>
 *
 * <p>A blocked operation is a {@link Parker} with one {@link Waiter} per clause (one for a plain
 * send or receive, one per clause for a select). A partner completes it by a compare-and-set on the
 * parker, so that of several waiters of one select, or a waiter racing its own timeout or
 * interrupt, exactly one outcome wins. A waiter that loses is simply dropped from the queue.
 *
 * <h2>Differences from Go</h2>
 *
 * <ul>
 *   <li>The lock is a spin lock that yields the processor after a short spin; critical sections are
 *       a few dozen instructions and never block or allocate.
 *   <li>A blocked thread spins briefly on its parker before parking ({@link Spin}), because a
 *       partner on another core usually arrives sooner than a park and unpark round trip.
 *   <li>Timeouts and interrupts cancel a wait by the same compare-and-set that partners use to
 *       complete it, so a cancelled operation has no effect.
 *   <li>Unlimited channels grow the ring instead of blocking senders.
 * </ul>
 *
 * <h2>Memory ordering</h2>
 *
 * <p>Buffer, queues and head are plain fields accessed only under the lock; the lock's acquiring
 * compare-and-set and releasing store order them. {@code count} and {@code closed} are also written
 * under the lock, but volatile so that {@link #size()} and {@link #isClosed()} can read them
 * without it. Values handed to a waiter are published by the claim (see {@link Waiter}).
 */
final class ChanImpl<T> implements Channel<T> {
  /** Handed to a waiter to say that the channel was closed instead of completing it. */
  static final Object CLOSED = new Object();

  /** A lock-held attempt found nothing ready. */
  static final Object EMPTY = new Object();

  private static final VarHandle LOCK;
  private static final AtomicLong IDS = new AtomicLong();
  private static final int INITIAL_RING = 16;

  static {
    try {
      LOCK = MethodHandles.lookup().findVarHandle(ChanImpl.class, "lock", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** Global order in which a select locks several channels. */
  final long id = IDS.incrementAndGet();

  private final int capacity;
  private final WaitQueue senders = new WaitQueue();
  private final WaitQueue receivers = new WaitQueue();
  private Object[] ring;
  private int head;
  private volatile int count;
  private volatile boolean closed;
  private Throwable closeCause;

  /** A waiter that the current lock holder has completed and must wake after unlocking. */
  private Waiter wakeAfterUnlock;

  @SuppressWarnings("unused") // accessed through LOCK
  private volatile int lock;

  ChanImpl(int capacity) {
    this.capacity = capacity;
    this.ring = capacity == 0 ? null : new Object[Math.min(capacity, INITIAL_RING)];
  }

  // ---------------------------------------------------------------------------------------------
  // Lock

  void lock() {
    if (!LOCK.compareAndSet(this, 0, 1)) {
      lockSlow();
    }
  }

  private void lockSlow() {
    int spins = 0;
    while (true) {
      if ((int) LOCK.getOpaque(this) == 0 && LOCK.compareAndSet(this, 0, 1)) {
        return;
      }
      if (++spins < Spin.LOCK) {
        Thread.onSpinWait();
      } else {
        spins = 0;
        Thread.yield(); // the holder may have been descheduled
      }
    }
  }

  void unlock() {
    LOCK.setRelease(this, 0); // release: publishes the critical section to the next holder
  }

  /** Unlocks, then wakes the waiter that the critical section completed, if any. */
  private void unlockAndWake() {
    Waiter w = wakeAfterUnlock;
    wakeAfterUnlock = null;
    unlock();
    if (w != null) {
      w.parker.wake();
    }
  }

  /** Takes the waiter to wake; the caller wakes it after releasing every lock. */
  Waiter takeWake() {
    Waiter w = wakeAfterUnlock;
    wakeAfterUnlock = null;
    return w;
  }

  // ---------------------------------------------------------------------------------------------
  // Lock-held steps, shared by plain operations and select

  /**
   * Under the lock: delivers {@code value} to a waiting receiver or the buffer if possible.
   *
   * @return true if delivered; false if the send would have to wait
   * @throws ChannelClosedException if closed
   */
  boolean sendLocked(Object value) {
    if (closed) {
      throw closedException("send on closed channel");
    }
    Waiter r;
    while ((r = receivers.poll()) != null) {
      if (r.claim(value)) {
        wakeAfterUnlock = r;
        return true;
      }
    }
    if (count < capacity) {
      enqueue(value);
      return true;
    }
    return false;
  }

  /**
   * Under the lock: takes a value from the buffer or a waiting sender if possible.
   *
   * @return the value, {@link #CLOSED} if closed and drained, or {@link #EMPTY}
   */
  Object receiveLocked() {
    if (count > 0) {
      Object v = dequeue();
      Waiter s;
      while ((s = senders.poll()) != null) {
        if (s.claimSender()) {
          enqueue(s.item); // the buffer was full, so the first waiting sender's value moves in
          wakeAfterUnlock = s;
          break;
        }
      }
      return v;
    }
    Waiter s;
    while ((s = senders.poll()) != null) {
      if (s.claimSender()) {
        wakeAfterUnlock = s;
        return s.item;
      }
    }
    return closed ? CLOSED : EMPTY;
  }

  void enqueueWaitingSender(Waiter w) {
    senders.add(w);
  }

  void enqueueWaitingReceiver(Waiter w) {
    receivers.add(w);
  }

  /** Removes a waiter whose operation ended otherwise (another clause, timeout, interrupt). */
  void dequeueWaiter(Waiter w, boolean sender) {
    lock();
    try {
      (sender ? senders : receivers).remove(w);
    } finally {
      unlock();
    }
  }

  private void enqueue(Object value) {
    int c = count;
    if (c == ring.length) {
      grow();
    }
    ring[(head + c) % ring.length] = value;
    count = c + 1;
  }

  private Object dequeue() {
    Object v = ring[head];
    ring[head] = null;
    head = (head + 1) % ring.length;
    count = count - 1;
    return v;
  }

  /** Doubles the ring, up to the capacity. Called only when full and below capacity. */
  private void grow() {
    int n = ring.length;
    int bigger = (int) Math.min((long) capacity, Math.max(2L * n, INITIAL_RING));
    if (bigger <= n) {
      throw new OutOfMemoryError("channel buffer cannot grow past " + n);
    }
    Object[] next = new Object[bigger];
    for (int i = 0; i < n; i++) {
      next[i] = ring[(head + i) % n];
    }
    ring = next;
    head = 0;
  }

  ChannelClosedException closedException(String what) {
    return new ChannelClosedException(what, closeCause);
  }

  // ---------------------------------------------------------------------------------------------
  // SendChannel

  @Override
  public void send(T value) throws InterruptedException {
    if (!send(value, false, 0L)) {
      throw new AssertionError("an untimed send returned without delivering");
    }
  }

  @Override
  public boolean send(T value, Duration timeout) throws InterruptedException {
    return send(value, true, Durations.deadline(Durations.toNanos(timeout)));
  }

  private boolean send(T value, boolean timed, long deadline) throws InterruptedException {
    Objects.requireNonNull(value, "value");
    if (Thread.interrupted()) {
      throw new InterruptedException();
    }
    lock();
    Waiter w;
    try {
      if (sendLocked(value)) {
        w = null;
      } else if (timed && deadline - System.nanoTime() <= 0) {
        return false; // finally unlocks
      } else {
        w = new Waiter(new Parker(), 0, this, value);
        senders.add(w);
      }
    } finally {
      unlockAndWake();
    }
    if (w == null) {
      return true;
    }
    int outcome = w.parker.await(timed, deadline);
    if (outcome == 0) {
      if (w.item == CLOSED) {
        throw closedException("channel closed while sending");
      }
      return true;
    }
    dequeueWaiter(w, true);
    if (outcome == Parker.INTERRUPTED) {
      throw new InterruptedException();
    }
    return false;
  }

  @Override
  public boolean trySend(T value) {
    Objects.requireNonNull(value, "value");
    lock();
    try {
      return sendLocked(value);
    } finally {
      unlockAndWake();
    }
  }

  @Override
  public void close() {
    closeWith(null);
  }

  @Override
  public void close(Throwable cause) {
    closeWith(Objects.requireNonNull(cause, "cause"));
  }

  private void closeWith(Throwable cause) {
    Waiter woken = null;
    lock();
    try {
      if (closed) {
        throw closedException("close of closed channel");
      }
      closeCause = cause;
      closed = true;
      // Receivers wait only on an empty buffer, so each of them now sees "closed and drained";
      // senders fail. Chain the claimed waiters through `next` to wake them after unlocking.
      Waiter w;
      while ((w = receivers.poll()) != null) {
        if (w.claim(CLOSED)) {
          w.next = woken;
          woken = w;
        }
      }
      while ((w = senders.poll()) != null) {
        if (w.claim(CLOSED)) {
          w.next = woken;
          woken = w;
        }
      }
    } finally {
      unlock();
    }
    while (woken != null) {
      Waiter next = woken.next;
      woken.next = null;
      woken.parker.wake();
      woken = next;
    }
  }

  @Override
  public boolean isClosed() {
    return closed;
  }

  @Override
  public int capacity() {
    return capacity;
  }

  @Override
  public <R> SelectClause<R> onSend(T value, Supplier<? extends R> then) {
    return new Clause.Send<>(this, Objects.requireNonNull(value, "value"), then);
  }

  // ---------------------------------------------------------------------------------------------
  // ReceiveChannel

  @Override
  public T receive() throws InterruptedException {
    Object v = receive(false, 0L);
    if (v == CLOSED) {
      throw closedException("receive from closed channel");
    }
    return cast(v);
  }

  @Override
  public Optional<T> receiveOrClosed() throws InterruptedException {
    Object v = receive(false, 0L);
    return v == CLOSED ? Optional.empty() : Optional.of(cast(v));
  }

  @Override
  public Optional<T> receive(Duration timeout) throws InterruptedException {
    Object v = receive(true, Durations.deadline(Durations.toNanos(timeout)));
    if (v == CLOSED) {
      throw closedException("receive from closed channel");
    }
    return v == EMPTY ? Optional.empty() : Optional.of(cast(v));
  }

  /** Returns a value, {@link #CLOSED}, or (timed only) {@link #EMPTY} on timeout. */
  private Object receive(boolean timed, long deadline) throws InterruptedException {
    if (Thread.interrupted()) {
      throw new InterruptedException();
    }
    lock();
    Object v;
    Waiter w = null;
    try {
      v = receiveLocked();
      if (v == EMPTY && !(timed && deadline - System.nanoTime() <= 0)) {
        w = new Waiter(new Parker(), 0, this, null);
        receivers.add(w);
      }
    } finally {
      unlockAndWake();
    }
    if (w == null) {
      return v;
    }
    int outcome = w.parker.await(timed, deadline);
    if (outcome == 0) {
      return w.item;
    }
    dequeueWaiter(w, false);
    if (outcome == Parker.INTERRUPTED) {
      throw new InterruptedException();
    }
    return EMPTY;
  }

  @Override
  public Optional<T> tryReceive() {
    lock();
    Object v;
    try {
      v = receiveLocked();
    } finally {
      unlockAndWake();
    }
    return v == CLOSED || v == EMPTY ? Optional.empty() : Optional.of(cast(v));
  }

  @Override
  public int size() {
    return count;
  }

  @Override
  public boolean isClosedForReceive() {
    return closed && count == 0;
  }

  @Override
  public Iterator<T> iterator() {
    return new Iterator<>() {
      private Object next; // null: not fetched yet

      @Override
      public boolean hasNext() {
        if (next == null) {
          try {
            next = receive(false, 0L);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            CancellationException c = new CancellationException("interrupted while receiving");
            c.initCause(e);
            throw c;
          }
        }
        return next != CLOSED;
      }

      @Override
      public T next() {
        if (!hasNext()) {
          throw new NoSuchElementException("channel closed");
        }
        T v = cast(next);
        next = null;
        return v;
      }
    };
  }

  @Override
  public <R> SelectClause<R> onReceive(Function<? super T, ? extends R> then) {
    Objects.requireNonNull(then, "then");
    return new Clause.Receive<R>(this, false, v -> then.apply(cast(v)));
  }

  @Override
  public <R> SelectClause<R> onReceiveOrClosed(Function<Optional<T>, ? extends R> then) {
    Objects.requireNonNull(then, "then");
    return new Clause.Receive<R>(
        this, true, v -> then.apply(v == CLOSED ? Optional.empty() : Optional.of(cast(v))));
  }

  @SuppressWarnings("unchecked")
  private T cast(Object v) {
    return (T) v;
  }

  @Override
  public String toString() {
    return "Channel[capacity="
        + (capacity == Integer.MAX_VALUE ? "unlimited" : capacity)
        + ", size="
        + count
        + (closed ? ", closed]" : "]");
  }
}
