package dev.weft.raft.internal.quorum;

/** The state of an election as far as the votes counted so far decide it. */
public enum VoteResult {
  /** A majority has granted: the election is won whatever the remaining voters say. */
  WON,
  /** So many have refused that a majority can no longer grant. */
  LOST,
  /** Neither yet. */
  PENDING
}
