package dev.weft.replication;

import java.util.Objects;

/**
 * A message a {@link Node} wants sent.
 *
 * @param to the addressee's id
 * @param message the message, an immutable value
 */
public record Outbound(String to, Object message) {
  /**
   * Checks the components.
   *
   * @param to the addressee's id
   * @param message the message
   * @throws NullPointerException if either is null
   */
  public Outbound {
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(message, "message");
  }
}
