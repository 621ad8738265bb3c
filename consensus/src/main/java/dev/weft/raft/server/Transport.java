package dev.weft.raft.server;

import java.util.function.Consumer;

/**
 * One server's connection to its peers: sends {@link Envelope}s and hands arriving ones to the
 * server. Implementations: {@link InProcessNetwork#endpoint} (real time, in one JVM, with
 * configurable faults), adapters over the testkit's simulated network in tests, and network
 * transports in other modules, which send each envelope as the bytes {@code
 * dev.weft.raft.wire.EnvelopeCodec} gives (a transport adds its own framing and checksum; a frame
 * that fails them, or that the codec refuses, is dropped as a lost envelope).
 *
 * <p><b>Who calls it.</b> A {@link RaftServer} calls {@link #start} once, from the thread that
 * starts the server, then {@link #send} from its event loop only, then {@link #close} once.
 * <b>Blocking.</b> {@code send} must not block for long (queue and return); it may drop the
 * envelope, as a network may, and Raft retries. The receiver given to {@code start} never blocks,
 * and may be called from any thread, concurrently. <b>Durability.</b> None: an envelope may be lost
 * at any time, before or after {@code send} returns.
 */
public interface Transport extends AutoCloseable {
  /**
   * Starts delivering envelopes addressed to this endpoint to {@code receiver}.
   *
   * @param receiver called with each arriving envelope; never blocks
   * @throws IllegalStateException if already started or closed
   */
  void start(Consumer<Envelope> receiver);

  /**
   * Sends an envelope to {@code envelope.to()}, or drops it.
   *
   * @param envelope what to send
   */
  void send(Envelope envelope);

  /** Stops sending and delivering; later sends are dropped. Idempotent. */
  @Override
  void close();
}
