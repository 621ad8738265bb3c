package dev.weft.raft.server;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * How a {@link RaftServer} runs: its tick interval, how long a proposal may wait, what a follower
 * does with a proposal, and its queue sizes. Immutable; start from {@link #defaults()} and change
 * options with the {@code with...} methods.
 *
 * @param tickInterval wall-clock time per Raft tick (the core's election timeout is a number of
 *     ticks)
 * @param proposalTimeout how long a proposal may wait to be applied before its future fails with
 *     {@link java.util.concurrent.TimeoutException}
 * @param forwardProposals true: a follower forwards proposals to the leader it knows of; false: it
 *     fails them at once with {@link dev.weft.raft.NotLeaderException} naming that leader
 * @param drainTimeout on {@link RaftServer#close()}, how long to wait for proposals in flight
 * @param inboxCapacity envelopes that may wait for the event loop; more are dropped, as a network
 *     drops under load
 * @param proposalQueueCapacity proposals that may wait for the event loop; a full queue makes
 *     {@link RaftServer#submit} wait (back-pressure)
 * @param maxBatch the most envelopes and proposals the loop takes before it persists, sends and
 *     applies once for all of them
 * @param snapshots when the server snapshots its state machine and compacts its log, and how it
 *     sends snapshots to followers
 * @param leaseClockDrift for lease reads ({@link ReadMode#LEASE}): the bound assumed on how much
 *     faster or slower any server's clock (and ticker) runs than another's, as a fraction (0.1:
 *     10%); the lease is shortened by it. Lease reads are linearizable only if it holds.
 */
public record ServerOptions(
    Duration tickInterval,
    Duration proposalTimeout,
    boolean forwardProposals,
    Duration drainTimeout,
    int inboxCapacity,
    int proposalQueueCapacity,
    int maxBatch,
    SnapshotPolicy snapshots,
    double leaseClockDrift) {
  private static final double DEFAULT_LEASE_CLOCK_DRIFT = 0.1;

  /**
   * Checks the options.
   *
   * @param tickInterval wall-clock time per tick
   * @param proposalTimeout how long a proposal may wait
   * @param forwardProposals whether followers forward proposals
   * @param drainTimeout how long close waits for proposals in flight
   * @param inboxCapacity envelopes that may wait
   * @param proposalQueueCapacity proposals that may wait
   * @param maxBatch the most inputs per loop iteration
   * @param snapshots the snapshot policy
   * @param leaseClockDrift the clock drift bound for lease reads, in [0, 0.5)
   * @throws IllegalArgumentException if a duration is not positive (drain: negative), a size is
   *     below 1, or the drift bound is outside [0, 0.5)
   * @throws NullPointerException if a duration or the policy is null
   */
  public ServerOptions {
    Objects.requireNonNull(snapshots, "snapshots");
    Objects.requireNonNull(tickInterval, "tickInterval");
    Objects.requireNonNull(proposalTimeout, "proposalTimeout");
    Objects.requireNonNull(drainTimeout, "drainTimeout");
    if (tickInterval.isNegative() || tickInterval.isZero()) {
      throw new IllegalArgumentException("tickInterval must be positive: " + tickInterval);
    }
    if (proposalTimeout.isNegative() || proposalTimeout.isZero()) {
      throw new IllegalArgumentException("proposalTimeout must be positive: " + proposalTimeout);
    }
    if (drainTimeout.isNegative()) {
      throw new IllegalArgumentException("drainTimeout must not be negative: " + drainTimeout);
    }
    if (!(leaseClockDrift >= 0 && leaseClockDrift < 0.5)) {
      throw new IllegalArgumentException("leaseClockDrift must be in [0, 0.5): " + leaseClockDrift);
    }
    if (inboxCapacity < 1 || proposalQueueCapacity < 1 || maxBatch < 1) {
      throw new IllegalArgumentException(
          "capacities and maxBatch must be at least 1: "
              + inboxCapacity
              + ", "
              + proposalQueueCapacity
              + ", "
              + maxBatch);
    }
  }

  /**
   * Creates options without automatic snapshots ({@link SnapshotPolicy#never()}) and with the
   * default lease clock drift bound (10%): the form these options had before both.
   *
   * @param tickInterval wall-clock time per tick
   * @param proposalTimeout how long a proposal may wait
   * @param forwardProposals whether followers forward proposals
   * @param drainTimeout how long close waits for proposals in flight
   * @param inboxCapacity envelopes that may wait
   * @param proposalQueueCapacity proposals that may wait
   * @param maxBatch the most inputs per loop iteration
   * @throws IllegalArgumentException as the canonical constructor
   * @throws NullPointerException if a duration is null
   */
  public ServerOptions(
      Duration tickInterval,
      Duration proposalTimeout,
      boolean forwardProposals,
      Duration drainTimeout,
      int inboxCapacity,
      int proposalQueueCapacity,
      int maxBatch) {
    this(
        tickInterval,
        proposalTimeout,
        forwardProposals,
        drainTimeout,
        inboxCapacity,
        proposalQueueCapacity,
        maxBatch,
        SnapshotPolicy.never(),
        DEFAULT_LEASE_CLOCK_DRIFT);
  }

  /**
   * The defaults: 10 ms ticks, 5 s proposal timeout, followers reject proposals, 5 s drain, 65,536
   * queued envelopes, 8,192 queued proposals, batches of up to 4,096 inputs, no automatic
   * snapshots, a clock drift bound of 10% for lease reads.
   *
   * @return the default options
   */
  public static ServerOptions defaults() {
    return new ServerOptions(
        Duration.ofMillis(10),
        Duration.ofSeconds(5),
        false,
        Duration.ofSeconds(5),
        65_536,
        8192,
        4096,
        SnapshotPolicy.never(),
        DEFAULT_LEASE_CLOCK_DRIFT);
  }

  /**
   * Returns these options with another tick interval.
   *
   * @param interval wall-clock time per tick
   * @return the changed options
   */
  public ServerOptions withTickInterval(Duration interval) {
    return with(d -> d.tickInterval = interval);
  }

  /**
   * Returns these options with another proposal timeout.
   *
   * @param timeout how long a proposal may wait
   * @return the changed options
   */
  public ServerOptions withProposalTimeout(Duration timeout) {
    return with(d -> d.proposalTimeout = timeout);
  }

  /**
   * Returns these options with followers forwarding (or rejecting) proposals.
   *
   * @param forward true to forward to the leader, false to reject
   * @return the changed options
   */
  public ServerOptions withForwardProposals(boolean forward) {
    return with(d -> d.forwardProposals = forward);
  }

  /**
   * Returns these options with another drain timeout.
   *
   * @param timeout how long close waits for proposals in flight
   * @return the changed options
   */
  public ServerOptions withDrainTimeout(Duration timeout) {
    return with(d -> d.drainTimeout = timeout);
  }

  /**
   * Returns these options with another batch bound.
   *
   * @param inputs the most envelopes and proposals per loop iteration
   * @return the changed options
   */
  public ServerOptions withMaxBatch(int inputs) {
    return with(d -> d.maxBatch = inputs);
  }

  /**
   * Returns these options with another clock drift bound for lease reads.
   *
   * @param drift the bound, a fraction in [0, 0.5)
   * @return the changed options
   * @throws IllegalArgumentException if it is outside [0, 0.5)
   */
  public ServerOptions withLeaseClockDrift(double drift) {
    return with(d -> d.leaseClockDrift = drift);
  }

  /**
   * Returns these options with another snapshot policy.
   *
   * @param policy when to snapshot and compact, and how to send snapshots
   * @return the changed options
   * @throws NullPointerException if {@code policy} is null
   */
  public ServerOptions withSnapshots(SnapshotPolicy policy) {
    return with(d -> d.snapshots = policy);
  }

  /**
   * The proposal timeout in ticks, rounded up, at least one.
   *
   * @return ticks a proposal may wait
   */
  public long proposalTimeoutTicks() {
    long tick = tickInterval.toNanos();
    return Math.max(1, (proposalTimeout.toNanos() + tick - 1) / tick);
  }

  /** A copy with the fields {@code change} sets (as RaftConfig.with); the constructor checks it. */
  private ServerOptions with(Consumer<Draft> change) {
    Draft d = new Draft(this);
    change.accept(d);
    return new ServerOptions(
        d.tickInterval,
        d.proposalTimeout,
        d.forwardProposals,
        d.drainTimeout,
        inboxCapacity,
        proposalQueueCapacity,
        d.maxBatch,
        d.snapshots,
        d.leaseClockDrift);
  }

  /** The fields a with-method may change, copied from the options it starts from. */
  private static final class Draft {
    Duration tickInterval;
    Duration proposalTimeout;
    boolean forwardProposals;
    Duration drainTimeout;
    int maxBatch;
    SnapshotPolicy snapshots;
    double leaseClockDrift;

    Draft(ServerOptions o) {
      tickInterval = o.tickInterval;
      proposalTimeout = o.proposalTimeout;
      forwardProposals = o.forwardProposals;
      drainTimeout = o.drainTimeout;
      maxBatch = o.maxBatch;
      snapshots = o.snapshots;
      leaseClockDrift = o.leaseClockDrift;
    }
  }
}
