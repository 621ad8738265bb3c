package dev.weft.chan;

/**
 * Unbuffered channels: a list of waiting operations without a lock, and direct hand-off to them.
 *
 * <h2>Algorithm</h2>
 *
 * <p>A FIFO list of {@link Waiter}s, linked through {@code Waiter.link}. {@code head} points to the
 * first waiter, or to a dead node before it (the waiter completed or given up last); {@code tail}
 * points to the last node. It is a dual queue in the manner of Scherer, Lea and Scott ("Scalable
 * Synchronous Queues", PPoPP 2006): an operation first looks for a waiter of the other direction
 * and completes it (a sender hands over its value, a receiver takes the sender's), and only if
 * there is none links a waiter of its own and waits, as Go's runtime does with its {@code sudog}
 * queues ({@code chan.go}: {@code send} and {@code sendDirect}), but without Go's lock.
 *
 * <pre>
 *   head                               tail
 *    |                                   |
 *   [recv A] -&gt; [recv B, cancelled] -&gt; [recv C]    a sender completes A; head stays on A
 *
 *   head, tail
 *    |
 *   [A, dead]        empty: a waiter D appended now becomes the head, and A is not written
 * </pre>
 *
 * <p>Three rules for linking a waiter {@code w} after the last node {@code L} keep the list
 * <em>pure</em> (every waiter from the head on has the same direction) or a <em>sole group</em>
 * (every waiter from the head on belongs to one select, which may wait to send and to receive on
 * this channel at once):
 *
 * <ol>
 *   <li>the list is empty ({@code L} is the head, and dead): {@code w} starts a sole group;
 *   <li>{@code L} has {@code w}'s direction and the list holds one direction only ({@code
 *       !L.mixed}): {@code w} continues a pure list (and a sole group, if it belongs to {@code L}'s
 *       select);
 *   <li>{@code L} belongs to {@code w}'s select and the list is a sole group ({@code L.sole}):
 *       {@code w} joins the group, which is mixed from then on if the directions differ.
 * </ol>
 *
 * Otherwise the list may hold a partner, and the operation looks again instead. Waiters die (their
 * {@link Parker} is claimed or cancelled) but never come back to life, so a pure list stays pure as
 * waiters die, are skipped by {@code head} or unlinked. Hence two waiting operations of opposite
 * directions are never both in the list: whichever linked later saw the other, and completed it
 * instead. A partner looking for a waiter stops at the first live waiter of its own direction that
 * belongs to a plain operation, since the list is then pure; it walks on past a select's waiters,
 * whose group may hold the other direction further on.
 *
 * <p>An append takes the tail first, by a compare-and-set of {@code tail} from {@code L} to {@code
 * w}, which orders all appends, and then publishes {@code w}: as {@code L}'s link, or, where {@code
 * L} is a dead head, by moving {@code head} to {@code w}. The dead node is then not written at all:
 * it is the waiter that a partner completed last, which its owner may still be reading, and writing
 * its cache line once more per hand-off, as linking after a dummy did, cost a transfer between the
 * cores (hand-off-floor.md, section 8). A partner that completes the head leaves {@code head} where
 * it is, so that a hand-off between two threads writes neither end of the list on the partner's
 * side. Ordering appends by the tail alone and publishing the link afterwards is the idea of
 * Ladan-Mozes and Shavit's optimistic queue ("An Optimistic Approach to Lock-Free FIFO Queues",
 * DISC 2004); unlike theirs, this list keeps no back links to repair a missing link. Between its
 * two steps an append cannot be reached from {@code head}: an operation that finds no link after a
 * node that is no longer the tail looks again from {@code head} until the link or the new head
 * appears. That is the one wait in the list: an appender preempted between two adjacent steps
 * delays the partners that walk to it until it runs again, as a producer of a linked queue in the
 * manner of JCTools' {@code MpscLinkedQueue} delays its consumer. Appenders never wait for one
 * another.
 *
 * <p>Select ({@link SelectRun}) locks the channel only to order its registration against other
 * selects; plain sends and receives never lock. A registering select has published its parker on
 * its other channels, so it must not complete a partner itself: when a rule refuses its waiter, it
 * withdraws and polls again, where it can. Selects that share this channel register one at a time,
 * so whatever made a select withdraw is a waiter of a finished registration or of a plain
 * operation, which its poll can complete: no livelock.
 *
 * <p>Closing appends a marker last, by the same compare-and-set of the tail as waiters, so that
 * every waiter is linked before the marker or not at all; then it completes every waiter before the
 * marker with {@link #CLOSED}. An operation that finds the marker helps with that before it reports
 * the channel closed, and so does a waiter completed with {@code CLOSED}: nobody reports "closed"
 * while a waiter before the marker can still be completed by a partner. The close takes effect when
 * the last of those waiters dies: hand-offs completed before then come before it, and every report
 * of "closed" after it.
 *
 * <h2>Memory ordering</h2>
 *
 * <ul>
 *   <li>A waiter's fields, a sender's value among them, are written before the compare-and-set that
 *       makes it the tail, and read by partners after the volatile read of {@code head} or of the
 *       link that reaches it; the appender writes those after that compare-and-set, so the fields
 *       come before them too.
 *   <li>A partner completes a waiter in two steps ({@link Waiter#handOff}): a compare-and-set to
 *       {@link Parker#BUSY}, which only one partner wins, so only it writes the receiver's {@code
 *       item}; then a volatile store of the clause, which the waiter reads before it reads {@code
 *       item}. A receiver completing a sender writes nothing and takes the waiter in one
 *       compare-and-set, straight to the clause. So actions before a send happen-before the receive
 *       that takes its value returns, and the receiver's actions before the hand-off happen-before
 *       the send returns (Go's "a receive from an unbuffered channel happens before the send on
 *       that channel completes").
 *   <li>{@code head} and {@code tail} are volatile and only ever move forward: {@code tail} by
 *       appends, {@code head} past dead nodes, or from a dead last node to the waiter appended
 *       after it, never past a live waiter. Unlinking a dead waiter {@code p} is a compare-and-set
 *       of its predecessor's link from {@code p} to {@code p.link}, and only when {@code p} has a
 *       published successor, so that no append can be lost; a race between two unlinks may leave a
 *       dead waiter linked, never a live one unlinked.
 * </ul>
 */
