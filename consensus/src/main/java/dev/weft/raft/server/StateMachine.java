package dev.weft.raft.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The application's replicated state: what a {@link RaftServer} applies committed commands to.
 *
 * <p><b>Who calls it, and on which thread.</b> Only the server's event loop (one virtual thread per
 * server, or the thread that drives a {@link Replica} directly), never two calls at once, and every
 * call happens-after the previous one. <b>Blocking.</b> Methods should return quickly: while one
 * runs, the server neither ticks nor answers its peers, so a slow {@code apply} delays heartbeats
 * and may cost the leader its leadership. <b>Durability.</b> None is required: after a crash the
 * server starts from its storage and applies every committed command again from the start of the
 * log (or from a snapshot when compaction lands), so a state machine held in memory rebuilds
 * exactly.
 *
 * <p><b>Determinism.</b> Every replica applies the same commands in the same order, and the results
 * must agree: {@code apply} must depend only on the state and the command (no clock, no randomness,
 * no iteration over unordered hashes that could differ between replicas).
 */
public interface StateMachine {
  /**
   * Applies one committed command. Called once per committed entry, in index order, with no gaps
   * (entries that carry no command, such as a new leader's no-op, are skipped).
   *
   * @param index the entry's log index
   * @param command the command, as proposed: the log's own array, which every replica's log and
   *     network path share without copies; read it (or keep it: it never changes), never change it
   * @return the result handed to the proposer's future (may be null); ignored on other replicas
   * @throws RuntimeException to refuse a command (say, one that does not decode): the proposer's
   *     future fails with the exception and the server goes on with the next entry. The state must
   *     then be unchanged, and every replica must refuse the same command the same way.
   */
  byte[] apply(long index, byte[] command);

  /**
   * Returns the whole state as bytes, to be restored elsewhere with {@link #restore}. Used by log
   * compaction through {@link #snapshot(OutputStream)}, whose default calls this; the state must
   * not change while this runs.
   *
   * @return an encoding of the state after the last applied command
   */
  byte[] snapshot();

  /**
   * Replaces the whole state with one taken by {@link #snapshot}.
   *
   * @param snapshot bytes returned by {@code snapshot()}
   * @throws IllegalArgumentException if the bytes are not a snapshot of this state machine
   */
  void restore(byte[] snapshot);

  /**
   * Writes the whole state to {@code out}: the streaming form of {@link #snapshot()}, for states
   * too large for one array. The server calls it on its loop's thread, between two applies, to take
   * a snapshot (see {@link SnapshotPolicy}); the stream goes to the storage (for the file storage,
   * to disk as it is written). The default writes the array {@link #snapshot()} returns.
   *
   * @param out where the state goes; do not close it
   * @throws IOException if writing fails (the snapshot is then discarded)
   */
  default void snapshot(OutputStream out) throws IOException {
    out.write(snapshot());
  }

  /**
   * Replaces the whole state with one written by {@link #snapshot(OutputStream)}, read from {@code
   * in} to its end: the streaming form of {@link #restore(byte[])}, whose default it calls with all
   * the bytes. The server calls it at start, when its storage holds a snapshot, and when it
   * installs a snapshot from the leader.
   *
   * @param in the state; read it to its end, do not close it
   * @throws IOException if reading fails
   * @throws IllegalArgumentException if the bytes are not a snapshot of this state machine
   */
  default void restore(InputStream in) throws IOException {
    restore(in.readAllBytes());
  }

  /**
   * Answers a read-only query from the state as it is now, without changing it: how {@link
   * RaftServer#read} serves reads without a log entry, once the server has applied the read index.
   * Called on the server's loop thread, between applies. The default refuses.
   *
   * @param query the query, in the application's encoding
   * @return the answer
   * @throws UnsupportedOperationException if this state machine serves no reads (the default)
   */
  default byte[] read(byte[] query) {
    throw new UnsupportedOperationException(
        getClass().getName() + " serves no reads; submit the query as a command");
  }
}
