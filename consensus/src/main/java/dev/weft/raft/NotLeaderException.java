package dev.weft.raft;

import java.io.Serial;
import java.util.Optional;

/**
 * Thrown by {@link RaftNode#propose(byte[])} on a node that is not the leader. Carries the leader
 * the node knows of, if any, so that a client can retry there.
 */
public final class NotLeaderException extends RuntimeException {
  @Serial private static final long serialVersionUID = 1L;

  /** The known leader, or null. */
  private final String leader;

  /**
   * Creates the exception.
   *
   * @param node the node that refused the proposal
   * @param leader the leader it knows of, or {@code null} if none
   */
  public NotLeaderException(String node, String leader) {
    super(
        "node "
            + node
            + " is not the leader"
            + (leader == null ? " and knows of none" : "; the leader is " + leader));
    this.leader = leader;
  }

  /**
   * Returns the leader the refusing node knows of.
   *
   * @return its id, or {@code null} if the node knows of no leader (an election is under way)
   */
  public String leader() {
    return leader;
  }

  /**
   * Returns the leader the refusing node knows of, as an optional.
   *
   * @return its id, or empty if the node knows of no leader
   */
  public Optional<String> knownLeader() {
    return Optional.ofNullable(leader);
  }
}
