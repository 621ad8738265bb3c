package dev.weft.raft;

import java.util.List;

/**
 * The durable state a {@link RaftNode} reads: its hard state, its log and its latest snapshot.
 *
 * <p><b>Who calls it.</b> The node reads it, on the thread that calls the node's methods ({@link
 * RaftNode#start}, {@code tick}, {@code step}, {@code propose}, {@code ready}); the node never
 * writes to it. The application writes to it (for {@link MemoryStorage}, with {@code append} and
 * {@code setHardState}) when it handles a {@link Ready}, before calling {@link
 * RaftNode#advance(Ready)}. An implementation used by one thread need not be thread-safe; one
 * written by another thread (a separate persistence thread) must make writes visible to the node's
 * thread.
 *
 * <p><b>Durability.</b> What a storage returns must be what survives a crash: a node restarted on
 * it with {@link RaftNode#start} relies on it holding every entry and hard state that an earlier
 * node's {@code Ready} asked for, before that {@code Ready}'s messages were sent.
 *
 * <p><b>Errors.</b> Methods may throw an unchecked exception for an I/O failure; the node does not
 * catch it, and after one the node must be discarded and restarted from storage. Reads must not
 * block for long: the node calls them while it handles a tick or a message.
 *
 * <p>Indexes: the log holds entries {@code firstIndex() .. lastIndex()}; entries before {@code
 * firstIndex()} were compacted away, and are covered by the snapshot. With no snapshot, {@code
 * firstIndex()} is 1 and an empty log has {@code lastIndex()} 0. A storage may keep a tail of
 * entries that its snapshot also covers (for followers that lag a little), so in general {@code
 * firstIndex() - 1 <= snapshot index <= lastIndex()}; the term of {@code firstIndex() - 1} is
 * always known. A snapshot installed from a leader that this log does not hold leaves an empty log
 * right after it: {@code firstIndex() - 1 == lastIndex() ==} the snapshot's index.
 */
public interface RaftStorage {
  /**
   * Returns the last hard state stored. A snapshot covers only committed entries, so a storage that
   * holds one reports a commit index of at least the snapshot's index, whatever hard state it was
   * last given.
   *
   * @return the hard state, {@link HardState#EMPTY} for a new node
   */
  HardState hardState();

  /**
   * Returns the index of the first entry available: one more than the last compacted entry; that
   * is, one more than the snapshot's index, or less if the storage keeps a tail of covered entries.
   *
   * @return the first index, from 1
   */
  long firstIndex();

  /**
   * Returns the index of the last entry, or the snapshot's index if there is no entry after it.
   *
   * @return the last index, from 0
   */
  long lastIndex();

  /**
   * Returns the term of the entry at {@code index}.
   *
   * @param index from {@code firstIndex() - 1} (the last compacted entry, or 0) to {@code
   *     lastIndex()}
   * @return the entry's term; at {@code firstIndex() - 1}, the term of the last compacted entry (0
   *     at index 0)
   * @throws IndexOutOfBoundsException if {@code index} is outside that range
   */
  long term(long index);

  /**
   * Returns entries {@code [from, to)}, stopping before the total data size would exceed {@code
   * maxBytes}, but always returning at least the first entry if {@code from < to}.
   *
   * @param from the first index, at least {@code firstIndex()}
   * @param to one past the last index, at most {@code lastIndex() + 1}
   * @param maxBytes a budget of data bytes
   * @return the entries, in index order
   * @throws IndexOutOfBoundsException if the range is outside the log
   */
  List<LogEntry> entries(long from, long to, long maxBytes);

  /**
   * Returns the latest snapshot, with its data in memory. A storage of large snapshots reads the
   * whole state to build it: prefer {@link #snapshotMetadata()} where the bytes are not needed, and
   * {@link MutableStorage#openSnapshot()} to stream them.
   *
   * @return the snapshot, {@link Snapshot#EMPTY} if none
   */
  Snapshot snapshot();

  /**
   * Returns the latest snapshot's metadata, without its data. The default takes it from {@link
   * #snapshot()} (with an empty configuration); storages override it to avoid reading the data.
   *
   * @return the metadata, {@link SnapshotMetadata#EMPTY} if there is no snapshot
   */
  default SnapshotMetadata snapshotMetadata() {
    Snapshot s = snapshot();
    return s.index() == 0 ? SnapshotMetadata.EMPTY : new SnapshotMetadata(s.index(), s.term());
  }
}
