package dev.weft.raft;

import dev.weft.raft.RaftMessage.AppendEntries;
import dev.weft.raft.RaftMessage.AppendEntriesResponse;
import dev.weft.raft.RaftMessage.Heartbeat;
import dev.weft.raft.RaftMessage.HeartbeatResponse;
import dev.weft.raft.RaftMessage.InstallSnapshot;
import dev.weft.raft.RaftMessage.InstallSnapshotResponse;
import dev.weft.raft.RaftMessage.ReadIndex;
import dev.weft.raft.RaftMessage.ReadIndexResponse;
import dev.weft.raft.RaftMessage.RequestVote;
import dev.weft.raft.RaftMessage.RequestVoteResponse;
import dev.weft.raft.RaftMessage.TimeoutNow;

/**
 * The checks a message's content must pass on its own, before a node looks at it: no negative index
 * or term, entries consecutive from {@code prevLogIndex + 1} with non-decreasing terms no later
 * than the message's term, hints no later than what they hint at. Checks that need the node's state
 * (an acknowledgement beyond the leader's log, a commit beyond the follower's) are in {@link Raft}.
 *
 * <p>{@link #problem} is an exhaustive {@code switch} over the sealed {@link RaftMessage}: a new
 * kind of message does not compile until it says what it checks.
 */
final class MessageCheck {
  private MessageCheck() {}

  /**
   * Returns what is wrong with {@code m}, or null if nothing is.
   *
   * @param m a message from the network
   * @return a short reason for the log, or null
   */
  static String problem(RaftMessage m) {
    if (m.term() < 0) {
      return "negative term " + m.term();
    }
    return switch (m) {
      case AppendEntries a -> appendEntries(a);
      case AppendEntriesResponse r -> appendEntriesResponse(r);
      case Heartbeat h ->
          h.commit() < 0 || h.context() < 0
              ? "negative commit or read round " + h.commit() + ", " + h.context()
              : null;
      case HeartbeatResponse h -> h.context() < 0 ? "negative read round " + h.context() : null;
      case RequestVote v -> position(v.lastLogIndex(), v.lastLogTerm(), v.term(), "last log entry");
      case RequestVoteResponse v -> null;
      case TimeoutNow t -> null;
      case ReadIndex q -> null;
      case ReadIndexResponse q -> q.index() < 0 ? "negative read index " + q.index() : null;
      case InstallSnapshot i -> installSnapshot(i);
      case InstallSnapshotResponse r ->
          r.index() < 0 || r.offset() < 0 ? "negative index or offset" : null;
    };
  }

  private static String installSnapshot(InstallSnapshot i) {
    SnapshotMetadata s = i.snapshot();
    if (s.isEmpty()) {
      return "an empty snapshot";
    }
    String last = position(s.index(), s.term(), i.term(), "snapshot");
    if (last != null) {
      return last;
    }
    if (i.offset() < 0 || i.offset() + i.data().length < 0) {
      return "offset " + i.offset() + " out of range";
    }
    if (!i.intact()) {
      return "chunk at offset " + i.offset() + " fails its checksum";
    }
    byte[] configuration = s.configuration();
    if (configuration.length > 0) {
      try {
        Membership.decode(configuration);
      } catch (IllegalArgumentException e) {
        return "a snapshot configuration that does not decode";
      }
    }
    return null;
  }

  private static String appendEntriesResponse(AppendEntriesResponse r) {
    if (r.index() < 0 || r.hintIndex() < 0 || r.hintTerm() < 0) {
      return "negative index or hint";
    }
    if (!r.success() && (r.hintIndex() > r.index() || r.hintTerm() > r.term())) {
      return "hint " + r.hintIndex() + "/" + r.hintTerm() + " beyond what it answers";
    }
    return null;
  }

  private static String appendEntries(AppendEntries a) {
    if (a.leaderCommit() < 0) {
      return "negative commit " + a.leaderCommit();
    }
    String prev = position(a.prevLogIndex(), a.prevLogTerm(), a.term(), "previous entry");
    if (prev != null) {
      return prev;
    }
    long expect = a.prevLogIndex() + 1;
    long lastTerm = a.prevLogTerm();
    for (LogEntry e : a.entries()) {
      if (e.index() != expect || e.index() < 1) {
        return "entry " + e.index() + " where " + expect + " belongs";
      }
      if (e.term() < lastTerm || e.term() > a.term()) {
        return "entry " + e.index() + "/" + e.term() + " has a term out of order";
      }
      if (e.kind() == LogEntry.Kind.MEMBERSHIP && !decodes(e)) {
        return "entry " + e.index() + "/" + e.term() + " carries a membership that does not decode";
      }
      expect++;
      lastTerm = e.term();
    }
    return null;
  }

  private static boolean decodes(LogEntry membershipEntry) {
    try {
      Membership.decode(membershipEntry.data());
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** An (index, term) pair naming a log position, in a message of term {@code term}. */
  private static String position(long index, long entryTerm, long term, String what) {
    if (index < 0 || entryTerm < 0) {
      return what + " " + index + "/" + entryTerm + " is negative";
    }
    if ((index == 0) != (entryTerm == 0)) {
      return what + " " + index + "/" + entryTerm + ": only index 0 has term 0";
    }
    if (entryTerm > term) {
      return what + " " + index + "/" + entryTerm + " is from a later term than " + term;
    }
    return null;
  }
}
