package dev.weft.raft;

/**
 * A node's view of itself at one moment, from {@link RaftNode#status()}.
 *
 * @param id the node's id
 * @param term its current term
 * @param role its role in that term
 * @param leader the leader it knows of in that term (itself if it leads), or {@code null}
 * @param commitIndex the highest index it knows to be committed
 * @param lastIndex the index of the last entry in its log, persisted or not
 * @param membership the configuration it uses (voters, learners, and the outgoing voters when it is
 *     joint), or {@code null} where a status was made without one
 */
public record RaftStatus(
    String id,
    long term,
    Role role,
    String leader,
    long commitIndex,
    long lastIndex,
    Membership membership) {
  /**
   * Creates a status without a configuration.
   *
   * @param id the node's id
   * @param term its current term
   * @param role its role
   * @param leader the leader it knows of, or {@code null}
   * @param commitIndex its commit index
   * @param lastIndex its last index
   */
  public RaftStatus(
      String id, long term, Role role, String leader, long commitIndex, long lastIndex) {
    this(id, term, role, leader, commitIndex, lastIndex, null);
  }
}
