package dev.weft.raft;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Objects;

/**
 * A {@link RaftStorage} that a driver can also write: the writes each {@link Ready} asks for, and
 * the snapshots and compaction that keep the log bounded. {@link MemoryStorage} is one; {@code
 * dev.weft.raft.storage.FileStorage} is the durable one.
 *
 * <p><b>Who calls it.</b> A driver, on its event-loop thread, before it sends the messages of the
 * same {@code Ready}; snapshots may be written from another thread (see {@link SnapshotWriter}).
 * <b>Durability.</b> When a write method returns, what it wrote must survive a crash of this
 * process (for {@link MemoryStorage}, as long as the object lives): the node's safety rests on it.
 * The one exception is spelled out on {@link #save}: a change of the commit index alone. Every
 * method may block (for example on {@code fsync}).
 *
 * <p><b>Snapshots and compaction</b> are optional: the default methods throw {@link
 * UnsupportedOperationException}, and both storages in this module implement them.
 */
public interface MutableStorage extends RaftStorage {
  /**
   * Appends entries durably: an entry at an index that already exists replaces it and every entry
   * after it; entries at indexes the snapshot covers are skipped (they are committed, so they
   * cannot differ).
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

  /**
   * Saves what one {@link Ready} asks for: {@code entries} as {@link #append} does, then {@code
   * hardState} if it is not null, as one write. A storage with a disk makes it durable with one
   * {@code fsync} (plus what a change of term or vote costs), however many entries it carries:
   * group commit.
   *
   * <p>Everything is durable on return, except a hard state that differs from the stored one only
   * in its commit index: a storage may then defer making it durable to its next {@code fsync}. That
   * is safe, because a commit index lost in a crash is learned again from the leader (Raft §5.3),
   * and a node must not send anything that depends on it anyway. {@link #setHardState} does not
   * take this liberty.
   *
   * <p>The default calls {@link #append} and then {@link #setHardState}.
   *
   * @param hardState the new hard state, or null if unchanged
   * @param entries the entries to append; may be empty
   */
  default void save(HardState hardState, List<LogEntry> entries) {
    Objects.requireNonNull(entries, "entries");
    append(entries);
    if (hardState != null) {
      setHardState(hardState);
    }
  }

  /**
   * Starts writing a snapshot, to be streamed into the returned writer and then committed. On
   * {@link SnapshotWriter#commit()}, the storage makes it durable and its current snapshot, and
   * then keeps its log if the log holds the snapshot's last entry (same index and term: Raft Figure
   * 13, step 6), or else discards the whole log, which then starts right after the snapshot. Either
   * way the log is not compacted: call {@link #compact} for that.
   *
   * @param metadata the snapshot's last index, its term and the configuration
   * @return the writer
   * @throws IllegalArgumentException if {@code metadata} is empty, or the storage already holds a
   *     snapshot at the same or a later index
   * @throws UnsupportedOperationException if this storage does not store snapshots
   * @throws NullPointerException if {@code metadata} is null
   */
  default SnapshotWriter beginSnapshot(SnapshotMetadata metadata) {
    throw new UnsupportedOperationException(getClass().getName() + " does not store snapshots");
  }

  /**
   * Stores a snapshot whose state is read from {@code data} to its end; the same as writing it
   * through {@link #beginSnapshot} and committing.
   *
   * @param metadata the snapshot's last index, its term and the configuration
   * @param data the state; read to its end, not closed
   * @throws IllegalArgumentException as {@link #beginSnapshot} does
   * @throws UncheckedIOException if reading {@code data} fails (nothing is stored)
   * @throws UnsupportedOperationException if this storage does not store snapshots
   */
  default void saveSnapshot(SnapshotMetadata metadata, InputStream data) {
    Objects.requireNonNull(data, "data");
    try (SnapshotWriter writer = beginSnapshot(metadata)) {
      data.transferTo(writer.output());
      writer.commit();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Opens the current snapshot for reading, as a stream.
   *
   * @return a reader of the snapshot's metadata and data; close it when done
   * @throws IllegalStateException if there is no snapshot
   * @throws UnsupportedOperationException if this storage does not store snapshots
   */
  default SnapshotReader openSnapshot() {
    throw new UnsupportedOperationException(getClass().getName() + " does not store snapshots");
  }

  /**
   * Discards log entries up to {@code index}, which the snapshot must cover. A storage may keep
   * some of them (whole files, or a tail for followers that lag a little): afterwards {@code
   * firstIndex()} is at most {@code index + 1}, never lower than before, and {@code
   * term(firstIndex() - 1)} still answers. Compacting to an index already compacted does nothing.
   *
   * @param index the last index that may be discarded; at most the snapshot's index
   * @throws IllegalArgumentException if {@code index} is beyond the snapshot's index
   * @throws UnsupportedOperationException if this storage does not store snapshots
   */
  default void compact(long index) {
    throw new UnsupportedOperationException(getClass().getName() + " does not compact");
  }
}
