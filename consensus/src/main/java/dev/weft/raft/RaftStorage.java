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
 * firstIndex()} were compacted into {@link #snapshot()}. With no snapshot, {@code firstIndex()} is
 * 1 and an empty log has {@code lastIndex()} 0.
 */
public interface RaftStorage {
  /**
   * Returns the last hard state stored.
   *
   * @return the hard state, {@link HardState#EMPTY} for a new node
   */
  HardState hardState();

  /**
   * Returns the index of the first entry available: one more than the snapshot's index.
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
   * @param index from {@code firstIndex() - 1} (the snapshot's index, or 0) to {@code lastIndex()}
   * @return the entry's term; the snapshot's term (0 with no snapshot) at {@code firstIndex() - 1}
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
   * Returns the latest snapshot.
   *
   * @return the snapshot, {@link Snapshot#EMPTY} if none
   */
  Snapshot snapshot();
}