final class RendezvousChannel<T> extends AbstractChannel.RendezvousLinks<T> {
  /** The clause index that marks a close marker. */
  private static final int MARKER = -1;

  /** {@link #tryAppend}: linked. */
  private static final int LINKED = 0;

  /** {@link #tryAppend}: the list may hold a partner; look again. */
  private static final int CONTENDED = 1;

  /** {@link #tryAppend}: the channel is closed. */
  private static final int SHUT = 2;

  // After the list's line (RendezvousLinks): keeps what is allocated after a channel off it.
  @SuppressWarnings("unused")
  private long p11, p12, p13, p14, p15, p16, p17, p18;

  /** Set once a close has completed every waiter before its marker. */
  private volatile boolean drained;

  RendezvousChannel() {
    super(dead(new Waiter(false, null)));
  }

  /** Cancels {@code w}, a waiter of no operation: the list's first node, or its close marker. */
  private static Waiter dead(Waiter w) {
    w.tryCancel();
    return w;
  }

  private static boolean isMarker(Waiter w) {
    return w.clause() == MARKER;
  }

  // ---------------------------------------------------------------------------------------------
  // The list

  /**
   * Completes the first waiter of the other direction, if there is one.
   *
   * @param value the value to send, or null to receive
   * @return a send: {@code value} once handed over; a receive: the value taken; {@link #EMPTY} if
   *     no waiter can be completed now; {@link #CLOSED} if the channel is closed (after helping)
   */
  private Object match(Object value) {
    boolean send = value != null;
    int waits = 0;
    restart:
    while (true) {
      Waiter h = head();
      Waiter p = h;
      boolean front = true; // every node before p is dead
      Parker group = null; // the select whose waiters of our direction we are walking past
      while (true) {
        if (isMarker(p)) {
          helpClose(p);
          return CLOSED;
        }
        if (p.isLive()) {
          if (p.send == send) {
            if (p.parker() == p || (group != null && p.parker() != group)) {
              return EMPTY; // a plain operation's waiter, or a second select's: the list is pure
            }
            group = p.parker(); // a select's waiter: its group may hold the other direction later
            front = false;
          } else if (p.handOff(send ? value : null)) {
            if (front && p != h) {
              HEAD.compareAndSet(this, h, p); // p is dead now: the new head
            }
            p.parker().wake();
            return send ? value : p.item; // a sender's item is its value, written before linking
          }
          // Otherwise we lost the race to another partner or to the waiter's own cancellation.
        }
        Waiter n = next(p);
        if (n == null) {
          return EMPTY;
        }
        if (n == p) {
          waits = awaitAppend(waits); // an append is between its two steps: look again
          continue restart;
        }
        if (front) { // p is dead: skip it
          if (HEAD.compareAndSet(this, h, n)) {
            h = n;
          } else {
            front = false;
          }
        }
        p = n;
      }
    }
  }

