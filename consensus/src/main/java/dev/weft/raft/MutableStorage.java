package dev.weft.raft;

import java.util.List;

/**
 * A {@link RaftStorage} that a driver can also write: the two writes each {@link Ready} asks for.
 * {@link MemoryStorage} is one; a file-backed storage is another.
 *
 * <p><b>Who calls it.</b> A driver, on its event-loop thread, before it sends the messages of the
 * same {@code Ready}. <b>Durability.</b> When a write method returns, what it wrote must survive a
 * crash of this process (for {@link MemoryStorage}, as long as the object lives): the node's safety
 * rests on it. Both methods may block (for example on {@code fsync}).
 */
public interface MutableStorage extends RaftStorage {
  /**
   * Appends entries durably: an entry at an index that already exists replaces it and every entry
   * after it.
   *
   * @param entries consecutive entries, the first at most {@code lastIndex() + 1}; may be empty
   */
  void append(List<LogEntry> entries);

  /**
   * Replaces the hard state durably.
   *
   * @param state the new term, vote and commit index
   */
  void setHardState(HardState state);
}
