package dev.weft.clocks;

/**
 * Thrown by {@link HybridLogicalClock#update(HybridTimestamp)} when a remote timestamp is further
 * ahead of the local physical clock than the clock's maximum offset allows. The clock is left
 * unchanged. Such a timestamp comes from a peer whose physical clock is wrong (or from a corrupt
 * message); accepting it would drag this clock, and every clock it talks to, away from physical
 * time.
 */
public final class ClockOffsetException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** The rejected timestamp, packed (a {@link HybridTimestamp} is not serializable). */
  private final long remote;

  /** The local physical clock when the timestamp was rejected, in milliseconds. */
  private final long physicalMillis;

  /** The clock's maximum offset, in milliseconds. */
  private final long maxOffsetMillis;

  /**
   * Creates the exception.
   *
   * @param remote the rejected timestamp
   * @param physicalMillis the local physical clock when it was rejected
   * @param maxOffsetMillis the clock's maximum offset
   */
  public ClockOffsetException(HybridTimestamp remote, long physicalMillis, long maxOffsetMillis) {
    super(
        "remote timestamp "
            + remote
            + " is "
            + (remote.wallMillis() - physicalMillis)
            + " ms ahead of the physical clock ("
            + physicalMillis
            + " ms); the maximum offset is "
            + maxOffsetMillis
            + " ms");
    this.remote = remote.pack();
    this.physicalMillis = physicalMillis;
    this.maxOffsetMillis = maxOffsetMillis;
  }

  /**
   * Returns the rejected timestamp.
   *
   * @return the remote timestamp
   */
  public HybridTimestamp remote() {
    return HybridTimestamp.unpack(remote);
  }

  /**
   * Returns the local physical clock reading that the remote timestamp was checked against.
   *
   * @return milliseconds since the epoch
   */
  public long physicalMillis() {
    return physicalMillis;
  }

  /**
   * Returns the maximum offset that was exceeded.
   *
   * @return milliseconds
   */
  public long maxOffsetMillis() {
    return maxOffsetMillis;
  }

  /**
   * Returns how far the remote timestamp was ahead of the physical clock.
   *
   * @return {@code remote().wallMillis() - physicalMillis()}, more than {@code maxOffsetMillis()}
   */
  public long aheadMillis() {
    return remote().wallMillis() - physicalMillis;
  }
}