  /**
   * The node after {@code p}: null if {@code p} is last, or {@code p} itself when its successor
   * cannot be reached from it yet, because an append has moved {@code tail} past {@code p} and has
   * yet to publish the link (or, after a dead head, to move {@code head}): then the caller looks
   * again from {@code head}.
   */
  private Waiter next(Waiter p) {
    Waiter n = p.link();
    if (n != null) {
      return n;
    }
    return last() == p ? null : p;
  }

  /**
   * Waits a moment for an append between its two steps, and every 64th time yields the processor,
   * in case the appender was preempted there and waits for this very core.
   *
   * @return {@code waits} plus one
   */
  private static int awaitAppend(int waits) {
    if ((++waits & 63) == 0) {
      Thread.yield();
    } else {
      Thread.onSpinWait();
    }
    return waits;
  }

  /** The first waiter, or a dead node before it. */
  private Waiter head() {
    return (Waiter) HEAD.getVolatile(this);
  }

  /** The last waiter (or marker). */
  private Waiter last() {
    return (Waiter) TAIL.getVolatile(this);
  }

  /** Links {@code w} last if the rules in the class comment allow it. */
  private int tryAppend(Waiter w) {
    while (true) {
      Waiter last = last();
      if (isMarker(last)) {
        return SHUT;
      }
      if (last == head() && !last.isLive()) { // empty
        if (appendToEmpty(w, last)) {
          return LINKED;
        }
        continue;
      }
      if (last.send == w.send && !last.mixed) {
        w.sole = last.sole && last.parker() == w.parker();
        w.mixed = false;
      } else if (last.sole && last.parker() == w.parker()) {
        w.sole = true;
        w.mixed = last.mixed || last.send != w.send;
      } else {
        return CONTENDED;
      }
      if (TAIL.compareAndSet(this, last, w)) { // release: w's fields are published with it
        last.publishLink(w);
        return LINKED;
      }
    }
  }

  /**
   * Links {@code w} as the only waiter after {@code h}, a dead node that was both the head and the
   * last node: rule 1 of the class comment. False if an append came first.
   *
   * <p>{@link #transfer} calls this as soon as it sees the list empty, the common case of a 1:1
   * hand-off, where an operation finds the waiter it would complete gone and waits. Going from that
   * observation straight to the compare-and-set, rather than through a walk of the list and {@link
   * #tryAppend}'s reads, leaves the partner, which is on its way to the same list, less time to get
   * there first: the two racing appends, one of which then fails and has to look again, were a
   * hand-off's main extra cost on two cores (hand-off-floor.md, section 13).
   */
  private boolean appendToEmpty(Waiter w, Waiter h) {
    w.sole = true;
    w.mixed = false;
    if (!TAIL.compareAndSet(this, h, w)) { // release: w's fields are published with it
      return false;
    }
    // The tail was still h, so no append came after it and head, which never passes the tail,
    // is still h: w becomes the head, and h, which the partner that completed it may still be
    // reading, is not written at all.
    HEAD.compareAndSet(this, h, w);
    return true;
  }

  /**
   * Drops dead waiters: moves {@code head} past those at the front and unlinks the others, except
   * any whose successor is not published yet (the last among them). Called by an operation that
   * gave up its waiter, so that selects with timeouts on a quiet channel do not make the list grow.
   */
  private void sweep() {
    Waiter h = head();
    int waits = 0;
    while (!h.isLive() && !isMarker(h)) {
      Waiter n = next(h);
      if (n == null) {
        break; // a dead last node stays the head
      }
      if (n == h) {
        waits = awaitAppend(waits); // an append is between its two steps
        h = head();
      } else if (HEAD.compareAndSet(this, h, n)) {
        h = n;
      } else {
        h = head();
      }
    }
    Waiter pred = h;
    for (Waiter p = h.link(); p != null; ) {
      Waiter n = p.link();
      if (n == null) {
        return; // the last node, or one whose successor is still being linked
      }
      if (!p.isLive()) {
        pred.casLink(p, n); // best effort: a lost race leaves a dead waiter, never a live one out
      } else {
        pred = p;
      }
      p = n;
    }
  }

  /**
   * Completes every waiter before the close marker {@code m} with {@link #CLOSED} and wakes it.
   * Every operation that reports the channel closed calls this first.
   */
  private void helpClose(Waiter m) {
    if (drained) {
      return;
    }
    int waits = 0;
    for (Waiter p = head(); p != m; ) {
      if (p.isLive() && p.handOff(CLOSED)) {
        p.parker().wake();
      }
      Waiter n = next(p); // never null: the marker comes later
      if (n == p) {
        waits = awaitAppend(waits); // an append before the marker is between its two steps
        n = head();
      }
      p = n;
    }
    drained = true;
  }

