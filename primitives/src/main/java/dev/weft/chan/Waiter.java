package dev.weft.chan;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One blocked clause in a {@link RendezvousChannel}'s list, or, as a {@link QueuedWaiter}, in a
 * lock-based channel's wait queue: a sender carrying its value, or a receiver waiting for one.
 * Fields other than the links are written before the waiter is published (under the channel lock,
 * or by the compare-and-set that links it into a {@link RendezvousChannel}'s list), or, for a
 * receiver's {@code item}, by the partner that claims it, before the store that publishes the
 * claim; the owner reads them only after it has seen the claim.
 *
 * <p>The rendezvous list's partners read a waiter's fields on every hand-off, so the class holds
 * only what a plain operation's waiter in that list needs (32 bytes with compressed class
 * pointers): a select's clause and a list's close marker name their operation and clause in {@link
 * ClauseWaiter}, and the queue links of the lock-based channels are in {@link QueuedWaiter}.
 */
class Waiter extends Parker {
  private static final VarHandle LINK;

  static {
    try {
      LINK = MethodHandles.lookup().findVarHandle(Waiter.class, "link", Waiter.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** A sender (true) or a receiver. */
  final boolean send;

  /**
   * A sender's value; for a receiver, the value handed to it, or {@link AbstractChannel#CLOSED}.
   */
  Object item;

  // For RendezvousChannel's list, written before the waiter is appended.

  /**
   * The next node in a rendezvous channel's list: published once by the append that follows this
   * waiter, then changed only to skip a dead successor.
   */
  @SuppressWarnings("unused") // accessed through LINK
  private volatile Waiter link;

  /**
   * Linked when every waiter in the list belonged to the same operation (see RendezvousChannel).
   */
  boolean sole;

  /** A sole waiter after which the list holds waiters of both directions. */
  boolean mixed;

  /** Makes the waiter of a plain operation, which waits on this waiter itself as its clause 0. */
  Waiter(boolean send, Object item) {
    this.send = send;
    this.item = item;
  }

  /** The operation's wait state: this waiter itself for a plain operation, shared in a select. */
  Parker parker() {
    return this;
  }

  /** The index of this waiter's clause in its operation: 0 for a plain operation. */
  int clause() {
    return 0;
  }

  /**
   * Completes this waiter's clause, handing it {@code result} unless that is null (a sender whose
   * value is taken keeps it); false if its operation already ended. Only for partners that hold the
   * lock of the queue the waiter is in, so that no other partner writes {@code item} meanwhile.
   */
  boolean claim(Object result) {
    if (result != null) {
      item = result; // harmless if the claim fails: nobody reads a lost waiter's item
    }
    return parker().tryClaim(clause());
  }

  /**
   * Completes this waiter's clause as {@link #claim} does, for partners that hold no lock: the
   * operation is taken first, so that only the winner writes {@code item}, and the clause is
   * published after it. With no {@code result} to write, the clause is claimed in one step.
   */
  boolean handOff(Object result) {
    if (result == null) {
      return parker().tryClaim(clause());
    }
    Parker p = parker();
    if (!p.beginClaim()) {
      return false;
    }
    item = result; // plain: published by endClaim's volatile store
    p.endClaim(clause());
    return true;
  }

  /** Whether the operation of this waiter can still be completed. */
  boolean isLive() {
    return parker().isWaiting();
  }

  Waiter link() {
    return link;
  }

  /**
   * Publishes {@code w} as the waiter after this one, once {@code w} has taken this waiter's place
   * as the list's tail: a release store, since only the appender that moved the tail writes it.
   */
  void publishLink(Waiter w) {
    LINK.setRelease(this, w);
  }

  /** Replaces the link {@code expected} with {@code w}: unlinks a dead waiter. */
  boolean casLink(Waiter expected, Waiter w) {
    return LINK.compareAndSet(this, expected, w);
  }
}
