package dev.weft.raft.server;

import dev.weft.raft.RaftStatus;
import dev.weft.raft.Role;
import dev.weft.raft.internal.jfr.RaftCommitBatchEvent;
import dev.weft.raft.internal.jfr.RaftElectionEvent;
import dev.weft.raft.internal.jfr.RaftLeaderChangeEvent;
import dev.weft.raft.internal.jfr.WeftJfr;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * What a {@link RaftServer}'s loop reports after each turn: Flight Recorder events (elections,
 * leader changes, commit batches) and the {@link RaftMetrics} counters and gauges. It compares the
 * status after the turn with the one before, so it costs a few comparisons per turn; events are
 * built only when a recording wants them. Confined to the loop's thread, except the gauges.
 */
final class LoopObserver {
  private final String id;
  private final RaftMetrics.Counter elections;
  private final RaftMetrics.Counter electionsWon;
  private final RaftMetrics.Counter leaderChanges;
  private final RaftMetrics.Counter commitBatches;
  private final RaftMetrics.Counter appliedEntries;
  private final RaftMetrics.Counter appliedBytesCounter;

  private RaftStatus last;
  private boolean inElection;
  private long electionStart; // System.nanoTime() when the campaign was first seen
  private long applied;
  private long appliedBytes;
  private volatile long appliedGauge;

  LoopObserver(RaftStatus initial, long applied, RaftMetrics metrics, Supplier<RaftStatus> status) {
    Objects.requireNonNull(metrics, "metrics");
    this.id = initial.id();
    this.last = initial;
    this.applied = applied;
    this.appliedGauge = applied;
    Map<String, String> tags = Map.of("node", id);
    elections = metrics.counter("weft.raft.elections", "elections this node started", tags);
    electionsWon = metrics.counter("weft.raft.elections.won", "elections this node won", tags);
    leaderChanges =
        metrics.counter("weft.raft.leader.changes", "changes of the leader this node knows", tags);
    commitBatches =
        metrics.counter("weft.raft.commit.batches", "loop turns that applied entries", tags);
    appliedEntries = metrics.counter("weft.raft.applied.entries", "entries applied", tags);
    appliedBytesCounter = metrics.counter("weft.raft.applied.bytes", "command bytes applied", tags);
    metrics.gauge("weft.raft.term", "current term", tags, () -> status.get().term());
    metrics.gauge("weft.raft.commit.index", "commit index", tags, () -> status.get().commitIndex());
    metrics.gauge("weft.raft.last.index", "last log index", tags, () -> status.get().lastIndex());
    metrics.gauge("weft.raft.applied.index", "last applied index", tags, () -> appliedGauge);
    metrics.gauge(
        "weft.raft.leader",
        "1 while this node leads",
        tags,
        () -> status.get().role() == Role.LEADER ? 1 : 0);
  }

  /**
   * Starts timing a turn's persist, send and apply step; null where events are switched off ({@link
   * WeftJfr}) or no recording wants the event as the turn starts.
   */
  RaftCommitBatchEvent beforeFlush() {
    if (!WeftJfr.ENABLED) {
      return null;
    }
    RaftCommitBatchEvent event = new RaftCommitBatchEvent();
    if (!event.isEnabled()) {
      return null; // no recording wants it: do not read the clock
    }
    event.begin();
    return event;
  }

  /** After a turn: compares the node's status and applied index with the previous turn's. */
  void afterTurn(
      RaftCommitBatchEvent batch, RaftStatus now, long appliedNow, long appliedBytesNow) {
    if (batch != null) {
      batch.end();
    }
    if (appliedNow > applied) {
      long bytes = appliedBytesNow - appliedBytes;
      if (batch != null) {
        batch.finish(id, now.term(), applied + 1, appliedNow, bytes);
      }
      commitBatches.add(1);
      appliedEntries.add(appliedNow - applied);
      appliedBytesCounter.add(bytes);
      applied = appliedNow;
      appliedBytes = appliedBytesNow;
      appliedGauge = appliedNow;
    }
    RaftStatus before = last;
    if (now.role() == before.role()
        && now.term() == before.term()
        && Objects.equals(now.leader(), before.leader())) {
      last = now;
      return;
    }
    last = now;
    boolean campaigning = now.role() == Role.CANDIDATE || now.role() == Role.PRE_CANDIDATE;
    if (campaigning) {
      if (!inElection) {
        inElection = true;
        electionStart = System.nanoTime();
        elections.add(1);
      }
    } else if (inElection || (now.role() == Role.LEADER && before.role() != Role.LEADER)) {
      // the end of a campaign seen before, or one that began and ended within a turn
      if (!inElection) {
        elections.add(1);
      }
      long took = inElection ? System.nanoTime() - electionStart : 0;
      boolean won = now.role() == Role.LEADER;
      if (won) {
        electionsWon.add(1);
      }
      RaftElectionEvent.emit(id, now.term(), won, now.leader(), took);
      inElection = false;
    }
    if (!Objects.equals(now.leader(), before.leader())) {
      leaderChanges.add(1);
      RaftLeaderChangeEvent.emit(id, now.term(), before.leader(), now.leader());
    }
  }
}
