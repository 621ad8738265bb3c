package dev.weft.raft;

import java.io.Serial;

/**
 * Thrown by {@link RaftNode#propose(byte[])} on a leader that is handing leadership over ({@link
 * RaftNode#transferLeadership(String)}): it takes no proposals until the transfer completes (it is
 * then no longer the leader) or is abandoned after an election timeout (thesis §3.10).
 */
public final class TransferInProgressException extends IllegalStateException {
  @Serial private static final long serialVersionUID = 1L;

  /** The node leadership goes to. */
  private final String target;

  /**
   * Creates the exception.
   *
   * @param node the leader that refused the proposal
   * @param target the node it is handing leadership to
   */
  public TransferInProgressException(String node, String target) {
    super("leader " + node + " is transferring leadership to " + target + "; retry there or later");
    this.target = target;
  }

  /**
   * Returns the node leadership is being handed to.
   *
   * @return its id
   */
  public String target() {
    return target;
  }
}
