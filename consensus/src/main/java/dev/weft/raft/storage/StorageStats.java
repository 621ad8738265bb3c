package dev.weft.raft.storage;

/**
 * What a {@link FileStorage} has done since it was opened: how many {@code fsync}s and how long
 * they took, and how much it wrote. Group commit shows as many entries per {@code fsync}.
 *
 * @param fsyncs calls to {@code FileChannel.force} and directory syncs
 * @param fsyncNanos their total time, in nanoseconds
 * @param saves calls that wrote entries ({@code append} and {@code save} with entries)
 * @param entries entries written
 * @param bytes bytes written to log segments, framing included
 */
public record StorageStats(long fsyncs, long fsyncNanos, long saves, long entries, long bytes) {
  /**
   * Entries written per {@code fsync}.
   *
   * @return {@code entries / fsyncs}, 0 before the first {@code fsync}
   */
  public double entriesPerFsync() {
    return fsyncs == 0 ? 0 : (double) entries / fsyncs;
  }

  /**
   * The mean time of one {@code fsync}.
   *
   * @return microseconds, 0 before the first {@code fsync}
   */
  public double meanFsyncMicros() {
    return fsyncs == 0 ? 0 : fsyncNanos / 1_000.0 / fsyncs;
  }
}
