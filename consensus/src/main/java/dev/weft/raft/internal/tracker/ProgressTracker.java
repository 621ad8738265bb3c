package dev.weft.raft.internal.tracker;

import dev.weft.raft.Membership;
import dev.weft.raft.internal.quorum.Majority;
import dev.weft.raft.internal.quorum.VoteResult;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The configuration in force, the leader's {@link Progress} for every member of it (voters and
 * learners), and the votes of the current election. Members are kept in configuration order, so
 * iteration (and so the order of messages) is deterministic.
 *
 * <p>Quorums follow the configuration: a majority of its voters, and in a joint configuration also
 * a majority of its outgoing voters (thesis §4.3); learners receive the log but never count.
 *
 * <p>Not thread-safe.
 */
public final class ProgressTracker {
  private final int maxInflightMessages;
  private final long maxInflightBytes;
  private Membership membership;
  private List<String> voters;
  private List<String> members;
  private final Map<String, Progress> progress = new LinkedHashMap<>();
  private final Map<String, Boolean> votes = new LinkedHashMap<>();

  /**
   * Creates a tracker; call {@link #reset} before use.
   *
   * @param membership the configuration in force
   * @param maxInflightMessages each follower's window, in messages
   * @param maxInflightBytes each follower's window, in bytes
   */
  public ProgressTracker(Membership membership, int maxInflightMessages, long maxInflightBytes) {
    this.maxInflightMessages = maxInflightMessages;
    this.maxInflightBytes = maxInflightBytes;
    use(membership);
    reset("", 0);
  }

  private void use(Membership m) {
    this.membership = m;
    this.voters = m.allVoters();
    this.members = m.members();
  }

  private Progress fresh(String member, String self, long lastIndex) {
    Progress p =
        new Progress(0, lastIndex + 1, new Inflights(maxInflightMessages, maxInflightBytes));
    if (member.equals(self)) {
      p.maybeUpdate(lastIndex);
      p.becomeReplicate();
    }
    return p;
  }

  /**
   * Forgets all progress and votes: every member probes from {@code lastIndex + 1} and has matched
   * nothing, except {@code self}, which has matched {@code lastIndex}.
   *
   * @param self this node
   * @param lastIndex this node's last index
   */
  public void reset(String self, long lastIndex) {
    progress.clear();
    votes.clear();
    for (String m : members) {
      progress.put(m, fresh(m, self, lastIndex));
    }
  }

  /**
   * Switches to another configuration: members that stay keep their progress and votes, new ones
   * start probing from {@code lastIndex + 1}, members that left are forgotten.
   *
   * @param next the new configuration
   * @param self this node
   * @param lastIndex this node's last index
   */
  public void setMembership(Membership next, String self, long lastIndex) {
    use(next);
    Map<String, Progress> kept = new LinkedHashMap<>();
    for (String m : members) {
      Progress p = progress.get(m);
      kept.put(m, p != null ? p : fresh(m, self, lastIndex));
    }
    progress.clear();
    progress.putAll(kept);
    votes.keySet().retainAll(voters);
  }

  public Membership membership() {
    return membership;
  }

  /**
   * Returns the voters, incoming and outgoing, in configuration order.
   *
   * @return an unmodifiable list
   */
  public List<String> voters() {
    return voters;
  }

  public List<String> members() {
    return members;
  }

  public boolean isVoter(String id) {
    return membership.isVoter(id);
  }

  /**
   * Returns a member's progress.
   *
   * @param id a node id
   * @return its progress, or {@code null} if {@code id} is not a member
   */
  public Progress progress(String id) {
    return progress.get(id);
  }

  public Map<String, Progress> all() {
    return Collections.unmodifiableMap(progress);
  }

  /**
   * Returns the highest index a quorum has replicated: a majority of the voters, and of the
   * outgoing voters in a joint configuration.
   *
   * @return the quorum's committed index by match
   */
  public long committed() {
    return Majority.jointCommittedIndex(
        matches(membership.voters()), matches(membership.outgoingVoters()));
  }

  private long[] matches(List<String> ids) {
    long[] out = new long[ids.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = progress.get(ids.get(i)).match();
    }
    return out;
  }

  public void resetVotes() {
    votes.clear();
  }

  /**
   * Records a voter's answer; only its first answer in an election counts, and only voters count.
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
    VoteResult outgoing =
        membership.isJoint() ? tally(membership.outgoingVoters()) : VoteResult.WON;
    return Majority.jointVoteResult(tally(membership.voters()), outgoing);
  }

  private VoteResult tally(List<String> ids) {
    int granted = 0;
    int refused = 0;
    for (String id : ids) {
      Boolean v = votes.get(id);
      if (v != null) {
        if (v) {
          granted++;
        } else {
          refused++;
        }
      }
    }
    return Majority.voteResult(ids.size(), granted, refused);
  }

  /**
   * Tells whether a quorum (counting {@code self} if it votes) has been {@link
   * Progress#recentActive()}.
   *
   * @param self this node, always counted as active
   * @return true if a majority of the voters (and of the outgoing voters) are active
   */
  public boolean quorumActive(String self) {
    boolean in = active(membership.voters(), self);
    return membership.isJoint() ? in && active(membership.outgoingVoters(), self) : in;
  }

  private boolean active(List<String> ids, String self) {
    int n = 0;
    for (String id : ids) {
      if (id.equals(self) || progress.get(id).recentActive()) {
        n++;
      }
    }
    return n >= Majority.size(ids.size());
  }
}
