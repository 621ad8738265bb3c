package dev.weft.raft.storage;

import java.util.List;

/**
 * The byte budget of one {@code entries} call: entries are taken while the total data size stays
 * within it, but the first is always taken.
 */
final class ReadBudget {
  private final long max;
  private long used;
  private boolean full;

  ReadBudget(long max) {
    this.max = max;
  }

  /** Takes an entry of {@code size} bytes if it fits, or if {@code into} is still empty. */
  boolean admits(int size, List<?> into) {
    if (!into.isEmpty() && used + size > max) {
      full = true;
      return false;
    }
    used += size;
    return true;
  }

  boolean full() {
    return full;
  }
}
