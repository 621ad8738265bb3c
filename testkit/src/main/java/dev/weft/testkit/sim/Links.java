package dev.weft.testkit.sim;

import java.util.Random;

/** Factories for the standard {@link Link} behaviours. */
public final class Links {
  private Links() {}

  /**
   * A reliable FIFO link, as Chandy and Lamport assume: every message arrives exactly once, after a
   * latency drawn uniformly from {@code [minLatency, maxLatency]}, and never before a message sent
   * earlier on the same link (a message that draws a shorter latency than its predecessor waits for
   * it; messages due at the same time arrive in send order).
   *
   * @param minLatency the least latency, zero or more
   * @param maxLatency the greatest latency, at least {@code minLatency}
   * @return a new link, for one directed pair of processes
   * @throws IllegalArgumentException if the bounds are negative or out of order
   */
  public static Link fifo(long minLatency, long maxLatency) {
    if (minLatency < 0 || maxLatency < minLatency) {
      throw new IllegalArgumentException(
          "latency bounds must satisfy 0 <= min <= max: " + minLatency + ", " + maxLatency);
    }
    return new FifoLink(minLatency, maxLatency);
  }

  /**
   * A reliable FIFO link with a fixed latency.
   *
   * @param latency the latency of every message, zero or more
   * @return a new link, for one directed pair of processes
   * @throws IllegalArgumentException if {@code latency} is negative
   */
  public static Link fifo(long latency) {
    return fifo(latency, latency);
  }

  /** Reliable and FIFO: each delivery is no earlier than the previous one on the same link. */
  private static final class FifoLink implements Link {
    private final long minLatency;
    private final long span;
    private long lastDelivery = Long.MIN_VALUE;

    FifoLink(long minLatency, long maxLatency) {
      this.minLatency = minLatency;
      this.span = maxLatency - minLatency;
    }

    @Override
    public long[] deliveries(long now, Random random) {
      long latency = minLatency + (span == 0 ? 0 : random.nextLong(span + 1));
      long at = Math.max(now + latency, lastDelivery);
      lastDelivery = at;
      return new long[] {at};
    }

    @Override
    public String toString() {
      return "fifo[" + minLatency + ".." + (minLatency + span) + "]";
    }
  }
}
