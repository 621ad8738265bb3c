package dev.weft.chan;

/**
 * One blocked clause in a channel's wait queue: a sender carrying its value, or a receiver waiting
 * for one. Fields other than the links are written before the waiter is published under the channel
 * lock, or (for a receiver's {@code item}) by the partner just before its claiming compare-and-set,
 * and read by the owner only after it has seen the claim: the compare-and-set and the owner's
 * volatile read of the state order them.
 */
final class Waiter extends Parker {
  /** The operation's wait state: this waiter itself for a plain operation, shared in a select. */
  final Parker parker;

  final int clause;
  final AbstractChannel<?> channel;

  /**
   * A sender's value; for a receiver, the value handed to it, or {@link AbstractChannel#CLOSED}.
   */
  Object item;

  // Links in the channel's queue; guarded by the channel lock.
  Waiter prev;
  Waiter next;
  boolean queued;

  /**
   * Makes a waiter for clause {@code clause} of the operation waiting on {@code parker}, or, if
   * {@code parker} is null, for a plain operation that waits on this waiter itself.
   */
  Waiter(Parker parker, int clause, AbstractChannel<?> channel, Object item) {
    this.parker = parker == null ? this : parker;
    this.clause = clause;
    this.channel = channel;
    this.item = item;
  }

  /**
   * Completes this waiter's clause, handing it {@code result} unless that is null (a sender whose
   * value is taken keeps it); false if its operation already ended.
   */
  boolean claim(Object result) {
    if (result != null) {
      item = result; // harmless if the claim fails: nobody reads a lost waiter's item
    }
    return parker.tryClaim(clause);
  }
}
