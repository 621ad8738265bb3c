package dev.weft.raft.internal.tracker;

import dev.weft.raft.internal.quorum.Majority;
import dev.weft.raft.internal.quorum.VoteResult;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The voters, the leader's {@link Progress} for each of them, and the votes of the current
 * election. Voters are kept in configuration order, so iteration (and so the order of messages) is
 * deterministic.
 *
 * <p>Not thread-safe.
 */
public final class ProgressTracker {
  private final List<String> voters;
  private final int maxInflightMessages;
  private final long maxInflightBytes;
  private final Map<String, Progress> progress = new LinkedHashMap<>();
  private final Map<String, Boolean> votes = new LinkedHashMap<>();

  /**
   * Creates a tracker; call {@link #reset} before use.
   *
   * @param voters the voting members, in configuration order
   * @param maxInflightMessages each follower's window, in messages
   * @param maxInflightBytes each follower's window, in bytes
   */
  public ProgressTracker(List<String> voters, int maxInflightMessages, long maxInflightBytes) {
    this.voters = List.copyOf(voters);
    this.maxInflightMessages = maxInflightMessages;
    this.maxInflightBytes = maxInflightBytes;
    reset("", 0);
  }

  /**
   * Forgets all progress and votes: every voter probes from {@code lastIndex + 1} and has matched
   * nothing, except {@code self}, which has matched {@code lastIndex}.
   *
   * @param self this node
   * @param lastIndex this node's last index
   */
  public void reset(String self, long lastIndex) {
    progress.clear();
    votes.clear();
    for (String v : voters) {
      Progress p =
          new Progress(0, lastIndex + 1, new Inflights(maxInflightMessages, maxInflightBytes));
      if (v.equals(self)) {
        p.maybeUpdate(lastIndex);
        p.becomeReplicate();
      }
      progress.put(v, p);
    }
  }

  /**
   * Returns the voters, in configuration order.
   *
   * @return an unmodifiable list
   */
  public List<String> voters() {
    return voters;
  }

  /**
   * Tells whether {@code id} is a voter.
   *
   * @param id a node id
   * @return true if it votes
   */
  public boolean isVoter(String id) {
    return progress.containsKey(id);
  }

  /**
   * Returns a voter's progress.
   *
   * @param id a voter
   * @return its progress, or {@code null} if {@code id} is not a voter
   */
  public Progress progress(String id) {
    return progress.get(id);
  }

  /**
   * Returns every voter's progress, in configuration order.
   *
   * @return an unmodifiable view
   */
  public Map<String, Progress> all() {
    return Collections.unmodifiableMap(progress);
  }

  /**
   * Returns the highest index a majority of voters have replicated.
   *
   * @return the majority's committed index by match
   */
  public long committed() {
    long[] matches = new long[progress.size()];
    int i = 0;
    for (Progress p : progress.values()) {
      matches[i++] = p.match();
    }
    return Majority.committedIndex(matches);
  }

  /** Forgets the votes of the current election. */
  public void resetVotes() {
    votes.clear();
  }

  /**
   * Records a voter's answer; only its first answer in an election counts.
   *
   * @param id the voter
   * @param granted its answer
   */
  public void recordVote(String id, boolean granted) {
    if (isVoter(id)) {
      votes.putIfAbsent(id, granted);
    }
  }

  /**
   * Returns the election's outcome so far.
   *
   * @return won, lost or pending
   */
  public VoteResult tallyVotes() {
    int granted = 0;
    int refused = 0;
    for (boolean v : votes.values()) {
      if (v) {
        granted++;
      } else {
        refused++;
      }
    }
    return Majority.voteResult(voters.size(), granted, refused);
  }

  /**
   * Tells whether a majority (counting {@code self}) have been {@link Progress#recentActive()}.
   *
   * @param self this node, always counted as active
   * @return true if a majority are active
   */
  public boolean quorumActive(String self) {
    int active = 0;
    for (Map.Entry<String, Progress> e : progress.entrySet()) {
      if (e.getKey().equals(self) || e.getValue().recentActive()) {
        active++;
      }
    }
    return active >= Majority.size(voters.size());
  }
}
