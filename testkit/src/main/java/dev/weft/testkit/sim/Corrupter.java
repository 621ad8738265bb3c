package dev.weft.testkit.sim;

import java.util.Random;

/**
 * How a {@link SimNetwork} corrupts a message in transit, for tests of code that must not trust its
 * inputs.
 *
 * <p>What corruption can look like depends on the message type, so the test supplies it. Return a
 * damaged copy to model corruption that reaches the receiver (a malformed or implausible message it
 * must reject), or {@code null} to model corruption that the transport detects (a checksum
 * mismatch), which drops the message. A corrupted message that is well-formed and plausible cannot
 * be told apart from a real one by any non-Byzantine protocol, so a test of such a protocol should
 * return only detectable corruption.
 *
 * <p>Called on the simulation's thread, never concurrently; must not block.
 *
 * @param <M> the type of messages
 */
@FunctionalInterface
public interface Corrupter<M> {
  /**
   * Corrupts one copy of a message.
   *
   * @param message the message as sent
   * @param random the simulation's seeded generator; the only randomness a corrupter may use
   * @return the message as delivered, or {@code null} if the corruption is detected and the copy
   *     dropped
   */
  M corrupt(M message, Random random);
}
