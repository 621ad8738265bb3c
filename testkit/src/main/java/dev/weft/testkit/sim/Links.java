package dev.weft.testkit.sim;

import java.util.Random;

/**
 * Factories for the standard {@link Link} behaviours: reliable FIFO links ({@link #fifo}), and
 * unreliable ones that lose, duplicate, delay and reorder messages ({@link #builder()}).
 *
 * {@snippet :
 * Link flaky = Links.builder()
 *     .latency(1, 20)          // uniform; copies are independent, so they reorder
 *     .loss(0.1)               // 10% of messages never arrive
 *     .duplication(0.05)       // 5% arrive twice
 *     .longDelay(0.02, 2_000)  // 2% are held up to 2,000 more units (long reordering)
 *     .build();
 * }
 */
public final class Links {
  private Links() {}

  /**
   * A reliable link that reorders: every message arrives exactly once, after a latency drawn
   * independently from {@code [minLatency, maxLatency]}, so a later message may overtake an earlier
   * one.
   *
   * @param minLatency the least latency, zero or more
   * @param maxLatency the greatest latency, at least {@code minLatency}
   * @return a new link
   * @throws IllegalArgumentException if the bounds are negative or out of order
   */
  public static Link reordering(long minLatency, long maxLatency) {
    return builder().latency(minLatency, maxLatency).build();
  }

  /**
   * Starts describing an unreliable link; with no other setting it is reliable, with latency 1, and
   * not FIFO.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

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

  /**
   * Describes an unreliable link. Each message is lost with probability {@code loss}; otherwise one
   * copy arrives, plus a second with probability {@code duplication}. Each copy's latency is drawn
   * independently from {@code [minLatency, maxLatency]}, plus, with probability {@code
   * longDelayRate}, an extra delay drawn from {@code [0, maxLongDelay]}. Unless {@link #fifo} is
   * set, copies may therefore arrive in any order.
   *
   * <p>The random draws happen in a fixed order per message, so a run stays a function of its seed.
   * Not thread-safe.
   */
  public static final class Builder {
    private long minLatency = 1;
    private long maxLatency = 1;
    private double loss;
    private double duplication;
    private double longDelayRate;
    private long maxLongDelay;
    private boolean fifo;

    private Builder() {}

    /**
     * Sets the latency range.
     *
     * @param min the least latency, zero or more
     * @param max the greatest latency, at least {@code min}
     * @return this builder
     * @throws IllegalArgumentException if the bounds are negative or out of order
     */
    public Builder latency(long min, long max) {
      if (min < 0 || max < min) {
        throw new IllegalArgumentException(
            "latency bounds must satisfy 0 <= min <= max: " + min + ", " + max);
      }
      this.minLatency = min;
      this.maxLatency = max;
      return this;
    }

    /**
     * Sets the probability that a message is lost.
     *
     * @param rate a probability in {@code [0, 1]}
     * @return this builder
     * @throws IllegalArgumentException if {@code rate} is not a probability
     */
    public Builder loss(double rate) {
      this.loss = probability(rate);
      return this;
    }

    /**
     * Sets the probability that a message that is not lost arrives twice.
     *
     * @param rate a probability in {@code [0, 1]}
     * @return this builder
     * @throws IllegalArgumentException if {@code rate} is not a probability
     */
    public Builder duplication(double rate) {
      this.duplication = probability(rate);
      return this;
    }

    /**
     * Sets how often a copy is held up for a long time, and for how long at most: a long delay lets
     * messages arrive long after later ones, after elections and restarts.
     *
     * @param rate a probability in {@code [0, 1]}
     * @param maxExtra the greatest extra delay, zero or more
     * @return this builder
     * @throws IllegalArgumentException if {@code rate} is not a probability or {@code maxExtra} is
     *     negative
     */
    public Builder longDelay(double rate, long maxExtra) {
      if (maxExtra < 0) {
        throw new IllegalArgumentException("negative delay " + maxExtra);
      }
      this.longDelayRate = probability(rate);
      this.maxLongDelay = maxExtra;
      return this;
    }

    /**
     * Keeps copies in send order (each arrives no earlier than the one sent before it), as {@link
     * Links#fifo} does, while still losing and duplicating them.
     *
     * @param on whether the link is FIFO
     * @return this builder
     */
    public Builder fifo(boolean on) {
      this.fifo = on;
      return this;
    }

    /**
     * Builds a link with these settings; call once per directed link, since links keep state.
     *
     * @return a new link
     */
    public Link build() {
      return new UnreliableLink(this);
    }

    private static double probability(double rate) {
      if (!(rate >= 0 && rate <= 1)) {
        throw new IllegalArgumentException("not a probability: " + rate);
      }
      return rate;
    }
  }

  /** What {@link Builder} builds. */
  private static final class UnreliableLink implements Link {
    private final long minLatency;
    private final long span;
    private final double loss;
    private final double duplication;
    private final double longDelayRate;
    private final long maxLongDelay;
    private final boolean fifo;
    private long lastDelivery = Long.MIN_VALUE;

    UnreliableLink(Builder b) {
      this.minLatency = b.minLatency;
      this.span = b.maxLatency - b.minLatency;
      this.loss = b.loss;
      this.duplication = b.duplication;
      this.longDelayRate = b.longDelayRate;
      this.maxLongDelay = b.maxLongDelay;
      this.fifo = b.fifo;
    }

    @Override
    public long[] deliveries(long now, Random random) {
      if (loss > 0 && random.nextDouble() < loss) {
        return new long[0];
      }
      int copies = duplication > 0 && random.nextDouble() < duplication ? 2 : 1;
      long[] times = new long[copies];
      for (int i = 0; i < copies; i++) {
        long at = now + minLatency + (span == 0 ? 0 : random.nextLong(span + 1));
        if (longDelayRate > 0 && random.nextDouble() < longDelayRate) {
          at += maxLongDelay == 0 ? 0 : random.nextLong(maxLongDelay + 1);
        }
        if (fifo) {
          at = Math.max(at, lastDelivery);
          lastDelivery = at;
        }
        times[i] = at;
      }
      return times;
    }

    @Override
    public String toString() {
      return "unreliable["
          + minLatency
          + ".."
          + (minLatency + span)
          + (fifo ? " fifo" : "")
          + " loss="
          + loss
          + " dup="
          + duplication
          + " long="
          + longDelayRate
          + "x"
          + maxLongDelay
          + "]";
    }
  }
}
