package dev.weft.raft;

import java.util.List;
import java.util.Objects;

/**
 * A message between Raft nodes. The core produces them in {@link Ready#messages()}; the application
 * carries them, and hands each one that arrives to {@link RaftNode#step(RaftMessage)} on the node
 * named by {@link #to()}.
 *
 * <p>Messages are immutable values. The network may drop, delay, duplicate or reorder them; the
 * core copes with all of that. The constructors check only for nulls: content arrives from the
 * network, so it is {@link RaftNode#step(RaftMessage)} that checks it (negative or impossible
 * indexes, entries out of order, terms that contradict each other) and drops what is malformed.
 *
 * <p>The kinds are those of Ongaro and Ousterhout's paper (AppendEntries and RequestVote with their
 * responses) plus etcd's separate heartbeat, which carries the commit index but no entries and
 * needs no consistency check, and the PreVote flag of Ongaro's thesis §9.6.
 */
public sealed interface RaftMessage {
  /**
   * Returns the sending node.
   *
   * @return its id
   */
  String from();

  /**
   * Returns the node the message is for.
   *
   * @return its id
   */
  String to();

  /**
   * Returns the sender's term (for a pre-vote request, the term it would campaign in).
   *
   * @return the term, zero or more in a well-formed message
   */
  long term();

  /**
   * Leader to follower: append {@code entries} after the entry at {@code prevLogIndex}, if that
   * entry has term {@code prevLogTerm} (the consistency check of Raft §5.3).
   *
   * @param from the leader
   * @param to the follower
   * @param term the leader's term
   * @param prevLogIndex the index just before the first entry
   * @param prevLogTerm the term of the entry at {@code prevLogIndex} (0 for index 0)
   * @param entries consecutive entries from {@code prevLogIndex + 1}; may be empty
   * @param leaderCommit the leader's commit index
   */
  record AppendEntries(
      String from,
      String to,
      long term,
      long prevLogIndex,
      long prevLogTerm,
      List<LogEntry> entries,
      long leaderCommit)
      implements RaftMessage {
    /**
     * Checks for nulls and copies the list.
     *
     * @param from the leader
     * @param to the follower
     * @param term the leader's term
     * @param prevLogIndex the index just before the first entry
     * @param prevLogTerm the term of the entry at {@code prevLogIndex}
     * @param entries consecutive entries from {@code prevLogIndex + 1}
     * @param leaderCommit the leader's commit index
     * @throws NullPointerException if an id, the list or an entry is null
     */
    public AppendEntries {
      Objects.requireNonNull(from, "from");
      Objects.requireNonNull(to, "to");
      entries = List.copyOf(entries);
    }

    /** Names the entries' indexes, never their data: messages appear in logs and traces. */
    @Override
    public String toString() {
      return "AppendEntries["
          + from
          + "->"
          + to
          + " t"
          + term
          + " prev="
          + prevLogIndex
          + "/"
          + prevLogTerm
          + (entries.isEmpty()
              ? ""
              : " entries "
                  + entries.get(0).index()
                  + ".."
                  + entries.get(entries.size() - 1).index())
          + " commit="
          + leaderCommit
          + "]";
    }
  }

  /**
   * Follower to leader: the answer to an {@link AppendEntries}.
   *
   * <p>On success, {@code index} is the last index the follower now holds in agreement with the
   * leader. On rejection, {@code index} is the {@code prevLogIndex} that failed the check, and the
   * hint lets the leader skip a whole conflicting term at once: {@code hintIndex} is the largest
   * index in the follower's log, no larger than {@code index}, whose term is at most the rejected
   * {@code prevLogTerm}, and {@code hintTerm} is that entry's term.
   *
   * @param from the follower
   * @param to the leader
   * @param term the follower's term
   * @param success whether the entries were appended
   * @param index the follower's matching last index, or the rejected {@code prevLogIndex}
   * @param hintIndex on rejection, where the leader may probe next; 0 on success
   * @param hintTerm on rejection, the term of the follower's entry at {@code hintIndex}; 0 on
   *     success
   */
  record AppendEntriesResponse(
      String from, String to, long term, boolean success, long index, long hintIndex, long hintTerm)
      implements RaftMessage {
    /**
     * Checks for nulls.
     *
     * @param from the follower
     * @param to the leader
     * @param term the follower's term
     * @param success whether the entries were appended
     * @param index the matching last index, or the rejected {@code prevLogIndex}
     * @param hintIndex on rejection, where the leader may probe next
     * @param hintTerm on rejection, the term at {@code hintIndex}
     * @throws NullPointerException if an id is null
     */
    public AppendEntriesResponse {
      Objects.requireNonNull(from, "from");
      Objects.requireNonNull(to, "to");
    }

    @Override
    public String toString() {
      return "AppendEntriesResponse["
          + from
          + "->"
          + to
          + " t"
          + term
          + (success ? " ok index=" + index : " reject index=" + index)
          + (success ? "" : " hint=" + hintIndex + "/" + hintTerm)
          + "]";
    }
  }

