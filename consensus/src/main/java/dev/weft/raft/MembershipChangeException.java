package dev.weft.raft;

import java.io.Serial;

/**
 * Thrown by {@link RaftNode#changeMembership(Membership)} when a change cannot be proposed now: the
 * message says why (another change not yet committed, a leader that has not yet committed an entry
 * of its term, a learner not caught up, a new voter that was never a learner).
 */
public final class MembershipChangeException extends IllegalStateException {
  @Serial private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message why the change was refused
   */
  public MembershipChangeException(String message) {
    super(message);
  }
}
