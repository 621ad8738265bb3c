package dev.weft.chan;

/** A FIFO of {@link Waiter}s, linked through the waiters themselves; guarded by a channel lock. */
final class WaitQueue {
  private Waiter head;
  private Waiter tail;

  boolean isEmpty() {
    return head == null;
  }

  void add(Waiter w) {
    w.queued = true;
    w.prev = tail;
    w.next = null;
    if (tail == null) {
      head = w;
    } else {
      tail.next = w;
    }
    tail = w;
  }

  Waiter poll() {
    Waiter w = head;
    if (w != null) {
      unlink(w);
    }
    return w;
  }

  /** Removes {@code w} if it is still queued. */
  void remove(Waiter w) {
    if (w.queued) {
      unlink(w);
    }
  }

  private void unlink(Waiter w) {
    Waiter p = w.prev;
    Waiter n = w.next;
    if (p == null) {
      head = n;
    } else {
      p.next = n;
    }
    if (n == null) {
      tail = p;
    } else {
      n.prev = p;
    }
    w.prev = null;
    w.next = null;
    w.queued = false;
  }
}
