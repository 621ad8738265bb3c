package dev.weft.raft.internal.quorum;

import java.util.Arrays;

/**
 * Majority-quorum arithmetic for a fixed set of voters (Raft §5.2, §5.3): the size of a majority,
 * the highest index a majority has replicated, and the outcome of a vote.
 *
 * <p>Pure functions on plain arrays and counts, so that each can be checked against a brute-force
 * oracle ({@code MajorityTest}). A joint configuration (thesis §4.3) needs a majority of each of
 * its two voter sets: {@link #jointCommittedIndex} and {@link #jointVoteResult} combine two of
 * these.
 */
public final class Majority {
  private Majority() {}

  /**
   * Returns how many voters form a majority.
   *
   * @param voters the number of voters, at least 1
   * @return {@code voters / 2 + 1}
   * @throws IllegalArgumentException if {@code voters < 1}
   */
  public static int size(int voters) {
    if (voters < 1) {
      throw new IllegalArgumentException("no voters");
    }
    return voters / 2 + 1;
  }

  /**
   * Returns the highest index that at least a majority of voters have reached.
   *
   * @param matches each voter's highest replicated index; not modified
   * @return the largest {@code i} such that a majority have {@code match >= i}
   * @throws IllegalArgumentException if {@code matches} is empty
   */
  public static long committedIndex(long[] matches) {
    int n = matches.length;
    int q = size(n);
    long[] sorted = matches.clone();
    Arrays.sort(sorted);
    // Ascending: the q voters with the highest matches are sorted[n - q .. n - 1], and the least
    // of them, sorted[n - q], is reached by all q.
    return sorted[n - q];
  }

  /**
   * Returns the outcome of a vote among {@code voters} with the answers so far.
   *
   * @param voters the number of voters, at least 1
   * @param granted how many granted
   * @param refused how many refused
   * @return {@link VoteResult#WON} if a majority granted, {@link VoteResult#LOST} if a majority can
   *     no longer grant, else {@link VoteResult#PENDING}
   * @throws IllegalArgumentException if the counts are negative or exceed {@code voters}
   */
  public static VoteResult voteResult(int voters, int granted, int refused) {
    if (granted < 0 || refused < 0 || granted + refused > voters) {
      throw new IllegalArgumentException(
          "impossible counts: " + granted + " + " + refused + " of " + voters);
    }
    int q = size(voters);
    if (granted >= q) {
      return VoteResult.WON;
    }
    if (voters - refused < q) {
      return VoteResult.LOST;
    }
    return VoteResult.PENDING;
  }

  /**
   * Returns the highest index that a majority of {@code incoming} and a majority of {@code
   * outgoing} have reached (thesis §4.3); with no outgoing voters, that of {@code incoming} alone.
   *
   * @param incoming the matches of the configuration's voters, at least one
   * @param outgoing the matches of a joint configuration's outgoing voters, or none
   * @return the lesser of the two majorities' indexes
   * @throws IllegalArgumentException if {@code incoming} is empty
   */
  public static long jointCommittedIndex(long[] incoming, long[] outgoing) {
    long in = committedIndex(incoming);
    return outgoing.length == 0 ? in : Math.min(in, committedIndex(outgoing));
  }

  /**
   * Combines the outcomes of a vote in the two halves of a joint configuration (thesis §4.3): won
   * when both are won, lost as soon as either is lost.
   *
   * @param incoming the outcome among the voters
   * @param outgoing the outcome among the outgoing voters, or {@link VoteResult#WON} when there are
   *     none
   * @return the joint outcome
   */
  public static VoteResult jointVoteResult(VoteResult incoming, VoteResult outgoing) {
    if (incoming == VoteResult.LOST || outgoing == VoteResult.LOST) {
      return VoteResult.LOST;
    }
    if (incoming == VoteResult.WON && outgoing == VoteResult.WON) {
      return VoteResult.WON;
    }
    return VoteResult.PENDING;
  }
}
