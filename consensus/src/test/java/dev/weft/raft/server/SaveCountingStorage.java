package dev.weft.raft.server;

import dev.weft.raft.HardState;
import dev.weft.raft.LogEntry;
import dev.weft.raft.SnapshotMetadata;
import dev.weft.raft.SnapshotReader;
import dev.weft.raft.SnapshotWriter;
import java.util.List;

/**
 * A memory storage that counts {@link #save} calls (each would be one {@code fsync} on a disk) and
 * refuses the separate {@link #append} and {@link #setHardState}, which would cost two: a driver
 * must save each Ready in one call.
 */
final class SaveCountingStorage extends MemoryStorageWrapper {
  int saves;

  @Override
  public void save(HardState hardState, List<LogEntry> entries) {
    saves++;
    inner.save(hardState, entries);
  }

  @Override
  public void append(List<LogEntry> entries) {
    throw new AssertionError("append without save: a second fsync per Ready");
  }

  @Override
  public void setHardState(HardState state) {
    throw new AssertionError("setHardState without save: a second fsync per Ready");
  }

  @Override
  public SnapshotMetadata snapshotMetadata() {
    return inner.snapshotMetadata();
  }

  @Override
  public SnapshotWriter beginSnapshot(SnapshotMetadata metadata) {
    return inner.beginSnapshot(metadata);
  }

  @Override
  public SnapshotReader openSnapshot() {
    return inner.openSnapshot();
  }

  @Override
  public void compact(long index) {
    inner.compact(index);
  }
}
