package dev.weft.testkit.sim;

import java.util.Random;

/**
 * The behaviour of one directed link of a {@link SimNetwork}: when, if ever, a message sent on it
 * arrives. A link is asked once per message, at send time, and may keep state across messages (a
 * FIFO link remembers its last delivery time), so each directed link gets its own instance.
 *
 * <p>{@link Links} makes the standard ones. A lossy, duplicating or reordering link returns no
 * times, several times, or times out of send order.
 *
 * <p>Called by the network on the simulation's thread, never concurrently; must not block.
 */
@FunctionalInterface
public interface Link {
  /**
   * Decides the fate of one message sent now.
   *
   * @param now the virtual time of the send
   * @param random the simulation's seeded generator; the only randomness a link may use
   * @return the virtual times, each at least {@code now}, at which a copy of the message arrives;
   *     an empty array if it is lost
   */
  long[] deliveries(long now, Random random);
}
