package dev.weft.raft.server;

/**
 * When a {@link Replica} snapshots its state machine and compacts its log, and how it sends a
 * snapshot to a follower that needs one. Immutable; start from {@link #never()} or {@link
 * #every(long)} and change it with the {@code with...} methods.
 *
 * <p>A replica takes a snapshot once {@code everyEntries} entries, or entries carrying {@code
 * everyBytes} bytes of commands, have been applied since its last one (a zero disables that
 * trigger; both zero: only on demand, {@link RaftServer#snapshot()}). It streams the state
 * machine's state into its storage ({@link StateMachine#snapshot(java.io.OutputStream)}), then
 * compacts the log up to {@code retainedEntries} entries behind the snapshot, so that followers
 * that lag a little still catch up from the log (the storage may keep more: the file storage keeps
 * whole segments and a tail of its own).
 *
 * <p>A leader sends a snapshot in chunks of {@code chunkBytes}, with at most {@code chunksInFlight}
 * of them unacknowledged per follower: that, not the snapshot's size, bounds the memory a transfer
 * takes, on both sides (the follower writes each chunk to its storage as it comes).
 *
 * @param everyEntries applied entries between snapshots; 0 for no such trigger
 * @param everyBytes applied command bytes between snapshots; 0 for no such trigger
 * @param retainedEntries entries kept in the log behind a snapshot
 * @param chunkBytes the most state bytes per InstallSnapshot message
 * @param chunksInFlight unacknowledged chunks per follower
 */
public record SnapshotPolicy(
    long everyEntries, long everyBytes, long retainedEntries, int chunkBytes, int chunksInFlight) {
  /** The default chunk size: 64 KiB. */
  public static final int DEFAULT_CHUNK_BYTES = 64 * 1024;

  /**
   * Checks the policy.
   *
   * @param everyEntries applied entries between snapshots, 0 for none
   * @param everyBytes applied bytes between snapshots, 0 for none
   * @param retainedEntries entries kept behind a snapshot
   * @param chunkBytes bytes per chunk
   * @param chunksInFlight unacknowledged chunks per follower
   * @throws IllegalArgumentException if a count is negative, or a chunk size or window below 1
   */
  public SnapshotPolicy {
    if (everyEntries < 0 || everyBytes < 0 || retainedEntries < 0) {
      throw new IllegalArgumentException(
          "snapshot triggers and the retained tail must not be negative: "
              + everyEntries
              + ", "
              + everyBytes
              + ", "
              + retainedEntries);
    }
    if (chunkBytes < 1 || chunksInFlight < 1) {
      throw new IllegalArgumentException(
          "chunkBytes and chunksInFlight must be at least 1: "
              + chunkBytes
              + ", "
              + chunksInFlight);
    }
  }

  /**
   * No automatic snapshots (the default of {@link ServerOptions}): only {@link
   * RaftServer#snapshot()} takes one, and the log grows until then.
   *
   * @return the policy
   */
  public static SnapshotPolicy never() {
    return new SnapshotPolicy(0, 0, 5_000, DEFAULT_CHUNK_BYTES, 4);
  }

  /**
   * A snapshot every {@code entries} applied entries, keeping 5,000 entries behind it, sent in 64
   * KiB chunks, four in flight.
   *
   * @param entries applied entries between snapshots, at least 1
   * @return the policy
   * @throws IllegalArgumentException if {@code entries} is below 1
   */
  public static SnapshotPolicy every(long entries) {
    if (entries < 1) {
      throw new IllegalArgumentException("entries must be at least 1: " + entries);
    }
    return never().withEveryEntries(entries);
  }

  /**
   * Returns this policy with another entry trigger.
   *
   * @param entries applied entries between snapshots, 0 for none
   * @return the changed policy
   */
  public SnapshotPolicy withEveryEntries(long entries) {
    return new SnapshotPolicy(entries, everyBytes, retainedEntries, chunkBytes, chunksInFlight);
  }

  /**
   * Returns this policy with another byte trigger.
   *
   * @param bytes applied command bytes between snapshots, 0 for none
   * @return the changed policy
   */
  public SnapshotPolicy withEveryBytes(long bytes) {
    return new SnapshotPolicy(everyEntries, bytes, retainedEntries, chunkBytes, chunksInFlight);
  }

  /**
   * Returns this policy with another retained tail.
   *
   * @param entries entries kept in the log behind a snapshot
   * @return the changed policy
   */
  public SnapshotPolicy withRetainedEntries(long entries) {
    return new SnapshotPolicy(everyEntries, everyBytes, entries, chunkBytes, chunksInFlight);
  }

  /**
   * Returns this policy with another chunk size.
   *
   * @param bytes the most state bytes per InstallSnapshot message
   * @return the changed policy
   */
  public SnapshotPolicy withChunkBytes(int bytes) {
    return new SnapshotPolicy(everyEntries, everyBytes, retainedEntries, bytes, chunksInFlight);
  }

  /**
   * Returns this policy with another window.
   *
   * @param chunks unacknowledged chunks per follower
   * @return the changed policy
   */
  public SnapshotPolicy withChunksInFlight(int chunks) {
    return new SnapshotPolicy(everyEntries, everyBytes, retainedEntries, chunkBytes, chunks);
  }

  /** Whether {@code entries} entries carrying {@code bytes} bytes call for a snapshot. */
  boolean due(long entries, long bytes) {
    return (everyEntries > 0 && entries >= everyEntries) || (everyBytes > 0 && bytes >= everyBytes);
  }
}
