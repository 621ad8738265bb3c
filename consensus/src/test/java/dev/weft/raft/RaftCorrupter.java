package dev.weft.raft;

import dev.weft.raft.RaftMessage.AppendEntries;
import dev.weft.raft.RaftMessage.AppendEntriesResponse;
import dev.weft.raft.RaftMessage.Heartbeat;
import dev.weft.raft.RaftMessage.HeartbeatResponse;
import dev.weft.raft.RaftMessage.ReadIndex;
import dev.weft.raft.RaftMessage.ReadIndexResponse;
import dev.weft.raft.RaftMessage.RequestVote;
import dev.weft.raft.RaftMessage.RequestVoteResponse;
import dev.weft.raft.RaftMessage.TimeoutNow;
import dev.weft.testkit.sim.Corrupter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Corruption a Raft node can detect, for the simulator: half the time the transport's checksum
 * catches it (the copy is dropped); otherwise the message arrives malformed or impossible (a
 * negative index, entries out of order or from a later term, a hint past what it answers, an
 * acknowledgement or commit far past any log). Corruption that yields a plausible message (another
 * term, other data) is left out: no crash-fault-tolerant protocol can detect it, which is why
 * transports checksum their frames.
 */
final class RaftCorrupter implements Corrupter<RaftMessage> {
  static final RaftCorrupter INSTANCE = new RaftCorrupter();
  private static final long FAR = Long.MAX_VALUE / 4;

  @Override
  public RaftMessage corrupt(RaftMessage m, Random r) {
    if (r.nextBoolean()) {
      return null;
    }
    return switch (m) {
      case AppendEntries a -> appendEntries(a, r);
      case AppendEntriesResponse x ->
          x.success()
              ? new AppendEntriesResponse(x.from(), x.to(), x.term(), true, FAR, 0, 0)
              : new AppendEntriesResponse(
                  x.from(), x.to(), x.term(), false, x.index(), x.index() + 1, x.hintTerm());
      case Heartbeat h -> new Heartbeat(h.from(), h.to(), h.term(), r.nextBoolean() ? -1 : FAR);
      case HeartbeatResponse h -> new HeartbeatResponse(h.from(), h.to(), -1 - r.nextInt(3));
      case RequestVote v ->
          r.nextBoolean()
              ? new RequestVote(v.from(), v.to(), v.term(), -1, v.lastLogTerm(), v.preVote())
              : new RequestVote(
                  v.from(), v.to(), v.term(), v.lastLogIndex() + 1, v.term() + 1, v.preVote());
      case RequestVoteResponse v ->
          new RequestVoteResponse(v.from(), v.to(), -1, v.granted(), v.preVote());
      case TimeoutNow t -> new TimeoutNow(t.from(), t.to(), -1);
      case ReadIndex q -> new ReadIndex(q.from(), q.to(), -1 - r.nextInt(3), q.id());
      case ReadIndexResponse q ->
          new ReadIndexResponse(q.from(), q.to(), q.term(), q.id(), -1 - r.nextInt(3));
      case RaftMessage.InstallSnapshot i ->
          // a chunk whose data no longer matches its checksum
          new RaftMessage.InstallSnapshot(
              i.from(),
              i.to(),
              i.term(),
              i.snapshot(),
              i.offset(),
              new byte[] {1, 2, 3},
              i.done(),
              i.checksum() + 1);
      case RaftMessage.InstallSnapshotResponse x ->
          new RaftMessage.InstallSnapshotResponse(
              x.from(), x.to(), x.term(), -1, x.offset(), x.accepted());
    };
  }

  private static AppendEntries appendEntries(AppendEntries a, Random r) {
    List<LogEntry> entries = new ArrayList<>(a.entries());
    switch (r.nextInt(4)) {
      case 0 -> {
        return new AppendEntries(
            a.from(), a.to(), a.term(), -1, a.prevLogTerm(), entries, a.leaderCommit());
      }
      case 1 -> {
        if (entries.size() >= 2) {
          Collections.swap(entries, 0, 1);
        } else if (entries.size() == 1) {
          LogEntry e = entries.get(0);
          entries.set(0, new LogEntry(e.index() + 1, e.term(), e.data()));
        } else {
          return new AppendEntries(
              a.from(), a.to(), a.term(), a.prevLogIndex(), -1, entries, a.leaderCommit());
        }
      }
      case 2 -> {
        if (!entries.isEmpty()) {
          LogEntry e = entries.get(entries.size() - 1);
          entries.set(entries.size() - 1, new LogEntry(e.index(), a.term() + 1, e.data()));
        } else {
          return new AppendEntries(
              a.from(), a.to(), a.term(), a.prevLogIndex(), a.term() + 1, entries, 0);
        }
      }
      default -> {
        return new AppendEntries(
            a.from(), a.to(), a.term(), a.prevLogIndex(), a.prevLogTerm(), entries, -1);
      }
    }
    return new AppendEntries(
        a.from(), a.to(), a.term(), a.prevLogIndex(), a.prevLogTerm(), entries, a.leaderCommit());
  }
}
