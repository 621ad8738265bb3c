package dev.weft.raft;

import java.io.InputStream;

/**
 * The stored snapshot, opened for reading: its metadata and its bytes as a stream, so that a large
 * state can be restored or sent in chunks without holding it in memory.
 *
 * <p>A reader keeps reading the snapshot it opened even if a newer one is stored meanwhile. Used by
 * one thread at a time; close it when done.
 */
public interface SnapshotReader extends AutoCloseable {
  /**
   * The metadata of the snapshot being read.
   *
   * @return its index, term and configuration
   */
  SnapshotMetadata metadata();

  /**
   * The number of bytes of state.
   *
   * @return the length of the stream
   */
  long size();

  /**
   * The state's bytes. A storage that checks its data throws from the stream's {@code read} when a
   * part fails its check (for the file storage, {@code StorageCorruptedException}) rather than
   * return damaged bytes.
   *
   * @return the stream, the same object on every call
   */
  InputStream input();

  /** Releases what the reader holds. Idempotent. */
  @Override
  void close();
}
