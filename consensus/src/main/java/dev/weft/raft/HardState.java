package dev.weft.raft;

/**
 * The state a Raft node must make durable before it sends the messages of the same {@link Ready}:
 * its current term, the candidate it voted for in that term, and the highest index it knows to be
 * committed.
 *
 * <p>The commit index is stored so that a restarted node can hand committed entries back to its
 * state machine without waiting for a leader; losing a commit index is safe (it is relearned),
 * losing a term or a vote is not (a node could vote twice in one term).
 *
 * @param term the current term, zero or more
 * @param votedFor the node voted for in {@code term}, or {@code null} if none
 * @param commit the highest index known to be committed, zero or more
 */
public record HardState(long term, String votedFor, long commit) {
  /** The hard state of a node that has never run: term 0, no vote, nothing committed. */
  public static final HardState EMPTY = new HardState(0, null, 0);

  /**
   * Checks the components.
   *
   * @param term the current term, zero or more
   * @param votedFor the node voted for in {@code term}, or {@code null} if none
   * @param commit the highest index known to be committed, zero or more
   * @throws IllegalArgumentException if {@code term} or {@code commit} is negative
   */
  public HardState {
    if (term < 0 || commit < 0) {
      throw new IllegalArgumentException("negative term or commit: " + term + ", " + commit);
    }
  }

  /**
   * Tells whether this is {@link #EMPTY}, the state of a node that has never run.
   *
   * @return true if term and commit are 0 and there is no vote
   */
  public boolean isEmpty() {
    return term == 0 && votedFor == null && commit == 0;
  }
}
