package dev.weft.raft.server;

import dev.weft.raft.HardState;
import dev.weft.raft.LogEntry;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * A memory storage that fails (as a disk would) once {@link #failWrites} or {@link #failReads} is
 * set.
 */
final class FailingStorage extends MemoryStorageWrapper {
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
  public long term(long index) {
    check(failReads);
    return inner.term(index);
  }

  @Override
  public List<LogEntry> entries(long from, long to, long maxBytes) {
    check(failReads);
    return inner.entries(from, to, maxBytes);
  }
}
