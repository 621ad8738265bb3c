package dev.weft.chan;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Bounded buffered channels: a lock-free ring buffer, with waiting threads parked on the side.
 *
 * <h2>Algorithm</h2>
 *
 * <p>The buffer is Dmitry Vyukov's bounded multi-producer multi-consumer queue (2010): a ring of
 * slots, each with a sequence number, and two counters, {@code sendPos} and {@code recvPos}. A
 * sender claims position {@code p} by a compare-and-set on {@code sendPos} once slot {@code p %
 * capacity} is empty for that position, writes the value and publishes it by a release store of the
 * slot's sequence; a receiver claims {@code p} on {@code recvPos} once the slot is full for that
 * position, takes the value and frees the slot for position {@code p + capacity}. Unlike Vyukov's
 * original, the sequence is doubled, {@code 2p} for "empty, awaiting position p" and {@code 2p + 1}
 * for "full with position p", so that the two states never coincide, even with a single slot
 * (Vyukov's encoding needs at least two). In a ring of up to 64 slots each slot is an object that
 * holds its sequence and its value side by side on a cache line of its own ({@link PaddedSlot}), so
 * that a value crosses between the cores in one line, not in a line of a sequence array and a line
 * of a value array; larger rings keep the two arrays, packed (ADR 68).
 *
 * <pre>
 *   seq:    8  10   5   7        capacity 4, recvPos 2, sendPos 4
 *   slot: [ . | . | v2| v3]      slots 2 and 3 hold positions 2 and 3; 0 and 1 await 4 and 5
 * </pre>
 *
 * <p>Closing sets the sign bit of {@code sendPos}, so a send's claiming compare-and-set and a close
 * are totally ordered: a send either claimed its slot before the close (and its value will be
 * received) or fails.
 *
 * <p>Threads that cannot proceed first spin, polling the ring, then register a {@link Waiter} under
 * the lock and park. A thread that sends (or receives) checks after its operation whether any
 * receiver (or sender) is registered and, if so, wakes one, which then retries; partners never
 * complete a waiter's operation here, they only wake it. The lost-wake-up race is closed by the
 * Dekker pattern: the sender publishes its slot, executes a full fence, then reads the waiter
 * count; the waiter increments the count, executes a full fence, then re-reads the ring. A waiter
 * that is woken but ends up not using this channel (a select that completed another clause, for
 * example) passes the wake-up on with {@link #signal}, so no value is left unannounced while
 * another receiver waits.
 *
 * <h2>Compared with Go and with Koval, Alistarh and Elizarov</h2>
 *
 * <p>Go's runtime takes a lock for every operation, buffered or not. The algorithm of Koval,
 * Alistarh and Elizarov ("Fast and Scalable Channels in Kotlin Coroutines", PPoPP 2023), used by
 * Kotlin and Jox, keeps waiters in the cells of an infinite array instead, so that a rendezvous
 * never takes a lock. weft makes the opposite trade: buffered sends and receives never take a lock
 * or allocate while the buffer neither fills nor empties, which is the common case of a pipeline,
 * and the slow path, which parks anyway, is a plain locked queue.
 */
final class RingChannel<T> extends AbstractChannel<T> {
  private static final long CLOSED_BIT = Long.MIN_VALUE;
  private static final long POSITION = Long.MAX_VALUE;

  private static final VarHandle SEND;
  private static final VarHandle RECV;
  private static final VarHandle WAITING_SENDERS;
  private static final VarHandle WAITING_RECEIVERS;
  private static final VarHandle SEQ;
  private static final VarHandle ITEM;
  private static final VarHandle SEQS = MethodHandles.arrayElementVarHandle(long[].class);
  private static final VarHandle ITEMS = MethodHandles.arrayElementVarHandle(Object[].class);

  static {
    try {
      MethodHandles.Lookup l = MethodHandles.lookup();
      SEND = l.findVarHandle(RingChannel.class, "sendPos", long.class);
      RECV = l.findVarHandle(RingChannel.class, "recvPos", long.class);
      WAITING_SENDERS = l.findVarHandle(RingChannel.class, "waitingSenders", int.class);
      WAITING_RECEIVERS = l.findVarHandle(RingChannel.class, "waitingReceivers", int.class);
      SEQ = l.findVarHandle(Slot.class, "seq", long.class);
      ITEM = l.findVarHandle(Slot.class, "item", Object.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /**
   * Rings up to this capacity keep each slot on a cache line of its own, as a {@link PaddedSlot}:
   * with a small ring the sender and the receiver work a slot or two apart, and slots that shared
   * lines would have both cores writing them. A single slot has no neighbour, and a larger ring,
   * whose sender and receiver are mostly far apart in it, is read and written a line of sequences
   * or values at a time: it keeps them packed in two arrays, 12 bytes a slot.
   */
  private static final int PADDED_UP_TO = 64;

  /** How long a receiver that found the ring empty lets values gather before it takes them. */
  private static final long LINGER_NANOS = 1_000;

  /** The batch such a receiver waits for, at most. */
  private static final long MAX_BATCH = 16;

  private final int capacity;
  private final int mask; // capacity - 1 when a power of two, else -1

  /** The slots of a padded ring; null in a packed one. */
  private final Slot[] slots;

  /** The sequences and values of a packed ring; null in a padded one. */
  private final long[] seqs;

  private final Object[] items;

  /**
   * The two fields of a slot of a small ring: its sequence number and the value it holds, next to
   * each other, so that a value passing through the slot moves one cache line between the cores
   * where the two arrays moved two (ADR 68). The sequence is read with acquire and written with
   * release through {@link #SEQ}; the value is plain, ordered by those.
   */
  abstract static class Slot {
    @SuppressWarnings("unused") // accessed through SEQ, with acquire and release
    private long seq;

    @SuppressWarnings("unused") // accessed through ITEM
    private Object item;
  }

  /**
   * A slot followed by 96 bytes that nobody writes, so that no other slot's fields share its cache
   * line: HotSpot lays out a superclass's fields before a subclass's, so {@code seq} and {@code
   * item} come first, at most 24 bytes into the object, and the next slot's begin at least 120
   * bytes further on. They may straddle two lines when the object starts 48 bytes into one, which
   * costs what the two arrays did.
   */
  static final class PaddedSlot extends Slot {
    @SuppressWarnings("unused")
    private long p01, p02, p03, p04, p05, p06, p07, p08, p09, p10, p11, p12;
  }

  // Each hot counter on its own cache line, so that senders and receivers do not false-share.
  @SuppressWarnings("unused")
  private long p01, p02, p03, p04, p05, p06, p07;

  @SuppressWarnings("unused") // accessed through SEND; sign bit: closed
  private volatile long sendPos;

  @SuppressWarnings("unused")
  private long p11, p12, p13, p14, p15, p16, p17;

  @SuppressWarnings("unused") // accessed through RECV
  private volatile long recvPos;

  @SuppressWarnings("unused")
  private long p21, p22, p23, p24, p25, p26, p27;

  // Registered waiters; written under the lock, read by fast paths after a full fence.
  @SuppressWarnings("unused") // accessed through WAITING_SENDERS
  private volatile int waitingSenders;

  @SuppressWarnings("unused") // accessed through WAITING_RECEIVERS
  private volatile int waitingReceivers;

  RingChannel(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("RingChannel needs a buffer: " + capacity);
    }
    this.capacity = capacity;
    this.mask = Integer.bitCount(capacity) == 1 ? capacity - 1 : -1;
    if (capacity > 1 && capacity <= PADDED_UP_TO) {
      this.slots = new Slot[capacity];
      this.seqs = null;
      this.items = null;
      for (int i = 0; i < capacity; i++) {
        Slot slot = new PaddedSlot();
        SEQ.set(slot, 2L * i); // empty, awaiting position i; published by the final field slots
        slots[i] = slot;
      }
    } else {
      this.slots = null;
      this.seqs = new long[capacity];
      this.items = new Object[capacity];
      for (int i = 0; i < capacity; i++) {
        seqs[i] = 2L * i; // empty, awaiting position i
      }
    }
  }

  private int index(long pos) {
    return mask >= 0 ? (int) (pos & mask) : (int) (pos % capacity);
  }

  // ---------------------------------------------------------------------------------------------
  // The ring

  /** Result of {@link #offer}: the value is in the ring. */
  private static final int OK = 0;

  /** Result of {@link #offer}: no room. */
  private static final int FULL = 1;

  /** Result of {@link #offer}: closed, nothing sent. */
  private static final int SHUT = 2;

  /** Slot {@code i}'s sequence, read with acquire. */
  private long seqAcquire(int i) {
    Slot[] s = slots;
    return s != null ? (long) SEQ.getAcquire(s[i]) : (long) SEQS.getAcquire(seqs, i);
  }

  /**
   * Writes {@code value} into slot {@code i}, which the caller has claimed, and publishes it with a
   * release store of the sequence {@code seq}, after the value's plain write.
   */
  private void put(int i, Object value, long seq) {
    Slot[] s = slots;
    if (s != null) {
      Slot slot = s[i];
      ITEM.set(slot, value);
      SEQ.setRelease(slot, seq);
    } else {
      ITEMS.set(items, i, value);
      SEQS.setRelease(seqs, i, seq);
    }
  }

  /**
   * Takes the value of slot {@code i}, which the caller has claimed after an acquire read of its
   * sequence (so the plain read sees the value), clears it, and frees the slot with a release store
   * of the sequence {@code seq}.
   */
  private Object take(int i, long seq) {
    Slot[] s = slots;
    Object v;
    if (s != null) {
      Slot slot = s[i];
      v = ITEM.get(slot);
      ITEM.set(slot, null);
      SEQ.setRelease(slot, seq);
    } else {
      v = ITEMS.get(items, i);
      ITEMS.set(items, i, null);
      SEQS.setRelease(seqs, i, seq);
    }
    return v;
  }

  private int offer(Object value) {
    while (true) {
      long s = (long) SEND.getVolatile(this);
      if (s < 0) {
        return SHUT;
      }
      int i = index(s);
      long seq = seqAcquire(i);
      if (seq == 2 * s) {
        if (SEND.compareAndSet(this, s, s + 1)) {
          put(i, value, 2 * s + 1);
          return OK;
        }
      } else if (seq < 2 * s) {
        // The slot still holds last lap's value: full, unless a receiver that has claimed it is
        // just now freeing it.
        if (s - capacity >= (long) RECV.getVolatile(this)) {
          return FULL;
        }
        Thread.onSpinWait();
      }
      // else another sender claimed s first: retry with the new position
    }
  }

  /** Returns a value, {@link #EMPTY}, or {@link #CLOSED} when closed and drained. */
  private Object poll() {
    while (true) {
      long r = (long) RECV.getVolatile(this);
      int i = index(r);
      long seq = seqAcquire(i);
      if (seq == 2 * r + 1) {
        if (RECV.compareAndSet(this, r, r + 1)) {
          return take(i, 2 * (r + capacity));
        }
      } else if (seq < 2 * r + 1) {
        // Nothing published here yet: empty, unless a sender has claimed the slot and is
        // writing it.
        long s = (long) SEND.getVolatile(this);
        if ((s & POSITION) == r) {
          return s < 0 ? CLOSED : EMPTY;
        }
        Thread.onSpinWait();
      }
      // else another receiver claimed r first: retry
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Wake-ups

  /** After a successful send: wakes a registered receiver, if any. */
  private void afterSend() {
    VarHandle.fullFence(); // Dekker: our slot is published before we read the waiter count
    if ((int) WAITING_RECEIVERS.getVolatile(this) != 0) {
      signal(false);
    }
  }

  /** After a successful receive: wakes a registered sender, if any. */
  private void afterReceive() {
    VarHandle.fullFence(); // Dekker: the freed slot is published before we read the count
    if ((int) WAITING_SENDERS.getVolatile(this) != 0) {
      signal(true);
    }
  }

  @Override
  void signal(boolean toSenders) {
    Waiter woken;
    lock();
    try {
      woken = claimFirst(toSenders, null);
    } finally {
      unlock();
    }
    if (woken != null) {
      woken.parker().wake();
    }
  }

  @Override
  void waitersChanged(boolean send, int delta) {
    // Under the lock, so a plain read-modify-write loses no update. Each branch names its own
    // constant VarHandle: a handle chosen at run time (a phi of two handles) defeats the JIT's
    // constant folding of the access and, on Temurin 25.0.3, crashed C2 while compiling signal().
    if (send) {
      WAITING_SENDERS.setVolatile(this, (int) WAITING_SENDERS.getVolatile(this) + delta);
    } else {
      WAITING_RECEIVERS.setVolatile(this, (int) WAITING_RECEIVERS.getVolatile(this) + delta);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Operations

  /**
   * One attempt, without waiting and without the wake-up that a success owes the other side.
   *
   * @param value the value to send, or null to receive
   * @return a send: {@code value} if it is in the ring, {@link #EMPTY} if full, {@link #CLOSED} if
   *     closed; a receive: what {@link #poll} returns
   */
  private Object tryOnce(Object value) {
    if (value == null) {
      return poll();
    }
    int r = offer(value);
    return r == OK ? value : r == FULL ? EMPTY : CLOSED;
  }

  /**
   * Finishes an attempt that {@link #tryOnce} made: a success wakes a waiter of the other side, if
   * any, and a send that found the channel closed throws.
   */
  private Object settle(Object value, Object result) {
    if (result == EMPTY) {
      return result;
    }
    if (value != null) {
      if (result == CLOSED) {
        throw closedException("send on closed channel");
      }
      afterSend();
    } else if (result != CLOSED) {
      afterReceive();
    }
    return result;
  }

  @Override
  boolean offerNow(Object value) {
    return settle(value, tryOnce(value)) != EMPTY;
  }

  @Override
  Object pollNow() {
    return settle(null, tryOnce(null));
  }

  /**
   * The blocking path of both directions: try, spin, then register a waiter and park until a
   * partner wakes it, and try again. The one waiter is reused across wake-ups.
   */
  @Override
  Object transfer(Object value, boolean timed, long deadline) throws InterruptedException {
    if (Thread.interrupted()) {
      throw new InterruptedException();
    }
    boolean send = value != null;
    Object r = settle(value, tryOnce(value));
    if (r != EMPTY) {
      return r;
    }
    boolean ready = send ? spinUntilRoom() : spinUntilValue();
    if (ready && (r = settle(value, tryOnce(value))) != EMPTY) {
      return r;
    }
    ChannelBlockedEvent blocked = ChannelBlockedEvent.start();
    try {
      return awaitTransfer(value, send, timed, deadline);
    } finally {
      blocked.finish(id, capacity(), send ? "send" : "receive");
    }
  }

  /** The waiting part of {@link #transfer}: register, park, retry. */
  private Object awaitTransfer(Object value, boolean send, boolean timed, long deadline)
      throws InterruptedException {
    Object r;
    QueuedWaiter w = new QueuedWaiter(null, 0, send, null);
    while (true) {
      if (timed && deadline - System.nanoTime() <= 0) {
        return EMPTY;
      }
      lock();
      enqueueWaiter(w, send);
      unlock();
      VarHandle.fullFence(); // Dekker: registered before we look at the ring again
      r = tryOnce(value);
      if (r != EMPTY) {
        abandon(w, send);
        return settle(value, r);
      }
      int outcome = w.parker().await(timed, deadline, null); // spun already
      if (outcome < 0) {
        unregister(w);
        if (outcome == Parker.INTERRUPTED) {
          throw new InterruptedException();
        }
        return EMPTY; // timed out
      }
      if ((r = settle(value, tryOnce(value))) != EMPTY) { // woken: it was ready a moment ago
        return r;
      }
      w.parker().reset(); // dequeued by the partner that woke us: ready to register again
    }
  }

  /**
   * Spins, before parking, until half the buffer is free (or the channel is closed): a sender that
   * resumed at the first free slot would then meet a full buffer again at every value, and bouncing
   * the ring's cache lines between the two cores at every value costs more than a short wait. Only
   * {@code recvPos} is read, with a growing pause between reads, so the spinning core does not
   * steal the lines the receiver is writing.
   *
   * @return true if there is room now, false if the spin budget ran out
   */
  private boolean spinUntilRoom() {
    long want = Math.max(1, capacity / 2);
    long budget = Spin.budget(this);
    if (budget == 0) {
      return false;
    }
    long start = System.nanoTime();
    int pause = 1;
    while (System.nanoTime() - start < budget) {
      for (int i = 0; i < pause; i++) {
        Thread.onSpinWait();
      }
      long s = (long) SEND.getVolatile(this);
      if (s < 0 || capacity - (s - (long) RECV.getVolatile(this)) >= want) {
        Spin.record(this, System.nanoTime() - start < budget / 2);
        return true;
      }
      pause = Math.min(pause * 2, Spin.MAX_PAUSE);
    }
    Spin.record(this, false);
    return false;
  }

  /**
   * Spins, before parking, until a value has been sent (or the channel is closed), reading only
   * {@code sendPos} with a growing pause between reads. Once a value is there it lingers up to
   * {@link #LINGER_NANOS} for a batch of them: a receiver that takes each value the moment it is
   * published keeps pulling the sender's cache lines across at every value and slows the sender
   * down, whereas one that lets a few values gather takes them without interfering. A receiver that
   * found values waiting does not come here at all.
   *
   * @return true if a value (or the close) is there now, false if the spin budget ran out
   */
  private boolean spinUntilValue() {
    long budget = Spin.budget(this);
    if (budget == 0) {
      return false;
    }
    long start = System.nanoTime();
    long batch = Math.min(capacity / 2, MAX_BATCH);
    long firstSeen = 0;
    int pause = 1;
    while (true) {
      for (int i = 0; i < pause; i++) {
        Thread.onSpinWait();
      }
      long s = (long) SEND.getVolatile(this);
      if (s < 0) {
        return true;
      }
      long ready = s - (long) RECV.getVolatile(this);
      long now = System.nanoTime();
      if (ready > 0) {
        if (firstSeen == 0) {
          firstSeen = now;
        }
        pause = 1;
      } else {
        pause = Math.min(pause * 2, Spin.MAX_PAUSE);
      }
      if (now - start >= budget) {
        Spin.record(this, ready > 0);
        return ready > 0;
      }
      if (ready > 0 && (ready >= batch || now - firstSeen >= LINGER_NANOS)) {
        Spin.record(this, true);
        return true;
      }
    }
  }

  /**
   * Withdraws a waiter whose thread completed on its own: if a partner woke it meanwhile, that
   * wake-up was meant for someone who can use it, so it is passed on.
   */
  private void abandon(QueuedWaiter w, boolean send) {
    if (w.parker().tryCancel()) {
      unregister(w);
    } else {
      signal(send); // the claimer already dequeued w
    }
  }

  @Override
  void markClosedLocked() {
    SEND.getAndBitwiseOr(this, CLOSED_BIT); // closeCause, written before, is published with it
  }

  // ---------------------------------------------------------------------------------------------
  // Select contract: partners only wake waiters here.

  @Override
  boolean partnersComplete() {
    return false;
  }

  @Override
  boolean sendLocked(Object value) {
    return false; // select polls ring channels without the lock
  }

  @Override
  Object receiveLocked() {
    return EMPTY;
  }

  @Override
  boolean readyAfterRegistration(boolean send) {
    long s = (long) SEND.getVolatile(this);
    long r = (long) RECV.getVolatile(this);
    if (s < 0) {
      return true; // closed: a send fails and a receive drains or reports it
    }
    return send ? s - r < capacity : s != r;
  }

  // ---------------------------------------------------------------------------------------------
  // State

  @Override
  public boolean isClosed() {
    return (long) SEND.getVolatile(this) < 0;
  }

  @Override
  public int capacity() {
    return capacity;
  }

  @Override
  public int size() {
    long r = (long) RECV.getVolatile(this);
    long s = (long) SEND.getVolatile(this) & POSITION;
    return (int) Math.max(0, Math.min(capacity, s - r));
  }

  @Override
  public boolean isClosedForReceive() {
    long s = (long) SEND.getVolatile(this);
    return s < 0 && (s & POSITION) == (long) RECV.getVolatile(this);
  }
}
