package dev.weft.chan;

/**
 * Unlimited channels: a growing ring buffer and a queue of waiting receivers under one small lock.
 *
 * <h2>Algorithm</h2>
 *
 * <p>This follows the design of Go's runtime ({@code runtime/chan.go} and {@code select.go}): the
 * lock guards a ring buffer and the FIFO queue of blocked receivers. Receivers wait only while the
 * buffer is empty, so a sender that finds a waiting receiver hands its value straight to it;
 * senders never wait, since the buffer grows.
 *
 * <p>A blocked operation is a {@link Parker} with one {@link Waiter} per clause (one for a plain
 * receive, one per clause for a select). A partner completes it by a compare-and-set on the parker,
 * so that of several waiters of one select, or a waiter racing its own timeout or interrupt,
 * exactly one outcome wins. A waiter that loses is simply dropped from the queue.
 *
 * <h2>Differences from Go</h2>
 *
 * <ul>
 *   <li>Go has no unlimited channel.
 *   <li>A blocked thread spins briefly on its parker before parking ({@link Spin}), because a
 *       partner on another core usually arrives sooner than a park and unpark round trip.
 *   <li>Timeouts and interrupts cancel a wait by the same compare-and-set that partners use to
 *       complete it, so a cancelled operation has no effect.
 *   <li>Unbuffered channels are {@link RendezvousChannel}s and bounded ones {@link RingChannel}s:
 *       lock-free in the common case.
 * </ul>
 *
 * <h2>Memory ordering</h2>
 *
 * <p>Buffer, queue and head are plain fields accessed only under the lock; the lock's acquiring
 * compare-and-set and releasing store order them. {@code count} and {@code closed} are also written
 * under the lock, but volatile so that {@link #size()} and {@link #isClosed()} can read them
 * without it. Values handed to a waiter are published by the claim (see {@link Waiter}).
 */
final class LockChannel<T> extends AbstractChannel<T> {
  private static final int INITIAL_RING = 16;

  private Object[] ring = new Object[INITIAL_RING];
  private int head;
  private volatile int count;
  private volatile boolean closed;

  // ---------------------------------------------------------------------------------------------
  // Lock-held steps, shared by plain operations and select

  /**
   * Under the lock: delivers {@code value} to a waiting receiver or the buffer if possible.
   *
   * @return true if delivered; false if the send would have to wait
   * @throws ChannelClosedException if closed
   */
  @Override
  boolean sendLocked(Object value) {
    if (closed) {
      throw closedException("send on closed channel");
    }
    QueuedWaiter r = claimFirst(false, value);
    if (r != null) {
      wakeLater(r);
    } else {
      enqueue(value);
    }
    return true;
  }

  /**
   * Under the lock: takes a value from the buffer if there is one.
   *
   * @return the value, {@link #CLOSED} if closed and drained, or {@link #EMPTY}
   */
  @Override
  Object receiveLocked() {
    if (count > 0) {
      return dequeue();
    }
    return closed ? CLOSED : EMPTY;
  }

  @Override
  boolean partnersComplete() {
    return true;
  }

  @Override
  boolean readyAfterRegistration(boolean send) {
    return false; // sendLocked and receiveLocked already checked, under the same lock
  }

  @Override
  void signal(boolean senders) {
    // Partners complete waiters here, so there is never a wake-up to pass on.
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

  /** Doubles the ring. Called only when full. */
  private void grow() {
    int n = ring.length;
    int bigger = (int) Math.min(Integer.MAX_VALUE - 8, 2L * n);
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

  // ---------------------------------------------------------------------------------------------
  // Operations

  @Override
  Object transfer(Object value, boolean timed, long deadline) throws InterruptedException {
    if (Thread.interrupted()) {
      throw new InterruptedException();
    }
    boolean send = value != null;
    Object result;
    QueuedWaiter w = null;
    boolean spin = false;
    lock();
    try {
      result = send ? (sendLocked(value) ? value : EMPTY) : receiveLocked();
      if (result == EMPTY && !(timed && deadline - System.nanoTime() <= 0)) {
        w = new QueuedWaiter(null, 0, send, value);
        spin = !hasWaiters(send); // only the first in line is likely to be served soon
        enqueueWaiter(w, send);
      }
    } finally {
      unlockAndWake();
    }
    if (w == null) {
      return result;
    }
    ChannelBlockedEvent blocked = ChannelBlockedEvent.start();
    int outcome;
    try {
      outcome = w.parker().await(timed, deadline, spin ? this : null);
    } finally {
      blocked.finish(id, capacity(), send ? "send" : "receive");
    }
    if (outcome == 0) {
      if (!send) {
        return w.item;
      }
      if (w.item == CLOSED) {
        throw closedException("channel closed while sending");
      }
      return value;
    }
    unregister(w);
    if (outcome == Parker.INTERRUPTED) {
      throw new InterruptedException();
    }
    return EMPTY;
  }

  @Override
  boolean offerNow(Object value) {
    lock();
    try {
      return sendLocked(value);
    } finally {
      unlockAndWake();
    }
  }

  @Override
  Object pollNow() {
    lock();
    try {
      return receiveLocked();
    } finally {
      unlockAndWake();
    }
  }

  @Override
  void markClosedLocked() {
    closed = true;
  }

  @Override
  public boolean isClosed() {
    return closed;
  }

  @Override
  public int capacity() {
    return Integer.MAX_VALUE;
  }

  @Override
  public int size() {
    return count;
  }

  @Override
  public boolean isClosedForReceive() {
    return closed && count == 0;
  }
}
