package dev.weft.replication;

import java.util.ArrayList;
import java.util.List;

/**
 * The messages a {@link Node} has produced and its driver has not yet taken: what every core of
 * this module keeps behind {@link Node#drainOutbox()}. Not thread-safe: it belongs to one core.
 */
public final class Outbox {
  private List<Outbound> messages = new ArrayList<>();

  /** Creates an empty outbox. */
  public Outbox() {}

  /**
   * Adds a message to send.
   *
   * @param to the addressee's id
   * @param message the message, an immutable value
   */
  public void send(String to, Object message) {
    messages.add(new Outbound(to, message));
  }

  /**
   * Takes every message added since the last call, oldest first.
   *
   * @return the messages; a new list, possibly empty
   */
  public List<Outbound> drain() {
    List<Outbound> out = messages;
    messages = new ArrayList<>();
    return out;
  }
}
