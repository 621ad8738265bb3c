package dev.weft.raft;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
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
 * storage.save(ready.hardState(), ready.entries());
 * }
 *
 * <p>It stores snapshots (their bytes in memory) and compacts exactly to the index it is given.
 *
 * <p>Thread-safe: every method holds the storage's monitor, so a persistence thread may write while
 * the node's thread reads, and a write happens-before every read that sees it.
 */
public final class MemoryStorage implements MutableStorage {
  // entries offset + 1 .. offset + log.size(); offset is the last compacted index
  private final List<LogEntry> log = new ArrayList<>();
  private long offset;
  private long offsetTerm;
  private HardState hardState = HardState.EMPTY;
  private SnapshotMetadata snapshotMetadata = SnapshotMetadata.EMPTY;
  private byte[] snapshotData = new byte[0];

  /** Creates an empty storage: no entries, {@link HardState#EMPTY}, no snapshot. */
  public MemoryStorage() {}

  /**
   * Appends entries: an entry at an index that already exists replaces it and every entry after it;
   * entries at indexes the snapshot covers are skipped.
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
    long covered = Math.max(offset, snapshotMetadata.index());
    int skip = (int) Math.max(0, covered + 1 - first);
    if (skip >= entries.size()) {
      return;
    }
    long start = first + skip;
    int keep = (int) (start - offset - 1);
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
    if (hardState.commit() >= snapshotMetadata.index()) {
      return hardState;
    }
    return new HardState(hardState.term(), hardState.votedFor(), snapshotMetadata.index());
  }

  @Override
  public synchronized long firstIndex() {
    return offset + 1;
  }

  @Override
  public synchronized long lastIndex() {
    return offset + log.size();
  }

  @Override
  public synchronized long term(long index) {
    if (index == offset) {
      return offsetTerm;
    }
    if (index < offset || index > offset + log.size()) {
      throw new IndexOutOfBoundsException(
          "index " + index + " outside [" + offset + ", " + (offset + log.size()) + "]");
    }
    return log.get((int) (index - offset - 1)).term();
  }

  @Override
  public synchronized List<LogEntry> entries(long from, long to, long maxBytes) {
    if (from <= offset || to > offset + log.size() + 1 || from > to) {
      throw new IndexOutOfBoundsException(
          "range [" + from + ", " + to + ") outside [" + (offset + 1) + ", " + lastIndex() + "]");
    }
    int start = (int) (from - offset - 1);
    int limit = (int) (to - offset - 1);
    int end = start;
    long bytes = 0;
    while (end < limit) {
      bytes += log.get(end).size();
      if (end > start && bytes > maxBytes) {
        break;
      }
      end++;
    }
    // one exact-size copy, immutable, so that Ready and AppendEntries keep it without copying
    return List.copyOf(log.subList(start, end));
  }

  @Override
  public synchronized Snapshot snapshot() {
    if (snapshotMetadata.isEmpty()) {
      return Snapshot.EMPTY;
    }
    return new Snapshot(snapshotMetadata.index(), snapshotMetadata.term(), snapshotData);
  }

  @Override
  public synchronized SnapshotMetadata snapshotMetadata() {
    return snapshotMetadata;
  }

  /**
   * Starts a snapshot whose bytes are kept in memory until committed.
   *
   * @param metadata the snapshot's last index, term and configuration
   * @return the writer
   * @throws IllegalArgumentException if {@code metadata} is empty or not newer than the stored
   *     snapshot
   * @throws NullPointerException if {@code metadata} is null
   */
  @Override
  public synchronized SnapshotWriter beginSnapshot(SnapshotMetadata metadata) {
    checkNewer(metadata);
    return new BufferedWriter(metadata);
  }

  @Override
  public synchronized SnapshotReader openSnapshot() {
    if (snapshotMetadata.isEmpty()) {
      throw new IllegalStateException("no snapshot stored");
    }
    SnapshotMetadata metadata = snapshotMetadata;
    InputStream in = new ByteArrayInputStream(snapshotData);
    long size = snapshotData.length;
    return new SnapshotReader() {
      @Override
      public SnapshotMetadata metadata() {
        return metadata;
      }

      @Override
      public long size() {
        return size;
      }

      @Override
      public InputStream input() {
        return in;
      }

      @Override
      public void close() {}
    };
  }

  /**
   * Discards the entries up to {@code index} exactly.
   *
   * @param index the last index to discard; at most the snapshot's index
   * @throws IllegalArgumentException if {@code index} is negative or beyond the snapshot's index
   */
  @Override
  public synchronized void compact(long index) {
    if (index < 0 || index > snapshotMetadata.index()) {
      throw new IllegalArgumentException(
          "cannot compact to " + index + ": the snapshot covers up to " + snapshotMetadata.index());
    }
    if (index <= offset) {
      return;
    }
    long term = term(index);
    log.subList(0, (int) (index - offset)).clear();
    offset = index;
    offsetTerm = term;
  }

  private void checkNewer(SnapshotMetadata metadata) {
    Objects.requireNonNull(metadata, "metadata");
    if (metadata.isEmpty()) {
      throw new IllegalArgumentException("an empty snapshot cannot be stored");
    }
    if (metadata.index() <= snapshotMetadata.index()) {
      throw new IllegalArgumentException(
          "snapshot at index "
              + metadata.index()
              + " is not newer than the stored one at "
              + snapshotMetadata.index());
    }
  }

  private synchronized void install(SnapshotMetadata metadata, byte[] data) {
    if (metadata.index() <= snapshotMetadata.index()) {
      throw new IllegalStateException(
          "snapshot at index "
              + metadata.index()
              + " is not newer than the stored one at "
              + snapshotMetadata.index());
    }
    long i = metadata.index();
    boolean holds = i >= offset && i <= lastIndex() && term(i) == metadata.term();
    if (!holds) {
      log.clear();
      offset = i;
      offsetTerm = metadata.term();
    }
    snapshotMetadata = metadata;
    snapshotData = data;
  }

  private final class BufferedWriter implements SnapshotWriter {
    private final SnapshotMetadata metadata;
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    private boolean done;

    BufferedWriter(SnapshotMetadata metadata) {
      this.metadata = metadata;
    }

    @Override
    public SnapshotMetadata metadata() {
      return metadata;
    }

    @Override
    public OutputStream output() {
      return buffer;
    }

    @Override
    public void commit() {
      if (done) {
        throw new IllegalStateException("snapshot writer already committed or closed");
      }
      done = true;
      install(metadata, buffer.toByteArray());
    }

    @Override
    public void close() {
      done = true;
    }
  }

  @Override
  public synchronized String toString() {
    return "MemoryStorage["
        + hardState
        + ", entries "
        + firstIndex()
        + ".."
        + lastIndex()
        + ", snapshot at "
        + snapshotMetadata.index()
        + "]";
  }
}
