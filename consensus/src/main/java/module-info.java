/**
 * weft consensus: the Raft consensus algorithm as a deterministic, single-threaded core, and a
 * driver that runs it.
 *
 * <p>Exports {@link dev.weft.raft} (the core), {@link dev.weft.raft.server} (the driver, its role
 * interfaces, the envelopes transports carry and an in-process transport), {@link
 * dev.weft.raft.wire} (the binary form of messages and envelopes, for network transports) and
 * {@link dev.weft.raft.storage} (durable storage in files). The {@code dev.weft.raft.internal.*}
 * packages (quorum arithmetic, progress tracking, log bookkeeping) are not API. The core needs
 * nothing beyond {@code java.base}; the driver uses weft's channels, select and ticker from {@code
 * dev.weft.primitives}.
 */
module dev.weft.consensus {
  requires transitive dev.weft.primitives;
  // Flight Recorder events of elections, commits, fsyncs and snapshots (ADR 0060).
  requires jdk.jfr;

  exports dev.weft.raft;
  exports dev.weft.raft.server;
  exports dev.weft.raft.wire;
  exports dev.weft.raft.storage;
}
