package dev.weft.raft.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.raft.LogEntry;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/** How a replica's waiting proposals are decided, timed out and failed. */
class ProposalsTest {
  private static final byte[] RESULT = {42};

  private static Throwable failure(CompletableFuture<byte[]> f) {
    assertTrue(f.isCompletedExceptionally(), "not failed: " + f);
    try {
      f.join();
      throw new AssertionError("unreachable");
    } catch (CompletionException e) {
      return e.getCause();
    }
  }

  @Test
  void anAppliedEntryDecidesTheProposalAtItsIndex() {
    Proposals p = new Proposals("a");
    CompletableFuture<byte[]> ok = new CompletableFuture<>();
    CompletableFuture<byte[]> refused = new CompletableFuture<>();
    p.proposed(1, 1, ok, 100);
    p.proposed(2, 1, refused, 100);
    p.applied(new LogEntry(1, 1, new byte[] {1}), RESULT, null);
    assertArrayEquals(RESULT, ok.join());
    IllegalArgumentException no = new IllegalArgumentException("no");
    p.applied(new LogEntry(2, 1, new byte[] {2}), null, no);
    assertSame(no, failure(refused), "the state machine's own exception");
    assertEquals(0, p.size());
  }

  // A proposal whose entry left this node's log (a later proposal took its index) may still be
  // committed by a leader that holds it: only the entry applied at its index decides.
  @Test
  void aSupersededProposalIsDecidedByTheAppliedEntryNotByTheLaterProposal() {
    Proposals p = new Proposals("a");
    CompletableFuture<byte[]> old = new CompletableFuture<>();
    CompletableFuture<byte[]> newer = new CompletableFuture<>();
    p.proposed(12, 3, old, 100);
    p.proposed(12, 6, newer, 100);
    assertFalse(old.isDone(), "not dropped merely because the local log was cut back");
    p.applied(new LogEntry(12, 3, new byte[] {1}), RESULT, null);
    assertArrayEquals(RESULT, old.join(), "the old entry was committed after all");
    assertInstanceOf(ProposalDroppedException.class, failure(newer));
  }

  // Defect (issue 12): timed-out proposals were removed only from the head of their queue.
  // Proposals placed by another leader keep their own deadlines, so deadlines are not in index
  // order: every expired proposal fails, wherever it waits, and none stays behind.
  @Test
  void everyExpiredProposalTimesOutWhereverItWaits() {
    Proposals p = new Proposals("a");
    CompletableFuture<byte[]> late = new CompletableFuture<>();
    CompletableFuture<byte[]> early = new CompletableFuture<>();
    CompletableFuture<byte[]> cancelled = new CompletableFuture<>();
    p.proposed(5, 1, late, 50);
    p.proposed(6, 1, cancelled, 50);
    p.placed(3, 1, early, 10);
    cancelled.cancel(false);
    p.expire(10, 7);
    assertInstanceOf(TimeoutException.class, failure(early));
    assertFalse(late.isDone());
    assertEquals(1, p.size(), "the expired and the cancelled proposals are gone");
    p.expire(50, 7);
    assertInstanceOf(TimeoutException.class, failure(late));
    assertEquals(0, p.size(), "nothing stays behind");
  }

  @Test
  void continuationsMayProposeWhileProposalsAreDecidedOrFailed() {
    Proposals p = new Proposals("a");
    placeWithContinuations(p, 1);
    p.applied(new LogEntry(3, 1, new byte[] {1}), RESULT, null);
    assertEquals(6, p.size(), "three decided; each continuation proposed one and placed one");
    Proposals q = new Proposals("b");
    placeWithContinuations(q, 1);
    q.failAll(new ServerClosedException("closed"));
    assertEquals(6, q.size(), "three failed; their continuations added six");
    q.expire(1_000, 7);
    assertEquals(0, q.size());
  }

  /** Places proposals 1..3, each of whose continuations proposes again. */
  private static void placeWithContinuations(Proposals p, long term) {
    for (int i = 1; i <= 3; i++) {
      CompletableFuture<byte[]> f = new CompletableFuture<>();
      long next = 10 + i;
      f.whenComplete(
          (r, t) -> {
            p.proposed(next, term + 1, new CompletableFuture<>(), 100);
            p.placed(next + 100, term + 1, new CompletableFuture<>(), 100);
          });
      p.placed(i, term, f, 100);
    }
  }
}
