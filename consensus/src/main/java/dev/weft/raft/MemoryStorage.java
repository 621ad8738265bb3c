package dev.weft.raft;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A {@link RaftStorage} in memory: durable only as long as the object lives, which is what tests
 * and simulations need (a simulated crash discards the node and keeps its storage).
 *
 * {@snippet :
 * MemoryStorage storage = new MemoryStorage();
 * RaftNode node = RaftNode.start(config, storage);
 * // for each Ready:
 * storage.append(ready.entries());
 * if (ready.hardState() != null) {
 *   storage.setHardState(ready.hardState());
 * }
 * }
 *
 * <p>Thread-safe: every method holds the storage's monitor, so a persistence thread may write while
 * the node's thread reads, and a write happens-before every read that sees it.
 */
public final class MemoryStorage implements MutableStorage {
  private final List<LogEntry> log = new ArrayList<>();
  private HardState hardState = HardState.EMPTY;
  private Snapshot snapshot = Snapshot.EMPTY;

  /** Creates an empty storage: no entries, {@link HardState#EMPTY}, no snapshot. */
  public MemoryStorage() {}

  /**
   * Appends entries: an entry at an index that already exists replaces it and every entry after it;
   * entries at indexes already compacted into the snapshot are skipped.
   *
   * @param entries consecutive entries, the first at most {@code lastIndex() + 1}; may be empty
   * @throws IllegalArgumentException if the indexes are not consecutive or leave a gap after the
   *     last entry
   * @throws NullPointerException if the list or an entry is null
   */
  @Override
  public synchronized void append(List<LogEntry> entries) {
    if (entries.isEmpty()) {
      return;
    }
    long first = entries.get(0).index();
    for (int i = 1; i < entries.size(); i++) {
      if (entries.get(i).index() != first + i) {
        throw new IllegalArgumentException("entries are not consecutive: " + entries);
      }
    }
    if (first > lastIndex() + 1) {
      throw new IllegalArgumentException(
          "gap: first entry " + first + " after last index " + lastIndex());
    }
    long firstIndex = firstIndex();
    int skip = (int) Math.max(0, firstIndex - first);
    if (skip >= entries.size()) {
      return;
    }
    long start = first + skip;
    int keep = (int) (start - firstIndex);
    log.subList(keep, log.size()).clear();
    log.addAll(entries.subList(skip, entries.size()));
  }

  /**
   * Stores the hard state, replacing the previous one.
   *
   * @param state the new hard state
   * @throws NullPointerException if {@code state} is null
   */
  @Override
  public synchronized void setHardState(HardState state) {
    this.hardState = Objects.requireNonNull(state, "state");
  }

  @Override
  public synchronized HardState hardState() {
    return hardState;
  }

  @Override
  public synchronized long firstIndex() {
    return snapshot.index() + 1;
  }

  @Override
  public synchronized long lastIndex() {
    return snapshot.index() + log.size();
  }

  @Override
  public synchronized long term(long index) {
    long offset = snapshot.index();
    if (index == offset) {
      return snapshot.term();
    }
    if (index < offset || index > offset + log.size()) {
      throw new IndexOutOfBoundsException(
          "index " + index + " outside [" + offset + ", " + (offset + log.size()) + "]");
    }
    return log.get((int) (index - offset - 1)).term();
  }

  @Override
  public synchronized List<LogEntry> entries(long from, long to, long maxBytes) {
    long offset = snapshot.index();
    if (from <= offset || to > offset + log.size() + 1 || from > to) {
      throw new IndexOutOfBoundsException(
          "range [" + from + ", " + to + ") outside [" + (offset + 1) + ", " + lastIndex() + "]");
    }
    List<LogEntry> out = new ArrayList<>();
    long bytes = 0;
    for (long i = from; i < to; i++) {
      LogEntry e = log.get((int) (i - offset - 1));
      bytes += e.size();
      if (!out.isEmpty() && bytes > maxBytes) {
        break;
      }
      out.add(e);
    }
    return out;
  }

  @Override
  public synchronized Snapshot snapshot() {
    return snapshot;
  }

  @Override
  public synchronized String toString() {
    return "MemoryStorage[" + hardState + ", entries " + firstIndex() + ".." + lastIndex() + "]";
  }
}
