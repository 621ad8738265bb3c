package dev.weft.snapshot;

import java.util.Objects;

/**
 * A directed channel between two processes.
 *
 * <p>Ordered by {@code from}, then {@code to}, so that maps keyed by channel iterate in a stable
 * order. {@link #toString()} is {@code from->to}.
 *
 * @param from the sending process
 * @param to the receiving process
 */
public record ChannelId(String from, String to) implements Comparable<ChannelId> {
  /**
   * Creates a channel id.
   *
   * @param from the sending process
   * @param to the receiving process
   * @throws NullPointerException if either is null
   */
  public ChannelId {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
  }

  @Override
  public int compareTo(ChannelId other) {
    int byFrom = from.compareTo(other.from);
    return byFrom != 0 ? byFrom : to.compareTo(other.to);
  }

  @Override
  public String toString() {
    return from + "->" + to;
  }
}
