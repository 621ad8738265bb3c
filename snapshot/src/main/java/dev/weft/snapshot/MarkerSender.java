package dev.weft.snapshot;

/**
 * How a {@link SnapshotNode} sends a marker: the transport's side of the algorithm.
 *
 * <p><b>Who calls it.</b> The node, synchronously, during the {@link SnapshotNode#startSnapshot} or
 * {@link SnapshotNode#onMarker} call that records this process's state, once per outgoing channel,
 * on the thread that made that call. It is not called while the node's internal lock is held, so it
 * may block (for example on a full bounded channel) without stalling other threads that deliver
 * messages to the same node.
 *
 * <p><b>What it must do.</b> Put the marker on the same FIFO channel as this process's application
 * messages to {@code to}, after every message sent there before the call and before every message
 * sent after it. The algorithm is correct only if channels are FIFO and lose nothing (Chandy and
 * Lamport, ACM TOCS 1985, section 2).
 *
 * <p><b>Failure.</b> An exception propagates out of the node's call. The state stays recorded (the
 * markers already sent cannot be recalled), so a snapshot whose markers were not all sent will not
 * complete at the processes that miss them; see {@link SnapshotNode#abandon(long)}.
 */
@FunctionalInterface
public interface MarkerSender {
  /**
   * Sends the marker of snapshot {@code snapshotId} on the channel from this process to {@code to}.
   *
   * @param to the receiving process, one of the node's outgoing channels
   * @param snapshotId the snapshot the marker belongs to
   */
  void sendMarker(String to, long snapshotId);
}
