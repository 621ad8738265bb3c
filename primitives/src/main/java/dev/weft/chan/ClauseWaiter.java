package dev.weft.chan;

/**
 * A {@link Waiter} that names its operation and clause: a select's clause (its operation waits on
 * the select's shared {@link Parker}), a {@link RendezvousChannel}'s close marker, or, as a {@link
 * QueuedWaiter}, any waiter of a lock-based channel.
 */
class ClauseWaiter extends Waiter {
  private final Parker parker;
  private final int clause;

  /**
   * Makes a waiter for clause {@code clause} of the operation waiting on {@code parker}, or, if
   * {@code parker} is null, of an operation that waits on this waiter itself.
   */
  ClauseWaiter(Parker parker, int clause, boolean send, Object item) {
    super(send, item);
    this.parker = parker == null ? this : parker;
    this.clause = clause;
  }

  @Override
  final Parker parker() {
    return parker;
  }

  @Override
  final int clause() {
    return clause;
  }
}
