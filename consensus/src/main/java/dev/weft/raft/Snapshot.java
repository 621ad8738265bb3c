package dev.weft.raft;

/**
 * A point from which the log can start: the state machine's state after applying every entry up to
 * {@code index}, which has term {@code term}.
 *
 * <p>The in-memory form: it carries the whole serialised state. Storages return it from {@link
 * RaftStorage#snapshot()} ({@link #EMPTY} when none is stored); large states are better handled as
 * {@link SnapshotMetadata} plus a stream ({@link MutableStorage#beginSnapshot}, {@link
 * MutableStorage#openSnapshot}); the core itself carries only the metadata ({@link
 * Ready#snapshot()}).
 *
 * @param index the last index the snapshot covers, zero for none
 * @param term the term of that entry, zero for none
 * @param data the serialised state machine
 */
public record Snapshot(long index, long term, byte[] data) {
  /** No snapshot: the log starts at index 1. */
  public static final Snapshot EMPTY = new Snapshot(0, 0, new byte[0]);

  /**
   * Checks and copies.
   *
   * @param index the last index the snapshot covers, zero or more
   * @param term the term of that entry, zero or more
   * @param data the serialised state machine
   * @throws IllegalArgumentException if {@code index} or {@code term} is negative
   * @throws NullPointerException if {@code data} is null
   */
  public Snapshot {
    if (index < 0 || term < 0) {
      throw new IllegalArgumentException("negative index or term: " + index + ", " + term);
    }
    data = data.clone();
  }

  /**
   * Returns a copy of the serialised state.
   *
   * @return a new array
   */
  @Override
  public byte[] data() {
    return data.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Snapshot s
        && s.index == index
        && s.term == term
        && java.util.Arrays.equals(s.data, data);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(index) * 31 + Long.hashCode(term);
  }

  @Override
  public String toString() {
    return "Snapshot[index=" + index + ", term=" + term + ", " + data.length + " bytes]";
  }
}
