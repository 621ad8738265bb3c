package dev.weft.testkit.sim;

/**
 * An event scheduled on a {@link Simulation}: its due time, its place among events due at the same
 * time, and a way to cancel it (a timer that is reset, a delivery that a partition drops).
 *
 * <p>Compared by time, then by sequence number: the order in which the simulation runs events. Like
 * the simulation, not thread-safe.
 */
public final class ScheduledEvent implements Comparable<ScheduledEvent> {
  private enum State {
    PENDING,
    RUN,
    CANCELLED
  }

  private final Simulation simulation;
  private final long time;
  private final long sequence;
  private final String label;
  private final Runnable action;
  private State state = State.PENDING;

  ScheduledEvent(Simulation simulation, long time, long sequence, String label, Runnable action) {
    this.simulation = simulation;
    this.time = time;
    this.sequence = sequence;
    this.label = label;
    this.action = action;
  }

  /**
   * Returns the virtual time at which the event runs.
   *
   * @return the due time
   */
  public long time() {
    return time;
  }

  /**
   * Returns the event's sequence number: events due at the same time run in increasing sequence.
   *
   * @return the number, unique within its simulation
   */
  public long sequence() {
    return sequence;
  }

  /**
   * Returns the label the trace shows when the event runs.
   *
   * @return the label
   */
  public String label() {
    return label;
  }

  /**
   * Cancels the event if it has not run yet.
   *
   * @return true if this call cancelled it; false if it had already run or been cancelled
   */
  public boolean cancel() {
    if (state != State.PENDING) {
      return false;
    }
    state = State.CANCELLED;
    simulation.cancelled();
    return true;
  }

  /**
   * Tells whether the event is still due: neither run nor cancelled.
   *
   * @return true while pending
   */
  public boolean isPending() {
    return state == State.PENDING;
  }

  boolean isCancelled() {
    return state == State.CANCELLED;
  }

  void markRun() {
    state = State.RUN;
  }

  Runnable action() {
    return action;
  }

  @Override
  public int compareTo(ScheduledEvent other) {
    int byTime = Long.compare(time, other.time);
    return byTime != 0 ? byTime : Long.compare(sequence, other.sequence);
  }

  @Override
  public String toString() {
    return "ScheduledEvent[t=" + time + " #" + sequence + " " + label + " " + state + "]";
  }
}
