package dev.weft.chan;

/**
 * One blocked clause in a channel's wait queue: a sender carrying its value, or a receiver waiting
 * for one. Fields other than the links are written before the waiter is published under the channel
 * lock, or (for a receiver's {@code item}) by the partner just before its claiming compare-and-set,
 * and read by the owner only after it has seen the claim: the compare-and-set and the owner's
 * volatile read of the state order them.
 */
final class Waiter {
  final Parker parker;
  final int clause;
  final ChanImpl<?> channel;

  /** A sender's value; for a receiver, the value handed to it, or {@link ChanImpl#CLOSED}. */
  Object item;

  // Links in the channel's queue; guarded by the channel lock.
  Waiter prev;
  Waiter next;
  boolean queued;

  Waiter(Parker parker, int clause, ChanImpl<?> channel, Object item) {
    this.parker = parker;
    this.clause = clause;
    this.channel = channel;
    this.item = item;
  }

  /** Completes this waiter's clause with {@code result}; false if its operation already ended. */
  boolean claim(Object result) {
    item = result; // harmless if the claim fails: nobody reads a lost waiter's item
    return parker.tryClaim(clause);
  }

  /** Completes this sender's clause by taking its value; false if its operation already ended. */
  boolean claimSender() {
    return parker.tryClaim(clause);
  }
}
