package dev.weft.raft.internal.log;

import dev.weft.raft.LogEntry;
import dev.weft.raft.RaftStorage;
import dev.weft.raft.SnapshotMetadata;
import java.util.ArrayList;
import java.util.List;

/**
 * A node's log: the durable prefix in a {@link RaftStorage}, the {@link Unstable} suffix, the
 * commit index, and how far committed entries have been handed to the application ({@code
 * applied}). Invariant: {@code applied <= committed <= lastIndex()}.
 *
 * <p>After etcd raft's {@code raftLog}. The log only reads the storage; the application writes it.
 * Not thread-safe.
 */
public final class RaftLog {
  private final RaftStorage storage;
  private final Unstable unstable;
  private long committed;
  private long applied;

  /**
   * Opens the log over what {@code storage} holds.
   *
   * @param storage the durable prefix
   * @param committed the stored commit index
   * @param applied how far the application already holds the committed entries
   * @throws IllegalArgumentException if {@code applied > committed} or {@code committed} is beyond
   *     the stored log
   */
  public RaftLog(RaftStorage storage, long committed, long applied) {
    this.storage = storage;
    this.unstable = new Unstable(storage.lastIndex() + 1);
    long floor = storage.firstIndex() - 1;
    if (committed > storage.lastIndex()) {
      throw new IllegalArgumentException(
          "stored commit " + committed + " is beyond the stored log, " + storage.lastIndex());
    }
    if (applied > committed) {
      throw new IllegalArgumentException(
          "applied index " + applied + " is beyond the stored commit index " + committed);
    }
    this.committed = Math.max(committed, floor);
    this.applied = Math.max(applied, floor);
  }

  public long firstIndex() {
    SnapshotMetadata s = unstable.snapshot();
    return s != null ? s.index() + 1 : storage.firstIndex();
  }

  /**
   * The latest snapshot: one received and not yet stored, else the storage's.
   *
   * @return its metadata, {@link SnapshotMetadata#EMPTY} if none
   */
  public SnapshotMetadata snapshotMetadata() {
    SnapshotMetadata s = unstable.snapshot();
    return s != null ? s : storage.snapshotMetadata();
  }

  /**
   * Replaces the log with a snapshot received from the leader (Raft Figure 13, step 7): the log
   * starts right after it, and everything it covers counts as committed and applied (the
   * application restores the snapshot before it applies anything after it).
   *
   * @param s the snapshot's metadata, beyond the commit index
   */
  public void restore(SnapshotMetadata s) {
    if (s.index() <= committed) {
      throw new IllegalStateException(
          "snapshot " + s.index() + " is not beyond the commit index " + committed);
    }
    unstable.restore(s);
    committed = s.index();
    applied = s.index();
  }

  /**
   * The snapshot received but not yet stored, for the next Ready.
   *
   * @return its metadata, or null
   */
  public SnapshotMetadata pendingSnapshot() {
    return unstable.snapshot();
  }

  /**
   * Records that the snapshot at {@code index} is stored.
   *
   * @param index its index
   */
  public void stableSnapTo(long index) {
    unstable.stableSnapTo(index);
  }

  public long lastIndex() {
    long u = unstable.lastIndex();
    if (u >= 0) {
      return u;
    }
    return unstable.snapshot() != null
        ? unstable.offset() - 1
        : Math.min(storage.lastIndex(), unstable.offset() - 1);
  }

  public long lastTerm() {
    return term(lastIndex());
  }

  /**
   * Returns the term of the entry at {@code index}.
   *
   * @param index from {@code firstIndex() - 1} to {@code lastIndex()}
   * @return its term (0 at index 0)
   * @throws IndexOutOfBoundsException if {@code index} is outside that range
   */
  public long term(long index) {
    if (index < firstIndex() - 1 || index > lastIndex()) {
      throw new IndexOutOfBoundsException(
          "index " + index + " outside [" + (firstIndex() - 1) + ", " + lastIndex() + "]");
    }
    long t = unstable.term(index);
    return t >= 0 ? t : storage.term(index);
  }

  /**
   * Tells whether the entry at {@code index} exists and has {@code term}.
   *
   * @param index an index, possibly outside the log
   * @param term a term
   * @return true if the log holds that entry
   */
  public boolean matchTerm(long index, long term) {
    return index >= firstIndex() - 1 && index <= lastIndex() && term(index) == term;
  }

  /**
   * The election restriction (Raft §5.4.1): whether a log ending at ({@code index}, {@code term})
   * is at least as up-to-date as this one.
   *
   * @param index the other log's last index
   * @param term the other log's last term
   * @return true if its last term is higher, or equal with an index at least as high
   */
  public boolean isUpToDate(long index, long term) {
    long lastTerm = lastTerm();
    return term > lastTerm || (term == lastTerm && index >= lastIndex());
  }

  /**
   * Returns the first of {@code entries} that this log does not hold: its index is past the end, or
   * the entry there has another term.
   *
   * @param entries consecutive entries
   * @return the index of the first such entry, or 0 if the log holds them all
   */
  public long findConflict(List<LogEntry> entries) {
    for (LogEntry e : entries) {
      if (!matchTerm(e.index(), e.term())) {
        return e.index();
      }
    }
    return 0;
  }