  /**
   * Leader to follower: I am still the leader. Carries the commit index, capped at what the leader
   * knows the follower holds, so a follower never commits an entry it might not have.
   *
   * @param from the leader
   * @param to the follower
   * @param term the leader's term
   * @param commit the lesser of the leader's commit index and the follower's match index
   */
  record Heartbeat(String from, String to, long term, long commit) implements RaftMessage {
    /**
     * Checks for nulls.
     *
     * @param from the leader
     * @param to the follower
     * @param term the leader's term
     * @param commit the commit index the follower may adopt
     * @throws NullPointerException if an id is null
     */
    public Heartbeat {
      Objects.requireNonNull(from, "from");
      Objects.requireNonNull(to, "to");
    }

    @Override
    public String toString() {
      return "Heartbeat[" + from + "->" + to + " t" + term + " commit=" + commit + "]";
    }
  }

  /**
   * Follower to leader: the answer to a {@link Heartbeat}; tells the leader the follower is
   * reachable (CheckQuorum) and lets it resume replication to a follower that was paused.
   *
   * @param from the follower
   * @param to the leader
   * @param term the follower's term
   */
  record HeartbeatResponse(String from, String to, long term) implements RaftMessage {
    /**
     * Checks for nulls.
     *
     * @param from the follower
     * @param to the leader
     * @param term the follower's term
     * @throws NullPointerException if an id is null
     */
    public HeartbeatResponse {
      Objects.requireNonNull(from, "from");
      Objects.requireNonNull(to, "to");
    }

    @Override
    public String toString() {
      return "HeartbeatResponse[" + from + "->" + to + " t" + term + "]";
    }
  }

  /**
   * Candidate to voter: vote for me in {@code term} (Raft §5.2), or, with {@code preVote}, would
   * you vote for me if I started an election in {@code term} (thesis §9.6)? A pre-vote request
   * carries the term the candidate would use, one more than its own, and changes no one's term.
   *
   * @param from the candidate
   * @param to the voter
   * @param term the election's term
   * @param lastLogIndex the index of the candidate's last entry
   * @param lastLogTerm the term of the candidate's last entry
   * @param preVote true for a pre-vote request
   */
  record RequestVote(
      String from, String to, long term, long lastLogIndex, long lastLogTerm, boolean preVote)
      implements RaftMessage {
    /**
     * Checks for nulls.
     *
     * @param from the candidate
     * @param to the voter
     * @param term the election's term
     * @param lastLogIndex the index of the candidate's last entry
     * @param lastLogTerm the term of the candidate's last entry
     * @param preVote true for a pre-vote request
     * @throws NullPointerException if an id is null
     */
    public RequestVote {
      Objects.requireNonNull(from, "from");
      Objects.requireNonNull(to, "to");
    }

    @Override
    public String toString() {
      return (preVote ? "PreVote[" : "RequestVote[")
          + from
          + "->"
          + to
          + " t"
          + term
          + " last="
          + lastLogIndex
          + "/"
          + lastLogTerm
          + "]";
    }
  }

  /**
   * Voter to candidate: the answer to a {@link RequestVote}. A granted vote carries the election's
   * term; a refusal carries the voter's own term, so a candidate behind the times learns it.
   *
   * @param from the voter
   * @param to the candidate
   * @param term the election's term if granted, else the voter's term
   * @param granted whether the vote (or pre-vote) is granted
   * @param preVote true if this answers a pre-vote request
   */
  record RequestVoteResponse(String from, String to, long term, boolean granted, boolean preVote)
      implements RaftMessage {
    /**
     * Checks for nulls.
     *
     * @param from the voter
     * @param to the candidate
     * @param term the election's term if granted, else the voter's term
     * @param granted whether the vote is granted
     * @param preVote true if this answers a pre-vote request
     * @throws NullPointerException if an id is null
     */
    public RequestVoteResponse {
      Objects.requireNonNull(from, "from");
      Objects.requireNonNull(to, "to");
    }

    @Override
    public String toString() {
      return (preVote ? "PreVoteResponse[" : "RequestVoteResponse[")
          + from
          + "->"
          + to
          + " t"
          + term
          + (granted ? " granted" : " refused")
          + "]";
    }
  }
}
