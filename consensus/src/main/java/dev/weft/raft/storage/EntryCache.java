package dev.weft.raft.storage;

import dev.weft.raft.LogEntry;

/**
 * The most recently written entries, up to a budget of bytes, so that a leader's reads for
 * followers that lag a little are served from memory. It holds a consecutive run of entries ending
 * at the log's last index (or nothing); older entries are evicted first.
 *
 * <p>Each entry is charged its data size plus {@value #OVERHEAD} bytes for the objects around it,
 * so a budget bounds memory even for tiny entries. Not thread-safe: used under the storage's lock.
 */
final class EntryCache {
  static final int OVERHEAD = 64;

  private final long budget;
  private LogEntry[] ring = new LogEntry[16];
  private int head;
  private int size;
  private long bytes;

  EntryCache(long budget) {
    this.budget = budget;
  }

  /** Adds {@code e}, which must follow the last entry held (or the cache is restarted at it). */
  void add(LogEntry e) {
    long cost = e.size() + OVERHEAD;
    if (cost > budget) {
      clear();
      return;
    }
    if (size > 0 && last().index() + 1 != e.index()) {
      clear();
    }
    if (size == ring.length) {
      LogEntry[] bigger = new LogEntry[ring.length * 2];
      for (int i = 0; i < size; i++) {
        bigger[i] = ring[(head + i) % ring.length];
      }
      ring = bigger;
      head = 0;
    }
    ring[(head + size) % ring.length] = e;
    size++;
    bytes += cost;
    while (bytes > budget) {
      removeFirst();
    }
  }

  /** The entry at {@code index}, or null if it is not held. */
  LogEntry get(long index) {
    if (size == 0) {
      return null;
    }
    long first = ring[head].index();
    if (index < first || index >= first + size) {
      return null;
    }
    return ring[(int) ((head + (index - first)) % ring.length)];
  }

  /** The first index held, or {@code Long.MAX_VALUE} if none. */
  long firstIndex() {
    return size == 0 ? Long.MAX_VALUE : ring[head].index();
  }

  /** Forgets the entries from {@code index} on (the log was truncated there). */
  void truncateFrom(long index) {
    while (size > 0 && last().index() >= index) {
      int at = (head + size - 1) % ring.length;
      bytes -= ring[at].size() + OVERHEAD;
      ring[at] = null;
      size--;
    }
  }

  void clear() {
    while (size > 0) {
      removeFirst();
    }
    head = 0;
  }

  private LogEntry last() {
    return ring[(head + size - 1) % ring.length];
  }

  private void removeFirst() {
    bytes -= ring[head].size() + OVERHEAD;
    ring[head] = null;
    head = (head + 1) % ring.length;
    size--;
  }
}
