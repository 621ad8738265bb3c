package dev.weft.raft.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.raft.RaftMessage.HeartbeatResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** How much one turn of the event loop takes in. */
class IntakeTest {
  private static Intake filled(int maxBatch, int envelopes, int submissions) {
    Intake in = new Intake(100, 100, maxBatch);
    for (int i = 0; i < envelopes; i++) {
      assertTrue(in.inbox.trySend(new Envelope.Raft(new HeartbeatResponse("b", "a", i))));
    }
    for (int i = 0; i < submissions; i++) {
      assertTrue(
          in.submissions.trySend(
              new Intake.Submission(new byte[] {(byte) i}, new CompletableFuture<>())));
    }
    return in;
  }

  // Defect (issue 12): a turn took up to 2 * maxBatch - 1 inputs (one envelope and one
  // submission per round) where maxBatch is documented as the bound on all inputs.
  @Test
  void aTurnTakesAtMostMaxBatchInputsInAll() {
    for (int maxBatch = 1; maxBatch <= 6; maxBatch++) {
      Intake in = filled(maxBatch, 10, 10);
      List<Envelope> envelopes = new ArrayList<>();
      int taken = in.fill(1, false, envelopes::add); // the loop's select took the first input
      assertEquals(maxBatch, taken, "maxBatch " + maxBatch);
      assertEquals(maxBatch - 1, envelopes.size() + in.commands.size(), "maxBatch " + maxBatch);
    }
  }

  @Test
  void theLoopsOwnSubmissionsComeFirstAndCount() {
    Intake in = filled(3, 10, 10);
    for (int i = 0; i < 5; i++) {
      in.addLocal(new Intake.Submission(new byte[] {9}, new CompletableFuture<>()));
    }
    assertEquals(3, in.fill(0, false, e -> {}));
    assertEquals(3, in.commands.size());
    assertTrue(in.hasLocal(), "two wait for the next turn");
  }

  @Test
  void aDrainingTurnTakesNoSubmissionsFromOtherThreads() {
    Intake in = filled(4, 2, 10);
    List<Envelope> envelopes = new ArrayList<>();
    assertEquals(3, in.fill(1, true, envelopes::add));
    assertEquals(2, envelopes.size());
    assertEquals(0, in.commands.size());
  }
}
