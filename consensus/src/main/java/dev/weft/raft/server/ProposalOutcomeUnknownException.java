package dev.weft.raft.server;

/**
 * What became of a proposal cannot be known here: its log entry was covered by a snapshot this
 * replica installed from the leader, which says what state the group reached but not which entries
 * made it. The command may or may not have been applied. Retrying is safe only for an application
 * that deduplicates its requests (as the key-value example does with client sessions).
 */
public final class ProposalOutcomeUnknownException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message which entry, and which snapshot covered it
   */
  public ProposalOutcomeUnknownException(String message) {
    super(message);
  }
}
