package dev.weft.raft;

/** The role a Raft node plays in its current term. */
public enum Role {
  /** Follows a leader, or waits for one; every node starts here. */
  FOLLOWER,
  /**
   * Asks the others, without changing its term, whether they would vote for it (PreVote, Ongaro's
   * thesis §9.6); becomes a {@link #CANDIDATE} only if a majority would.
   */
  PRE_CANDIDATE,
  /** Has started an election in a new term and voted for itself. */
  CANDIDATE,
  /** Won the election of its term: accepts proposals and replicates the log. */
  LEADER
}
