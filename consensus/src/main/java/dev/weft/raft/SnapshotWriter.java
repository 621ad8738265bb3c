package dev.weft.raft;

import java.io.OutputStream;

/**
 * A snapshot being written into a {@link MutableStorage}: the caller streams the state machine's
 * state into {@link #output()}, then {@link #commit()}s; until then the storage's snapshot and log
 * are unchanged, and closing without committing discards what was written.
 *
 * {@snippet :
 * try (SnapshotWriter writer = storage.beginSnapshot(new SnapshotMetadata(index, term))) {
 *   stateMachine.writeTo(writer.output());   // any amount of data, streamed
 *   writer.commit();                         // durable, and now the storage's snapshot
 * }                                          // closing without commit() discards it
 * }
 *
 * <p><b>Threads.</b> A writer is used by one thread at a time, which need not be the thread that
 * drives the node: writing does not hold the storage's lock, so the node's loop goes on while a
 * large state is written. {@link #commit()} takes the storage's lock briefly.
 *
 * <p><b>Errors.</b> An I/O failure is thrown as {@link java.io.UncheckedIOException} (from the
 * stream's methods, as {@link java.io.IOException}); the snapshot is then discarded.
 */
public interface SnapshotWriter extends AutoCloseable {
  /**
   * The metadata the snapshot will have.
   *
   * @return the metadata given to {@link MutableStorage#beginSnapshot}
   */
  SnapshotMetadata metadata();

  /**
   * Where the state goes. Closing this stream does not commit; buffered writes are flushed by
   * {@link #commit()}.
   *
   * @return the stream, the same object on every call
   */
  OutputStream output();

  /**
   * Makes the snapshot durable and the storage's current one, as {@link
   * MutableStorage#beginSnapshot} describes (the log is kept if it holds the snapshot's last entry,
   * else discarded).
   *
   * @throws IllegalStateException if the writer is closed or committed, or the storage already
   *     holds a snapshot at the same or a later index (this one is then discarded)
   */
  void commit();

  /** Discards the snapshot if it was not committed; does nothing otherwise. Idempotent. */
  @Override
  void close();
}
