package dev.weft.raft.internal.tracker;

/**
 * A leader's view of one follower, after etcd raft's {@code tracker.Progress}.
 *
 * <p>{@code match} is the highest index known to be replicated on the follower; {@code next} is the
 * next index to send. Invariant: {@code match < next}.
 *
 * <p>In {@link State#PROBE} the leader does not know where the follower's log matches its own: it
 * sends one AppendEntries at a time and waits for the answer (or a heartbeat answer) before the
 * next. In {@link State#REPLICATE} it streams: {@code next} advances optimistically with every
 * message sent, bounded by the {@link Inflights} window; a rejection drops back to probing. In
 * {@link State#SNAPSHOT} the follower needs entries the leader has compacted: the leader sends it
 * the snapshot and nothing else until the follower acknowledges an index from which the log can go
 * on, or the transfer stalls (no answer to it within an election timeout) and it probes again.
 *
 * <p>Not thread-safe.
 */
public final class Progress {
  /** How the leader sends to this follower. */
  public enum State {
    /** One message at a time, until the leader learns where the logs match. */
    PROBE,
    /** Streaming, within the in-flight window. */
    REPLICATE,
    /** Sending the snapshot at {@link #pendingSnapshot()}; no entries until it is installed. */
    SNAPSHOT
  }

  private long match;
  private long next;
  private State state = State.PROBE;
  private boolean probeSent;
  private boolean recentActive;
  private long pendingSnapshot;
  private boolean snapshotActive;
  private final Inflights inflights;

  /**
   * Creates a follower's progress in {@link State#PROBE}.
   *
   * @param match the highest index known replicated (0 when unknown)
   * @param next the next index to send, greater than {@code match}
   * @param inflights the follower's window
   * @throws IllegalArgumentException if {@code next <= match}
   */
  public Progress(long match, long next, Inflights inflights) {
    if (next <= match) {
      throw new IllegalArgumentException("next " + next + " <= match " + match);
    }
    this.match = match;
    this.next = next;
    this.inflights = inflights;
  }

  public long match() {
    return match;
  }

  public long next() {
    return next;
  }

  public State state() {
    return state;
  }

  public Inflights inflights() {
    return inflights;
  }

  public boolean recentActive() {
    return recentActive;
  }

  public void recentActive(boolean active) {
    this.recentActive = active;
  }

  /**
   * Tells whether the leader must not send more entries now: a probe is unanswered, or the window
   * is full.
   *
   * @return true if paused
   */
  public boolean isPaused() {
    return switch (state) {
      case PROBE -> probeSent;
      case REPLICATE -> inflights.full();
      case SNAPSHOT -> true;
    };
  }

  /**
   * The index of the snapshot being sent, in {@link State#SNAPSHOT}.
   *
   * @return the index, 0 in other states
   */
  public long pendingSnapshot() {
    return pendingSnapshot;
  }

  /**
   * Switches to sending the snapshot at {@code index}.
   *
   * @param index the snapshot's last index
   */
  public void becomeSnapshot(long index) {
    state = State.SNAPSHOT;
    pendingSnapshot = index;
    snapshotActive = true;
    probeSent = false;
    inflights.reset();
  }

  /** The follower answered a chunk of the snapshot: the transfer is alive. */
  public void snapshotProgressed() {
    snapshotActive = true;
  }

  /**
   * Called once per election timeout: tells whether the transfer made no progress since the last
   * call, and starts a new period.
   *
   * @return true if the follower answered no chunk since the last call
   */
  public boolean snapshotStalled() {
    boolean stalled = !snapshotActive;
    snapshotActive = false;
    return stalled;
  }

  /** Switches to probing from {@code match + 1}, forgetting what was in flight. */
  public void becomeProbe() {
    state = State.PROBE;
    pendingSnapshot = 0;
    probeSent = false;
    next = match + 1;
    inflights.reset();
  }

  /** Switches to streaming from {@code match + 1}. */
  public void becomeReplicate() {
    state = State.REPLICATE;
    pendingSnapshot = 0;
    probeSent = false;
    next = match + 1;
    inflights.reset();
  }

  /**
   * Records an AppendEntries sent with entries up to {@code lastIndex} and {@code bytes} of data
   * (or none, when {@code lastIndex} is {@code next - 1}).
   *
   * @param lastIndex the last index the message carries, or {@code next - 1} for none
   * @param bytes the data it carries
   */
  public void sent(long lastIndex, long bytes) {
    if (state == State.REPLICATE) {
      if (lastIndex >= next) {
        next = lastIndex + 1;
        inflights.add(lastIndex, bytes);
      }
    } else {
      probeSent = true;
    }
  }

  /**
   * Records that the follower holds everything up to {@code index}.
   *
   * @param index an acknowledged index
   * @return true if this raised {@code match}
   */
  public boolean maybeUpdate(long index) {
    boolean updated = false;
    if (match < index) {
      match = index;
      updated = true;
      probeSent = false;
    }
    next = Math.max(next, index + 1);
    return updated;
  }

  /**
   * Handles a rejection of the AppendEntries whose {@code prevLogIndex} was {@code rejected}, with
   * the follower's hint that its log may match up to {@code matchHint}.
   *
   * @param rejected the rejected {@code prevLogIndex}
   * @param matchHint where the follower suggests probing
   * @return false if the rejection is stale (it answers an older message) and was ignored; when
   *     streaming, a fresh rejection switches back to {@link State#PROBE}
   */
  public boolean maybeDecrTo(long rejected, long matchHint) {
    if (state == State.SNAPSHOT) {
      return false; // no AppendEntries was sent since the snapshot: the rejection is old
    }
    if (state == State.REPLICATE) {
      if (rejected <= match) {
        return false;
      }
      // The stream broke (a lost or reordered message, or a follower that lost its log): probe
      // again from the last known match.
      becomeProbe();
      return true;
    }
    if (next - 1 != rejected) {
      return false;
    }
    next = Math.max(Math.min(rejected, matchHint + 1), match + 1);
    probeSent = false;
    return true;
  }

  /** A heartbeat answer arrived: unpause a probe, and make room in a full window. */
  public void heartbeatAnswered() {
    probeSent = false;
    if (state == State.REPLICATE && inflights.full()) {
      inflights.freeFirstOne();
    }
  }

  @Override
  public String toString() {
    return "Progress["
        + state
        + " match="
        + match
        + " next="
        + next
        + (state == State.SNAPSHOT ? " snapshot=" + pendingSnapshot : "")
        + "]";
  }
}
