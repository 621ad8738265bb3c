package dev.weft.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.snapshot.Tokens.State;
import dev.weft.snapshot.Tokens.Token;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The properties every global snapshot of the token application must have (Chandy and Lamport, ACM
 * TOCS 1985, section 4), checked against the ground truth of what was sent on each channel.
 */
final class SnapshotChecker {
  private SnapshotChecker() {}

  /**
   * Checks {@code snapshot}.
   *
   * @param sentLog every token sent on each channel, in send order (the ground truth)
   * @param total the tokens in the system
   */
  static void check(
      GlobalSnapshot<State, Token> snapshot,
      Topology topology,
      Map<ChannelId, List<Token>> sentLog,
      long total) {
    long id = snapshot.snapshotId();
    assertEquals(Set.copyOf(topology.processes()), snapshot.states().keySet(), "states of " + id);
    assertEquals(Set.copyOf(topology.channels()), snapshot.channels().keySet(), "channels " + id);
    for (ChannelId c : topology.channels()) {
      long sentBeforeSenderRecorded = snapshot.states().get(c.from()).sent().get(c.to());
      long receivedBeforeReceiverRecorded = snapshot.states().get(c.to()).received().get(c.from());
      // No orphan: nothing counted as received whose send is not counted (a consistent cut).
      assertTrue(
          receivedBeforeReceiverRecorded <= sentBeforeSenderRecorded,
          "snapshot "
              + id
              + ": "
              + c
              + " received "
              + receivedBeforeReceiverRecorded
              + " before "
              + c.to()
              + " recorded, but only "
              + sentBeforeSenderRecorded
              + " were sent before "
              + c.from()
              + " recorded");
      // The channel state is exactly what was sent before the sender recorded and received after
      // the receiver recorded.
      List<Token> log = sentLog.getOrDefault(c, List.of());
      List<Token> expected =
          log.subList((int) receivedBeforeReceiverRecorded, (int) sentBeforeSenderRecorded);
      assertEquals(expected, snapshot.channels().get(c), "snapshot " + id + ": state of " + c);
    }
    assertEquals(total, Tokens.total(snapshot), "snapshot " + id + ": tokens not conserved");
  }
}