  /** The close marker, if the channel is closed; helps the close first. */
  private Waiter closedMarker() {
    Waiter last = last();
    if (!isMarker(last)) {
      return null;
    }
    helpClose(last);
    return last;
  }

  // ---------------------------------------------------------------------------------------------
  // Operations

  @Override
  Object transfer(Object value, boolean timed, long deadline) throws InterruptedException {
    if (Thread.interrupted()) {
      throw new InterruptedException();
    }
    boolean send = value != null;
    Waiter w = null;
    while (true) {
      Waiter h = head();
      if (!h.isLive() && last() == h && !isMarker(h)) {
        // The list is empty: link a waiter straight away (rule 1), without walking it again.
        if (timed && deadline - System.nanoTime() <= 0) {
          return EMPTY;
        }
        if (w == null) {
          w = new Waiter(send, value);
        }
        if (appendToEmpty(w, h)) {
          break;
        }
        continue; // another operation linked first: it may be a partner
      }
      Object r = match(value);
      if (r != EMPTY) {
        return send && r == CLOSED ? failSend("send on closed channel") : r;
      }
      if (timed && deadline - System.nanoTime() <= 0) {
        return EMPTY;
      }
      if (w == null) {
        w = new Waiter(send, value);
      }
      int linked = tryAppend(w);
      if (linked == LINKED) {
        break;
      }
      if (linked == SHUT) {
        closedMarker();
        return send ? failSend("send on closed channel") : CLOSED;
      }
      // CONTENDED: a partner may be in the list after all; look again.
    }
    ChannelBlockedEvent blocked = ChannelBlockedEvent.start();
    int outcome;
    try {
      outcome = w.await(timed, deadline, w.sole ? this : null); // spin if first in line
    } finally {
      blocked.finish(id, 0, send ? "send" : "receive");
    }
    if (outcome == 0) {
      if (w.item == CLOSED) {
        closedMarker();
        return send ? failSend("channel closed while sending") : CLOSED;
      }
      return send ? value : w.item;
    }
    sweep();
    if (outcome == Parker.INTERRUPTED) {
      throw new InterruptedException();
    }
    return EMPTY;
  }

  private Object failSend(String what) {
    throw closedException(what);
  }

  @Override
  boolean offerNow(Object value) {
    Object r = match(value);
    if (r == CLOSED) {
      throw closedException("send on closed channel");
    }
    return r != EMPTY;
  }

  @Override
  Object pollNow() {
    return match(null);
  }

  @Override
  void closeImpl(Throwable cause) {
    Waiter m = dead(new ClauseWaiter(null, MARKER, false, cause));
    while (true) {
      Waiter last = last();
      if (isMarker(last)) {
        helpClose(last);
        throw closedException("close of closed channel");
      }
      if (TAIL.compareAndSet(this, last, m)) { // from here on nothing can be linked
        last.publishLink(m);
        helpClose(m);
        return;
      }
    }
  }

  @Override
  void markClosedLocked() {
    throw new AssertionError("a rendezvous channel closes without its lock");
  }

  @Override
  Throwable closeCause() {
    Waiter m = last();
    return isMarker(m) ? (Throwable) m.item : null;
  }

  // ---------------------------------------------------------------------------------------------
  // Select contract: partners complete waiters, without the channel lock.

  @Override
  void beforeReportingClosed() {
    closedMarker();
  }

  @Override
  boolean partnersComplete() {
    return true;
  }

  @Override
  boolean sendLocked(Object value) {
    return offerNow(value);
  }

  @Override
  Object receiveLocked() {
    return match(null);
  }

  @Override
  Waiter newWaiter(Parker parker, int clause, boolean send, Object item) {
    return new ClauseWaiter(parker, clause, send, item); // no queue links: see Waiter
  }

  @Override
  boolean registerLocked(Waiter w) {
    return tryAppend(w) == LINKED;
  }

  @Override
  boolean readyAfterRegistration(boolean send) {
    return false; // registerLocked refuses a waiter that could be completed now
  }

  @Override
  void unregisterLocked(Waiter w) {
    sweep();
  }

  @Override
  void unregister(Waiter w) {
    sweep();
  }

  @Override
  void signal(boolean senders) {
    // Partners complete waiters here, so there is never a wake-up to pass on.
  }

  // ---------------------------------------------------------------------------------------------
  // State

  @Override
  public boolean isClosed() {
    return closedMarker() != null;
  }

  @Override
  public boolean isClosedForReceive() {
    return isClosed(); // nothing is ever buffered
  }

  @Override
  public int capacity() {
    return 0;
  }

  @Override
  public int size() {
    return 0;
  }
}
