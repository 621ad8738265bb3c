package dev.weft.raft.server;

import dev.weft.raft.HardState;
import dev.weft.raft.LogEntry;
import dev.weft.raft.MemoryStorage;
import dev.weft.raft.MutableStorage;
import dev.weft.raft.Snapshot;
import java.util.List;

/**
 * A {@link MemoryStorage} behind a test's own storage: reads go to {@link #inner}; each test
 * storage overrides the calls it counts, refuses or makes fail.
 */
abstract class MemoryStorageWrapper implements MutableStorage {
  final MemoryStorage inner = new MemoryStorage();

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
    return inner.term(index);
  }

  @Override
  public List<LogEntry> entries(long from, long to, long maxBytes) {
    return inner.entries(from, to, maxBytes);
  }

  @Override
  public Snapshot snapshot() {
    return inner.snapshot();
  }
}
