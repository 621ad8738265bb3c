package dev.weft.raft.server;

import dev.weft.raft.HardState;
import dev.weft.raft.LogEntry;
import dev.weft.raft.MemoryStorage;
import dev.weft.raft.MutableStorage;
import dev.weft.raft.Snapshot;
import java.io.UncheckedIOException;
import java.util.List;

/** A {@link MemoryStorage} that fails (as a disk would) once {@link #fail} is set. */
final class FailingStorage implements MutableStorage {
  final MemoryStorage inner = new MemoryStorage();
  volatile boolean failWrites;
  volatile boolean failReads;

  private void check(boolean armed) {
    if (armed) {
      throw new UncheckedIOException(new java.io.IOException("disk failure (test)"));
    }
  }

  @Override
  public void append(List<LogEntry> entries) {
    check(failWrites && !entries.isEmpty());
    inner.append(entries);
  }

  @Override
  public void setHardState(HardState state) {
    check(failWrites);
    inner.setHardState(state);
  }

  @Override
  public HardState hardState() {
    return inner.hardState();
  }

  @Override
  public long firstIndex() {
    return inner.firstIndex();
  }

  @Override
  public long lastIndex() {
    return inner.lastIndex();
  }

  @Override
  public long term(long index) {
    check(failReads);
    return inner.term(index);
  }

  @Override
  public List<LogEntry> entries(long from, long to, long maxBytes) {
    check(failReads);
    return inner.entries(from, to, maxBytes);
  }

  @Override
  public Snapshot snapshot() {
    return inner.snapshot();
  }
}
