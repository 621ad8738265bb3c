package dev.weft.testkit.sim;

/**
 * One line of a {@link Simulation}'s trace.
 *
 * @param time the virtual time at which it happened
 * @param sequence the sequence number of the event that ran, or {@code -1} for a line added with
 *     {@link Simulation#record(String)}
 * @param what the event's label or the recorded line
 */
public record TraceEntry(long time, long sequence, String what) {
  @Override
  public String toString() {
    return sequence < 0 ? time + " " + what : time + " #" + sequence + " " + what;
  }
}
