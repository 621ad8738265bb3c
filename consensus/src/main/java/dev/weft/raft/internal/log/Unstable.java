package dev.weft.raft.internal.log;

import dev.weft.raft.LogEntry;
import dev.weft.raft.SnapshotMetadata;
import java.util.ArrayList;
import java.util.List;

/**
 * Entries a node has accepted (as leader or follower) that the application has not yet made
 * durable: the suffix of the log from {@link #offset()}. A {@code Ready} hands them out; {@link
 * #stableTo} drops them once the application reports them stored.
 *
 * <p>It may also hold a snapshot received from the leader and not yet stored ({@link #snapshot()}):
 * the log then starts right after it.
 *
 * <p>After etcd raft's {@code unstable}. Not thread-safe.
 */
public final class Unstable {
  private long offset;
  private SnapshotMetadata snapshot;
  private final ArrayList<LogEntry> entries = new ArrayList<>();

  /**
   * Creates an empty suffix starting at {@code offset}.
   *
   * @param offset the index the first unstable entry will have (the stored last index plus one)
   */
  public Unstable(long offset) {
    this.offset = offset;
  }

  public long offset() {
    return offset;
  }

  public boolean isEmpty() {
    return entries.isEmpty();
  }

  /** The unstable entries, as an immutable copy (which {@code Ready} keeps without copying). */
  public List<LogEntry> entries() {
    return List.copyOf(entries);
  }

  /**
   * Returns the last unstable index.
   *
   * @return the index, or -1 if there is none
   */
  public long lastIndex() {
    return entries.isEmpty() ? -1 : offset + entries.size() - 1;
  }

  /**
   * Returns the term of an unstable entry.
   *
   * @param index an index
   * @return its term, or -1 if {@code index} is not unstable
   */
  public long term(long index) {
    if (snapshot != null && index == snapshot.index()) {
      return snapshot.term();
    }
    if (index < offset || index > offset + entries.size() - 1) {
      return -1;
    }
    return entries.get((int) (index - offset)).term();
  }

  public LogEntry get(long index) {
    return entries.get((int) (index - offset));
  }

  /**
   * Drops entries up to {@code index} now that they are durable, if the entry at {@code index}
   * still has {@code term} (it may have been replaced since it was handed out, and the replacement
   * is not yet durable).
   *
   * @param index the last durable index
   * @param term the term of the entry stored there
   */
  public void stableTo(long index, long term) {
    if (term(index) != term) {
      return;
    }
    entries.subList(0, (int) (index + 1 - offset)).clear();
    offset = index + 1;
  }

  /**
   * Appends {@code newEntries}, first dropping every unstable entry at or after the first new
   * index; if that index is before {@code offset}, the suffix now starts there (the durable entries
   * from there on will be replaced when these are stored).
   *
   * @param newEntries consecutive entries, the first at most {@code lastIndex() + 1}
   * @throws IllegalArgumentException if the first index would leave a gap
   */
  public void truncateAndAppend(List<LogEntry> newEntries) {
    if (newEntries.isEmpty()) {
      return;
    }
    long first = newEntries.get(0).index();
    long end = offset + entries.size();
    if (first > end) {
      throw new IllegalArgumentException("gap: entry " + first + " after " + (end - 1));
    }
    if (first <= offset) {
      offset = first;
      entries.clear();
    } else {
      entries.subList((int) (first - offset), entries.size()).clear();
    }
    entries.addAll(newEntries);
  }

  /**
   * The snapshot received and not yet stored, if any.
   *
   * @return its metadata, or null
   */
  public SnapshotMetadata snapshot() {
    return snapshot;
  }

  /**
   * Replaces everything with a snapshot to be stored: the suffix becomes empty and starts right
   * after it.
   *
   * @param s the snapshot's metadata
   */
  public void restore(SnapshotMetadata s) {
    snapshot = s;
    offset = s.index() + 1;
    entries.clear();
  }

  /**
   * The snapshot at {@code index} is stored: forget it.
   *
   * @param index the stored snapshot's index
   */
  public void stableSnapTo(long index) {
    if (snapshot != null && snapshot.index() == index) {
      snapshot = null;
    }
  }
}
