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
 * What the two channel implementations share: the public API expressed through a few primitive
 * operations, a small lock for their wait queues, and the contract that {@link SelectRun} uses.
 *
 * <ul>
 *   <li>{@link RendezvousChannel} (unbuffered): a list of waiters without a lock, which partners
 *       <em>complete</em> (direct hand-off); the lock only orders selects' registrations.
 *   <li>{@link LockChannel} (unlimited): everything under the lock, and partners complete a
 *       waiter's operation, as in Go's runtime.
 *   <li>{@link RingChannel} (bounded buffers): a lock-free ring buffer; the lock guards only the
 *       wait queues, and partners merely <em>wake</em> a waiter, which then retries.
 * </ul>
 */
abstract sealed class AbstractChannel<T> implements Channel<T>
    permits LockChannel, RingChannel, AbstractChannel.RendezvousPad {
  /** A receive's result when the channel is closed and drained; also handed to closed waiters. */
  static final Object CLOSED = new Object();

  /** A non-blocking attempt found nothing ready. */
  static final Object EMPTY = new Object();

  private static final VarHandle LOCK;
  private static final AtomicLong IDS = new AtomicLong();

  static {
    try {
      LOCK = MethodHandles.lookup().findVarHandle(AbstractChannel.class, "lock", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** Global order in which a select locks several channels. */
  final long id = IDS.incrementAndGet();

  /**
   * Why the channel was closed (lock-based channels); written under the lock before the closed
   * state is published.
   */
  Throwable closeCause;

  /** Waits left that skip spinning, after spins on this channel failed (see {@link Spin}). */
  int spinSkip;

  /** How many waits the next failed spin makes skip spinning (see {@link Spin}). */
  int spinBackoff;

  /** A waiter that the lock holder has claimed and must wake after unlocking; lock-guarded. */
  private Waiter wakeAfterUnlock;

  // The FIFO queues of waiting senders and receivers, linked through the waiters and guarded by
  // the lock. They live in the channel object itself, next to the lock word, so that taking the
  // lock and looking at a queue touch one cache line.
  private QueuedWaiter sendHead;
  private QueuedWaiter sendTail;
  private QueuedWaiter recvHead;
  private QueuedWaiter recvTail;

  @SuppressWarnings("unused") // accessed through LOCK
  private volatile int lock;

  // ---------------------------------------------------------------------------------------------
  // The lock: a spin lock that yields after a short spin. Critical sections are a few dozen
  // instructions and never block or allocate.

  final void lock() {
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

  final void unlock() {
    LOCK.setRelease(this, 0); // release: publishes the critical section to the next holder
  }

  /** Under the lock: remembers a claimed waiter to wake once the lock is released. */
  final void wakeLater(Waiter w) {
    wakeAfterUnlock = w;
  }

  /** Under the lock: takes the waiter to wake; the caller wakes it after releasing every lock. */
  final Waiter takeWake() {
    Waiter w = wakeAfterUnlock;
    wakeAfterUnlock = null;
    return w;
  }

  /** Unlocks, then wakes the waiter that the critical section claimed, if any. */
  final void unlockAndWake() {
    Waiter w = takeWake();
    unlock();
    if (w != null) {
      w.parker().wake();
    }
  }

  /** Under the lock: appends {@code w} to the senders' or the receivers' queue. */
  final void enqueueWaiter(QueuedWaiter w, boolean send) {
    QueuedWaiter tail = send ? sendTail : recvTail;
    w.queued = true;
    w.prev = tail;
    w.next = null;
    if (tail == null) {
      setHead(send, w);
    } else {
      tail.next = w;
    }
    setTail(send, w);
    waitersChanged(send, +1);
  }

  /**
   * Under the lock: a waiter joined ({@code +1}) or left ({@code -1}) a queue. {@link RingChannel}
   * counts them for its lock-free fast paths; here nothing needs to be done.
   */
  void waitersChanged(boolean send, int delta) {}

  /** Under the lock: whether a queue has any waiter. */
  final boolean hasWaiters(boolean send) {
    return (send ? sendHead : recvHead) != null;
  }

  /**
   * Under the lock: dequeues waiters from the head of a queue until one accepts {@code result} (see
   * {@link Waiter#claim}), and returns it, or null once the queue is empty. Waiters whose operation
   * has already ended (a select that completed elsewhere, a timeout) are dropped on the way. The
   * caller wakes the returned waiter after releasing the lock.
   */
  final QueuedWaiter claimFirst(boolean send, Object result) {
    QueuedWaiter w;
    while ((w = send ? sendHead : recvHead) != null) {
      unlink(w, send);
      if (w.claim(result)) {
        return w;
      }
    }
    return null;
  }

  /** Under the lock: removes {@code w} if it is still queued. */
  final void removeWaiter(QueuedWaiter w, boolean send) {
    if (w.queued) {
      unlink(w, send);
    }
  }

  private void unlink(QueuedWaiter w, boolean send) {
    QueuedWaiter p = w.prev;
    QueuedWaiter n = w.next;
    if (p == null) {
      setHead(send, n);
    } else {
      p.next = n;
    }
    if (n == null) {
      setTail(send, p);
    } else {
      n.prev = p;
    }
    w.prev = null;
    w.next = null;
    w.queued = false;
    waitersChanged(send, -1);
  }

  private void setHead(boolean send, QueuedWaiter w) {
    if (send) {
      sendHead = w;
    } else {
      recvHead = w;
    }
  }

  private void setTail(boolean send, QueuedWaiter w) {
    if (send) {
      sendTail = w;
    } else {
      recvTail = w;
    }
  }

  /**
   * Called before an operation whose waiter was completed with {@link #CLOSED} reports the channel
   * closed: {@link RendezvousChannel} first finishes the close there. Nothing to do here.
   */
  void beforeReportingClosed() {}

  /** Why the channel was closed, or null; read only once the channel is seen closed. */
  Throwable closeCause() {
    return closeCause;
  }

  final ChannelClosedException closedException(String what) {
    return new ChannelClosedException(what, closeCause());
  }

  // ---------------------------------------------------------------------------------------------
  // What each implementation provides

  /**
   * Sends {@code value}, or receives if {@code value} is null, waiting if needed until {@code
   * deadline} (a {@link System#nanoTime()} value, ignored unless {@code timed}); checks the
   * interrupt status first. Both directions share this one path.
   *
   * @return a send: {@code value} once delivered or buffered; a receive: the value, or {@link
   *     #CLOSED} once closed and drained; either: {@link #EMPTY} on timeout
   * @throws ChannelClosedException if a send finds the channel closed, or it closes while waiting
   */
  abstract Object transfer(Object value, boolean timed, long deadline) throws InterruptedException;

  /** Sends, waiting if needed; false only on timeout. */
  final boolean sendImpl(Object value, boolean timed, long deadline) throws InterruptedException {
    return transfer(value, timed, deadline) != EMPTY;
  }

  /** Receives, waiting if needed: a value, {@link #CLOSED}, or (timed) {@link #EMPTY}. */
  final Object receiveImpl(boolean timed, long deadline) throws InterruptedException {
    return transfer(null, timed, deadline);
  }

  /** Sends if possible without waiting; throws {@link ChannelClosedException} if closed. */
  abstract boolean offerNow(Object value);

  /** Receives if possible without waiting: a value, {@link #CLOSED}, or {@link #EMPTY}. */
  abstract Object pollNow();

  /** With the lock held, on an open channel: marks it closed, so that no send succeeds any more. */
  abstract void markClosedLocked();

  /**
   * Closes the channel: marks it closed under the lock, completes every waiter with {@link #CLOSED}
   * (a waiting receiver sees the channel closed and drained, or retries and drains it; a waiting
   * sender fails), and wakes them once the lock is released, so that none finds it still locked.
   * {@link RendezvousChannel} closes without the lock.
   */
  void closeImpl(Throwable cause) {
    QueuedWaiter woken = null;
    lock();
    try {
      if (isClosed()) {
        throw closedException("close of closed channel");
      }
      closeCause = cause; // plain: published by the store that marks the channel closed
      markClosedLocked();
      woken = claimAll(true, claimAll(false, null));
    } finally {
      unlock();
    }
    while (woken != null) {
      QueuedWaiter next = woken.next;
      woken.next = null;
      woken.parker().wake();
      woken = next;
    }
  }

  // The select contract (see SelectRun).

  /**
   * Whether a partner that claims a waiter of this channel has completed its operation (true), or
   * only woken it to retry (false).
   */
  abstract boolean partnersComplete();

  /**
   * With the lock held, for channels whose partners complete waiters: tries the send now, as {@link
   * #offerNow} does. Channels whose waiters retry return false.
   */
  abstract boolean sendLocked(Object value);

  /** With the lock held: tries the receive now, as {@link #pollNow}, or returns {@link #EMPTY}. */
  abstract Object receiveLocked();

  /**
   * Makes a select's waiter for clause {@code clause} of the operation waiting on {@code parker},
   * of the kind that {@link #registerLocked} takes: a {@link QueuedWaiter} here.
   */
  Waiter newWaiter(Parker parker, int clause, boolean send, Object item) {
    return new QueuedWaiter(parker, clause, send, item);
  }

  /**
   * A select's waiter of this channel as the queue holds it: {@link #newWaiter} made it, so it is a
   * {@link QueuedWaiter} on every channel that does not override the select contract.
   */
  private static QueuedWaiter queued(Waiter w) {
    return (QueuedWaiter) w;
  }

  /**
   * With the lock held: enqueues a select's waiter. False if the channel refused it because its
   * clause may be able to proceed now: the select must then withdraw and poll again.
   */
  boolean registerLocked(Waiter w) {
    enqueueWaiter(queued(w), w.send);
    return true;
  }

  /**
   * With the lock held, after {@link #registerLocked} and a full fence: whether the operation could
   * proceed now, so that the waiter must not park.
   */
  abstract boolean readyAfterRegistration(boolean send);

  /** With the lock held: withdraws a select's waiter, if it is still queued. */
  void unregisterLocked(Waiter w) {
    removeWaiter(queued(w), w.send);
  }

  /** Wakes one waiting sender or receiver, passing on a wake-up that its receiver did not use. */
  abstract void signal(boolean senders);

  /** Removes a waiter whose operation ended without a partner, if it is still queued. */
  void unregister(Waiter w) {
    lock();
    try {
      removeWaiter(queued(w), w.send);
    } finally {
      unlock();
    }
  }

  /**
   * Under the lock, while closing: claims every waiter of a queue with {@link #CLOSED} and chains
   * them onto {@code chain} through {@code next}, the link that dequeuing has just cleared.
   */
  private QueuedWaiter claimAll(boolean send, QueuedWaiter chain) {
    QueuedWaiter w;
    while ((w = claimFirst(send, CLOSED)) != null) {
      w.next = chain;
      chain = w;
    }
    return chain;
  }

  // ---------------------------------------------------------------------------------------------
  // SendChannel

  @Override
  public final void send(T value) throws InterruptedException {
    Objects.requireNonNull(value, "value");
    if (!sendImpl(value, false, 0L)) {
      throw new AssertionError("an untimed send returned without delivering");
    }
  }

  @Override
  public final boolean send(T value, Duration timeout) throws InterruptedException {
    Objects.requireNonNull(value, "value");
    return sendImpl(value, true, Durations.deadline(Durations.toNanos(timeout)));
  }

  @Override
  public final boolean trySend(T value) {
    return offerNow(Objects.requireNonNull(value, "value"));
  }

  @Override
  public final void close() {
    closeImpl(null);
  }

  @Override
  public final void close(Throwable cause) {
    closeImpl(Objects.requireNonNull(cause, "cause"));
  }

  @Override
  public final <R> SelectClause<R> onSend(T value, Supplier<? extends R> then) {
    return new Clause.Send<>(this, Objects.requireNonNull(value, "value"), then);
  }

  // ---------------------------------------------------------------------------------------------
  // ReceiveChannel

  @Override
  public final T receive() throws InterruptedException {
    Object v = receiveImpl(false, 0L);
    if (v == CLOSED) {
      throw closedException("receive from closed channel");
    }
    return cast(v);
  }

  @Override
  public final Optional<T> receiveOrClosed() throws InterruptedException {
    Object v = receiveImpl(false, 0L);
    return v == CLOSED ? Optional.empty() : Optional.of(cast(v));
  }

  @Override
  public final Optional<T> receive(Duration timeout) throws InterruptedException {
    Object v = receiveImpl(true, Durations.deadline(Durations.toNanos(timeout)));
    if (v == CLOSED) {
      throw closedException("receive from closed channel");
    }
    return v == EMPTY ? Optional.empty() : Optional.of(cast(v));
  }

  @Override
  public final Optional<T> tryReceive() {
    Object v = pollNow();
    return v == CLOSED || v == EMPTY ? Optional.empty() : Optional.of(cast(v));
  }

  @Override
  public final Iterator<T> iterator() {
    return new Iterator<>() {
      private Object next; // null: not fetched yet

      @Override
      public boolean hasNext() {
        if (next == null) {
          try {
            next = receiveImpl(false, 0L);
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
  public final <R> SelectClause<R> onReceive(Function<? super T, ? extends R> then) {
    Objects.requireNonNull(then, "then");
    return new Clause.Receive<R>(this, false, v -> then.apply(cast(v)));
  }

  @Override
  public final <R> SelectClause<R> onReceiveOrClosed(Function<Optional<T>, ? extends R> then) {
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
    int c = capacity();
    return getClass().getSimpleName()
        + "[capacity="
        + (c == Integer.MAX_VALUE ? "unlimited" : c)
        + ", size="
        + size()
        + (isClosed() ? ", closed]" : "]");
  }

  /**
   * 64 bytes that nobody reads or writes, between {@link AbstractChannel}'s fields and the ends of
   * {@link RendezvousChannel}'s list ({@link RendezvousLinks}). They are a class of their own
   * because HotSpot lays out a superclass's fields before its subclass's, but orders a single
   * class's fields as it likes (it placed references before {@code long}s declared ahead of them).
   * Both classes are nested here, not in files of their own, so that the files a project copies to
   * use channels stay the same.
   */
  abstract static sealed class RendezvousPad<T> extends AbstractChannel<T> permits RendezvousLinks {
    @SuppressWarnings("unused")
    private long p01, p02, p03, p04, p05, p06, p07, p08;
  }

  /**
   * The two ends of {@link RendezvousChannel}'s list, on a cache line that holds nothing else.
   *
   * <p>Both sides of every hand-off write this line (an append's compare-and-set of {@code tail},
   * then {@code head}) and read it (the partner's look for a waiter). Fields that operations mostly
   * read, such as the spin backoff and skip count in {@link AbstractChannel}, and the objects
   * allocated next to a channel (a caller's wrapper around it, read on every call), made each of
   * those reads another transfer of the line between the cores when they shared it
   * (hand-off-floor.md, section 16). HotSpot lays out a superclass's fields before its subclass's,
   * so {@link RendezvousPad}'s 64 bytes come between {@code AbstractChannel}'s fields and {@code
   * head} and {@code tail}, and the 64 bytes that {@link RendezvousChannel} declares come after
   * them. The pair is 8 bytes at an offset that is a multiple of 8, so it never straddles two
   * lines. (Offsets with HotSpot 25's defaults: {@code AbstractChannel}'s fields end at 56, {@code
   * head} is at 120, {@code tail} at 124, {@code RendezvousChannel}'s padding runs from 128 to
   * 192.)
   */
  abstract static sealed class RendezvousLinks<T> extends RendezvousPad<T>
      permits RendezvousChannel {
    static final VarHandle HEAD;
    static final VarHandle TAIL;

    static {
      try {
        MethodHandles.Lookup l = MethodHandles.lookup();
        HEAD = l.findVarHandle(RendezvousLinks.class, "head", Waiter.class);
        TAIL = l.findVarHandle(RendezvousLinks.class, "tail", Waiter.class);
      } catch (ReflectiveOperationException e) {
        throw new ExceptionInInitializerError(e);
      }
    }

    // head and tail share their line: both sides of a hand-off touch both, and giving each a line
    // of its own made ping-pong on two cores slower (hand-off-floor.md, section 6).
    @SuppressWarnings("unused") // accessed through HEAD, but for the constructor's volatile store
    private volatile Waiter head;

    @SuppressWarnings("unused") // accessed through TAIL, but for the constructor's volatile store
    private volatile Waiter tail;

    /** Starts the list with {@code first} as both its ends. */
    RendezvousLinks(Waiter first) {
      head = first;
      tail = first;
    }
  }
}
