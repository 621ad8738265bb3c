package dev.weft.raft;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * What a snapshot is, without its bytes: the last log entry it covers ({@code index}, {@code term})
 * and the group's configuration at that point, as opaque bytes for the membership work.
 *
 * <p>The core carries metadata; the bytes of the state machine's state stay with the driver and the
 * storage, streamed ({@link SnapshotWriter}, {@link SnapshotReader}), so a state far larger than a
 * heap can still be snapshotted. {@link Snapshot} is the older, in-memory form that carries both.
 *
 * <p>Immutable: the constructor and {@link #configuration()} copy the array.
 *
 * @param index the last index the snapshot covers; 0 for no snapshot
 * @param term the term of that entry; 0 for no snapshot
 * @param configuration the group's configuration as of {@code index}, opaque to the storage; may be
 *     empty
 */
public record SnapshotMetadata(long index, long term, byte[] configuration) {
  /** No snapshot: nothing is covered. */
  public static final SnapshotMetadata EMPTY = new SnapshotMetadata(0, 0, new byte[0]);

  /**
   * Checks and copies.
   *
   * @param index the last index covered, 0 for none
   * @param term its term, 0 for none
   * @param configuration the configuration bytes; copied
   * @throws IllegalArgumentException if {@code index} or {@code term} is negative, or only one of
   *     them is zero
   * @throws NullPointerException if {@code configuration} is null
   */
  public SnapshotMetadata {
    if (index < 0 || term < 0 || (index == 0) != (term == 0)) {
      throw new IllegalArgumentException(
          "index and term must both be zero or both positive: " + index + ", " + term);
    }
    configuration = configuration.clone();
  }

  /**
   * Creates metadata with an empty configuration.
   *
   * @param index the last index covered
   * @param term its term
   * @throws IllegalArgumentException as the canonical constructor
   */
  public SnapshotMetadata(long index, long term) {
    this(index, term, new byte[0]);
  }

  /**
   * Returns a copy of the configuration bytes.
   *
   * @return a new array
   */
  @Override
  public byte[] configuration() {
    return configuration.clone();
  }

  /**
   * Tells whether this is "no snapshot".
   *
   * @return true if the index is 0
   */
  public boolean isEmpty() {
    return index == 0;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SnapshotMetadata m
        && m.index == index
        && m.term == term
        && Arrays.equals(m.configuration, configuration);
  }

  @Override
  public int hashCode() {
    return (Long.hashCode(index) * 31 + Long.hashCode(term)) * 31 + Arrays.hashCode(configuration);
  }

  @Override
  public String toString() {
    return "SnapshotMetadata[index="
        + index
        + ", term="
        + term
        + ", configuration="
        + HexFormat.of().formatHex(configuration, 0, Math.min(16, configuration.length))
        + (configuration.length > 16 ? "..+" + (configuration.length - 16) : "")
        + "]";
  }
}
