package dev.weft.raft;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.zip.CRC32C;

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
 * needs no consistency check, the PreVote flag of Ongaro's thesis §9.6, and InstallSnapshot (Raft
 * §7, Figure 13) with its answer; {@link TimeoutNow} for leadership transfer (thesis §3.10), and
 * {@link ReadIndex} with its answer for reads served by followers (thesis §6.4).
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
   * knows the follower holds, so a follower never commits an entry it might not have, and a context
   * the follower echoes: the leader's latest round of read confirmations (thesis §6.4), which the
   * answer confirms.
   *
   * @param from the leader
   * @param to the follower
   * @param term the leader's term
   * @param commit the lesser of the leader's commit index and the follower's match index
   * @param context the leader's read round when it sent this (0 for none), echoed in the answer
   */
  record Heartbeat(String from, String to, long term, long commit, long context)
      implements RaftMessage {
    /**
     * Checks for nulls.
     *
     * @param from the leader
     * @param to the follower
     * @param term the leader's term
     * @param commit the commit index the follower may adopt
     * @param context the read round to echo
     * @throws NullPointerException if an id is null
     */
    public Heartbeat {
      Objects.requireNonNull(from, "from");
      Objects.requireNonNull(to, "to");
    }

    /**
     * Creates a heartbeat of no read round.
     *
     * @param from the leader
     * @param to the follower
     * @param term the leader's term
     * @param commit the commit index the follower may adopt
     * @throws NullPointerException if an id is null
     */
    public Heartbeat(String from, String to, long term, long commit) {
      this(from, to, term, commit, 0);
    }

    @Override
    public String toString() {
      return "Heartbeat["
          + from
          + "->"
          + to
          + " t"
          + term
          + " commit="
          + commit
          + (context == 0 ? "" : " read=" + context)
          + "]";
    }
  }

  /**
   * Follower to leader: the answer to a {@link Heartbeat}; tells the leader the follower is
   * reachable (CheckQuorum), lets it resume replication to a follower that was paused, and confirms
   * the read round the heartbeat carried.
   *
   * @param from the follower
   * @param to the leader
   * @param term the follower's term
   * @param context the heartbeat's context, echoed
   */
  record HeartbeatResponse(String from, String to, long term, long context) implements RaftMessage {
    /**
     * Checks for nulls.
     *
     * @param from the follower
     * @param to the leader
     * @param term the follower's term
     * @param context the heartbeat's context
     * @throws NullPointerException if an id is null
     */
    public HeartbeatResponse {
      Objects.requireNonNull(from, "from");
      Objects.requireNonNull(to, "to");
    }

    /**
     * Creates an answer to a heartbeat of no read round.
     *
     * @param from the follower
     * @param to the leader
     * @param term the follower's term
     * @throws NullPointerException if an id is null
     */
    public HeartbeatResponse(String from, String to, long term) {
      this(from, to, term, 0);
    }

    @Override
    public String toString() {
      return "HeartbeatResponse["
          + from
          + "->"
          + to
          + " t"
          + term
          + (context == 0 ? "" : " read=" + context)
          + "]";
    }
  }

  /**
   * Candidate to voter: vote for me in {@code term} (Raft §5.2), or, with {@code preVote}, would
   * you vote for me if I started an election in {@code term} (thesis §9.6)? A pre-vote request
   * carries the term the candidate would use, one more than its own, and changes no one's term.
   * With {@code transfer}, the candidate campaigns because the leader told it to ({@link
   * TimeoutNow}, thesis §3.10), and voters disregard the leader lease (thesis §4.2.3) for it.
   *
   * @param from the candidate
   * @param to the voter
   * @param term the election's term
   * @param lastLogIndex the index of the candidate's last entry
   * @param lastLogTerm the term of the candidate's last entry
   * @param preVote true for a pre-vote request
   * @param transfer true for an election that a leadership transfer started
   */
  record RequestVote(
      String from,
      String to,
      long term,
      long lastLogIndex,
      long lastLogTerm,
      boolean preVote,
      boolean transfer)
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
     * @param transfer true for an election a leadership transfer started
     * @throws NullPointerException if an id is null
     */
    public RequestVote {
      Objects.requireNonNull(from, "from");
      Objects.requireNonNull(to, "to");
    }

    /**
     * Creates a request of an ordinary election (no leadership transfer).
     *
     * @param from the candidate
     * @param to the voter
     * @param term the election's term
     * @param lastLogIndex the index of the candidate's last entry
     * @param lastLogTerm the term of the candidate's last entry
     * @param preVote true for a pre-vote request
     * @throws NullPointerException if an id is null
     */
    public RequestVote(
        String from, String to, long term, long lastLogIndex, long lastLogTerm, boolean preVote) {
      this(from, to, term, lastLogIndex, lastLogTerm, preVote, false);
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
          + (transfer ? " transfer" : "")
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

  /**
   * Leader to follower: campaign now, without waiting for an election timeout and without a
   * pre-vote (thesis §3.10, leadership transfer). The leader sends it once the follower's log holds
   * every entry of the leader's; the follower's vote requests then carry {@link
   * RequestVote#transfer()}.
   *
   * @param from the leader
   * @param to the chosen follower
   * @param term the leader's term
   */
  record TimeoutNow(String from, String to, long term) implements RaftMessage {
    /**
     * Checks for nulls.
     *
     * @param from the leader
     * @param to the chosen follower
     * @param term the leader's term
     * @throws NullPointerException if an id is null
     */
    public TimeoutNow {
      Objects.requireNonNull(from, "from");
      Objects.requireNonNull(to, "to");
    }

    @Override
    public String toString() {
      return "TimeoutNow[" + from + "->" + to + " t" + term + "]";
    }
  }

  /**
   * Follower to leader: tell me an index at which I may serve a linearizable read (thesis §6.4,
   * follower reads). The leader confirms its leadership with a round of heartbeats and answers with
   * its commit index as of this request's arrival.
   *
   * @param from the follower (or learner)
   * @param to the leader it knows of
   * @param term the follower's term
   * @param id the follower's number for this request, echoed in the answer
   */
  record ReadIndex(String from, String to, long term, long id) implements RaftMessage {
    /**
     * Checks for nulls.
     *
     * @param from the follower
     * @param to the leader
     * @param term the follower's term
     * @param id the request's number
     * @throws NullPointerException if an id is null
     */
    public ReadIndex {
      Objects.requireNonNull(from, "from");
      Objects.requireNonNull(to, "to");
    }

    @Override
    public String toString() {
      return "ReadIndex[" + from + "->" + to + " t" + term + " #" + id + "]";
    }
  }

  /**
   * Leader to follower: the answer to a {@link ReadIndex}. Once the follower has applied {@code
   * index}, a read of its state machine reflects every write completed before the request was sent.
   *
   * @param from the leader
   * @param to the follower
   * @param term the leader's term
   * @param id the request's number
   * @param index the leader's commit index, confirmed by a quorum after the request arrived
   */
  record ReadIndexResponse(String from, String to, long term, long id, long index)
      implements RaftMessage {
    /**
     * Checks for nulls.
     *
     * @param from the leader
     * @param to the follower
     * @param term the leader's term
     * @param id the request's number
     * @param index the read index
     * @throws NullPointerException if an id is null
     */
    public ReadIndexResponse {
      Objects.requireNonNull(from, "from");
      Objects.requireNonNull(to, "to");
    }

    @Override
    public String toString() {
      return "ReadIndexResponse["
          + from
          + "->"
          + to
          + " t"
          + term
          + " #"
          + id
          + " index="
          + index
          + "]";
    }
  }

  /**
   * Leader to follower: a chunk of the snapshot whose metadata is {@code snapshot} (Raft §7, Figure
   * 13): bytes {@code [offset, offset + data.length)} of the state, and {@code done} on the last
   * chunk. {@code checksum} is the CRC32C of {@code data}, so a chunk damaged on the way is refused
   * ({@link #intact()}).
   *
   * <p><b>Who handles the bytes.</b> The core carries only metadata. A leader's core asks for a
   * snapshot to be sent by emitting a {@linkplain #request request}: a chunk at offset 0 with no
   * data that is not done; the application replaces it by the chunks, streamed from its storage. A
   * follower's application gathers the chunks (checking offsets and checksums) and steps each into
   * the core for the rules of terms and leaders; it steps a chunk with {@code done} only once it
   * holds the whole snapshot, and the core then installs it: the next {@link Ready} carries the
   * metadata in {@link Ready#snapshot()}, to be stored and restored before anything else. A
   * snapshot at or below the follower's commit index is answered with an {@link
   * AppendEntriesResponse} for its commit index and not installed (Figure 13, step 6).
   *
   * <p>The array is not copied (as {@link LogEntry}'s): do not change it after construction.
   *
   * @param from the leader
   * @param to the follower
   * @param term the leader's term
   * @param snapshot the snapshot's last index, its term and the configuration at that index
   * @param offset where {@code data} starts in the snapshot's state
   * @param data the chunk's bytes; may be empty
   * @param done true on the last chunk
   * @param checksum the CRC32C of {@code data}
   */
  record InstallSnapshot(
      String from,
      String to,
      long term,
      SnapshotMetadata snapshot,
      long offset,
      byte[] data,
      boolean done,
      int checksum)
      implements RaftMessage {
    private static final byte[] NO_DATA = new byte[0];

    /**
     * Checks for nulls.
     *
     * @param from the leader
     * @param to the follower
     * @param term the leader's term
     * @param snapshot the snapshot's metadata
     * @param offset where the data starts
     * @param data the chunk's bytes
     * @param done true on the last chunk
     * @param checksum the CRC32C of {@code data}, as sent
     * @throws NullPointerException if an id, the metadata or the data is null
     */
    public InstallSnapshot {
      Objects.requireNonNull(from, "from");
      Objects.requireNonNull(to, "to");
      Objects.requireNonNull(snapshot, "snapshot");
      Objects.requireNonNull(data, "data");
    }

    /**
     * A chunk with its checksum computed.
     *
     * @param from the leader
     * @param to the follower
     * @param term the leader's term
     * @param snapshot the snapshot's metadata
     * @param offset where the data starts
     * @param data the chunk's bytes (not copied)
     * @param done true on the last chunk
     * @return the message
     */
    public static InstallSnapshot chunk(
        String from,
        String to,
        long term,
        SnapshotMetadata snapshot,
        long offset,
        byte[] data,
        boolean done) {
      return new InstallSnapshot(from, to, term, snapshot, offset, data, done, crc(data));
    }

    /**
     * What a leader's core emits when a follower needs the snapshot: offset 0, no data, not done.
     *
     * @param from the leader
     * @param to the follower
     * @param term the leader's term
     * @param snapshot the snapshot to send
     * @return the request
     */
    public static InstallSnapshot request(
        String from, String to, long term, SnapshotMetadata snapshot) {
      return chunk(from, to, term, snapshot, 0, NO_DATA, false);
    }

    /**
     * Tells whether the data still has the checksum it was sent with.
     *
     * @return true if the CRC32C of {@link #data()} is {@link #checksum()}
     */
    public boolean intact() {
      return crc(data) == checksum;
    }

    private static int crc(byte[] data) {
      CRC32C c = new CRC32C();
      c.update(data);
      return (int) c.getValue();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof InstallSnapshot m
          && m.from.equals(from)
          && m.to.equals(to)
          && m.term == term
          && m.snapshot.equals(snapshot)
          && m.offset == offset
          && Arrays.equals(m.data, data)
          && m.done == done
          && m.checksum == checksum;
    }

    @Override
    public int hashCode() {
      return Objects.hash(from, to, term, snapshot, offset, done, checksum);
    }

    /** Names the chunk's place, never its data. */
    @Override
    public String toString() {
      return "InstallSnapshot["
          + from
          + "->"
          + to
          + " t"
          + term
          + " snapshot="
          + snapshot.index()
          + "/"
          + snapshot.term()
          + " offset="
          + offset
          + " +"
          + data.length
          + (done ? " done" : "")
          + "]";
    }
  }

  /**
   * Follower to leader: the answer to an {@link InstallSnapshot} chunk. The follower holds bytes
   * {@code [0, offset)} of the snapshot at {@code index}; if {@code accepted} is false it refused
   * the chunk (a wrong offset, a failed checksum, another transfer under way) and the leader
   * resends from {@code offset}. The installation itself is acknowledged with an {@link
   * AppendEntriesResponse}, once the snapshot is stored.
   *
   * @param from the follower
   * @param to the leader
   * @param term the follower's term
   * @param index the snapshot's last index
   * @param offset how many bytes of it the follower holds, in order
   * @param accepted false if the chunk was refused
   */
  record InstallSnapshotResponse(
      String from, String to, long term, long index, long offset, boolean accepted)
      implements RaftMessage {
    /**
     * Checks for nulls.
     *
     * @param from the follower
     * @param to the leader
     * @param term the follower's term
     * @param index the snapshot's last index
     * @param offset the bytes held
     * @param accepted false if the chunk was refused
     * @throws NullPointerException if an id is null
     */
    public InstallSnapshotResponse {
      Objects.requireNonNull(from, "from");
      Objects.requireNonNull(to, "to");
    }

    @Override
    public String toString() {
      return "InstallSnapshotResponse["
          + from
          + "->"
          + to
          + " t"
          + term
          + " snapshot="
          + index
          + " offset="
          + offset
          + (accepted ? "" : " refused")
          + "]";
    }
  }
}
