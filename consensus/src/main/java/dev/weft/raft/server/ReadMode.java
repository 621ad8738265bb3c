package dev.weft.raft.server;

/**
 * How a read without a log entry ({@link RaftServer#read}) is made linearizable (Ongaro's thesis,
 * §6.4; ADR 56).
 */
public enum ReadMode {
  /**
   * ReadIndex: the leader records its commit index, confirms with one round of heartbeats (shared
   * by every read waiting) that it still leads, waits until that index is applied, then serves. A
   * follower asks the leader for the index and serves locally once it has applied it. Safe under
   * any timing: it assumes nothing about clocks.
   */
  READ_INDEX,
  /**
   * Lease: a leader whose leadership a quorum confirmed at time {@code t} (by a ReadIndex round)
   * serves reads at its commit index without another round until {@code t} plus (election timeout
   * minus one tick) times {@code (1 - drift) / (1 + drift)}, on a monotonic clock, where {@code
   * drift} is {@link ServerOptions#leaseClockDrift()}. Needs CheckQuorum (the followers' promise
   * not to vote for another leader within an election timeout); is cut short by a new term, a
   * membership change or a leadership transfer; falls back to ReadIndex when there is no lease (and
   * on followers). Linearizable only if no server's clock runs faster or slower than another's by
   * more than the drift bound.
   */
  LEASE
}
