package dev.weft.raft.server;

/**
 * A proposal will never be applied: a new leader replaced its log entry with another before it was
 * committed (the proposer lost its leadership). Safe to retry; an application that needs
 * exactly-once effects numbers its requests and deduplicates in its state machine.
 */
public final class ProposalDroppedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message which entry was replaced
   */
  public ProposalDroppedException(String message) {
    super(message);
  }
}