  /**
   * Returns the largest index at most {@code index} whose entry has a term at most {@code term}:
   * every entry after it has a greater term, so it is the last one that can match a log whose entry
   * at {@code index} has {@code term}. The fast backtracking of Raft §5.3 skips to it.
   *
   * @param index where to start, at most {@code lastIndex()}
   * @param term the term to beat
   * @return the index, at least {@code firstIndex() - 1}
   */
  public long findConflictByTerm(long index, long term) {
    long i = Math.min(index, lastIndex());
    long floor = firstIndex() - 1;
    while (i > floor && term(i) > term) {
      i--;
    }
    return i;
  }

  /**
   * Appends {@code entries}, replacing any suffix of the log they conflict with.
   *
   * @param entries consecutive entries, the first at most {@code lastIndex() + 1} and after the
   *     commit index
   * @throws IllegalStateException if they would overwrite a committed entry
   */
  public void append(List<LogEntry> entries) {
    if (entries.isEmpty()) {
      return;
    }
    long first = entries.get(0).index();
    if (first <= committed) {
      throw new IllegalStateException(
          "entry " + first + " would overwrite committed entries up to " + committed);
    }
    unstable.truncateAndAppend(entries);
  }

  /**
   * The follower's side of AppendEntries (Raft §5.3): if the log holds ({@code prevIndex}, {@code
   * prevTerm}), skips the entries it already has, replaces the suffix from the first conflicting
   * one, and raises the commit index to the lesser of {@code leaderCommit} and the last new index.
   *
   * @param prevIndex the index before the first entry
   * @param prevTerm its term
   * @param leaderCommit the leader's commit index
   * @param entries consecutive entries from {@code prevIndex + 1}
   * @return the last index of the appended range ({@code prevIndex + entries.size()}), or -1 if the
   *     consistency check failed
   * @throws IllegalStateException if an entry would overwrite a committed entry
   */
  public long maybeAppend(
      long prevIndex, long prevTerm, long leaderCommit, List<LogEntry> entries) {
    if (!matchTerm(prevIndex, prevTerm)) {
      return -1;
    }
    long lastNew = prevIndex + entries.size();
    long conflict = findConflict(entries);
    if (conflict != 0) {
      append(entries.subList((int) (conflict - prevIndex - 1), entries.size()));
    }
    commitTo(Math.min(leaderCommit, lastNew));
    return lastNew;
  }

  public List<LogEntry> entries(long from, long maxBytes) {
    return slice(from, lastIndex() + 1, maxBytes);
  }

  /**
   * Returns entries {@code [lo, hi)}, within a byte budget.
   *
   * @param lo the first index, at least {@code firstIndex()}
   * @param hi one past the last, at most {@code lastIndex() + 1}
   * @param maxBytes the budget; the first entry is returned whatever its size
   * @return the entries
   * @throws IndexOutOfBoundsException if the range is outside the log
   */
  public List<LogEntry> slice(long lo, long hi, long maxBytes) {
    if (lo < firstIndex() || hi > lastIndex() + 1 || lo > hi) {
      throw new IndexOutOfBoundsException(
          "range [" + lo + ", " + hi + ") outside [" + firstIndex() + ", " + lastIndex() + "]");
    }
    long budget = maxBytes;
    long offset = unstable.offset();
    List<LogEntry> stored = List.of();
    if (lo < offset) {
      long storedHi = Math.min(hi, offset);
      stored = storage.entries(lo, storedHi, budget);
      if (hi <= offset || stored.size() < storedHi - lo) {
        return stored; // all from storage: its list as it is (the usual case once persisted)
      }
      for (LogEntry e : stored) {
        budget -= e.size();
      }
    }
    List<LogEntry> out = new ArrayList<>((int) Math.min(hi - lo, 1024));
    out.addAll(stored);
    for (long i = Math.max(lo, offset); i < hi; i++) {
      LogEntry e = unstable.get(i);
      if (!out.isEmpty() && e.size() > budget) {
        break;
      }
      budget -= e.size();
      out.add(e);
    }
    return out;
  }

  public long committed() {
    return committed;
  }

  /**
   * Raises the commit index; never lowers it.
   *
   * @param index the new commit index
   * @throws IllegalStateException if {@code index} is beyond the last entry
   */
  public void commitTo(long index) {
    if (index <= committed) {
      return;
    }
    if (index > lastIndex()) {
      throw new IllegalStateException(
          "commit " + index + " is beyond the last index " + lastIndex());
    }
    committed = index;
  }

  public long applied() {
    return applied;
  }

  /**
   * Records that the application holds committed entries up to {@code index}.
   *
   * @param index the new applied index, between the old one and the commit index
   * @throws IllegalStateException if {@code index} is outside that range
   */
  public void appliedTo(long index) {
    if (index < applied || index > committed) {
      throw new IllegalStateException(
          "applied " + index + " outside [" + applied + ", " + committed + "]");
    }
    applied = index;
  }

  public boolean hasNextCommittedEntries() {
    return committed > applied;
  }

  /**
   * Returns the committed entries not yet handed to the application.
   *
   * @param maxBytes a budget; at least one entry is returned if any waits
   * @return entries {@code applied + 1 ..}, in order
   */
  public List<LogEntry> nextCommittedEntries(long maxBytes) {
    return slice(applied + 1, committed + 1, maxBytes);
  }

  public List<LogEntry> unstableEntries() {
    return unstable.entries();
  }

  public boolean hasUnstableEntries() {
    return !unstable.isEmpty();
  }

  public void stableTo(long index, long term) {
    unstable.stableTo(index, term);
  }
}
