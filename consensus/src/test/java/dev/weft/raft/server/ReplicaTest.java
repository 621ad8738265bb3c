package dev.weft.raft.server;

import static dev.weft.raft.server.Replicas.bytes;
import static dev.weft.raft.server.Replicas.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.raft.MemoryStorage;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** The driver's deterministic half, driven by hand: forwarding, failures, timeouts. */
class ReplicaTest {
  private static final List<String> ABC = List.of("a", "b", "c");

  // Defect (issue 12): forward ids restarted at 0 on a restarted follower and answers were matched
  // by id alone, so the leader dropped the new forward as a duplicate of the old one, and a late
  // answer meant for the old incarnation completed the new future with another command's result.
  @Test
  void aRestartedFollowersForwardsAreToldApartFromItsPredecessors() {
    Replicas c = new Replicas(ABC, Replicas.options(true), MemoryStorage::new);
    Replica leader = c.elect();
    String f = c.follower(leader).id();
    c.hold = e -> e instanceof Envelope.ForwardReply && e.to().equals(f);
    c.replicas.get(f).submit(bytes("x"));
    c.tick(5);
    assertEquals(1, c.held.size(), "x was applied on the leader; its answer is held back");

    Replica restarted = c.start(f); // the same storage, a new incarnation
    c.hold = e -> false;
    c.tick(2); // a heartbeat tells it who leads
    assertEquals(leader.id(), restarted.status().leader());
    CompletableFuture<byte[]> y = restarted.submit(bytes("y"));
    c.tick(5);
    for (Envelope late : c.held) {
      restarted.receive(late); // the answer meant for the predecessor arrives late
    }
    c.tick(5);
    assertTrue(y.isDone(), "the leader took the new forward");
    assertEquals("y", text(y.join()), "and its answer, not the late one, completed the future");
  }

  // Defect (issue 12): an exception from the core during a proposal (here, the storage failing a
  // read) failed one future and left the replica going on with a half-changed node. The rule: any
  // exception from the core or the storage ends the replica; it is rethrown, and the replica
  // refuses every later call.
  @Test
  void anExceptionFromTheCoreEndsTheReplica() {
    Replicas c = new Replicas(ABC, Replicas.options(false), FailingStorage::new);
    Replica leader = c.elect();
    CompletableFuture<byte[]> first = leader.submit(bytes("first"));
    c.tick(3);
    assertEquals("first", text(first.join()));
    FailingStorage storage = (FailingStorage) c.storages.get(leader.id());
    storage.failReads = true;
    UncheckedIOException e =
        assertThrows(UncheckedIOException.class, () -> leader.submit(bytes("second")));
    storage.failReads = false;
    IllegalStateException after = assertThrows(IllegalStateException.class, leader::tick);
    assertSame(e, after.getCause());
    assertThrows(IllegalStateException.class, () -> leader.submit(bytes("third")));
    assertThrows(IllegalStateException.class, leader::flush);
    assertFalse(c.machines.get(leader.id()).applied.contains("second"));
  }

  // An answer is accepted only from the server the forward went to.
  @Test
  void anAnswerFromAnotherServerIsIgnored() {
    Replicas c = new Replicas(ABC, Replicas.options(true), MemoryStorage::new);
    Replica leader = c.elect();
    Replica f = c.follower(leader);
    String other =
        c.ids.stream()
            .filter(i -> !i.equals(leader.id()) && !i.equals(f.id()))
            .findFirst()
            .orElseThrow();
    c.hold = e -> e instanceof Envelope.Forward;
    CompletableFuture<byte[]> x = f.submit(bytes("x"));
    c.deliverAll();
    Envelope.Forward sent = (Envelope.Forward) c.held.get(0);
    f.receive(
        new Envelope.ForwardReply(
            other, f.id(), sent.incarnation(), sent.id(), bytes("forged"), null, null, 0, 0));
    assertFalse(x.isDone(), "not from the server asked");
    c.hold = e -> false;
    leader.receive(sent);
    c.tick(3);
    assertEquals("x", text(x.join()));
  }

  // A refused command forwarded by a follower fails there with the follower's own state machine's
  // exception, whether the leader's answer comes before or after the follower applies the entry.
  @Test
  void aRefusedForwardFailsWithTheFollowersOwnException() {
    for (boolean answerLate : new boolean[] {false, true}) {
      Replicas c = new Replicas(ABC, Replicas.options(true), MemoryStorage::new);
      Replica leader = c.elect();
      Replica f = c.follower(leader);
      c.hold = e -> answerLate && e instanceof Envelope.ForwardReply;
      CompletableFuture<byte[]> refused = f.submit(bytes("!"));
      c.tick(5);
      if (answerLate) {
        assertFalse(refused.isDone());
        assertEquals(leader.status().commitIndex(), f.applied(), "the follower applied it first");
        c.held.forEach(f::receive);
        c.hold = e -> false;
      }
      assertTrue(refused.isCompletedExceptionally(), "answer late: " + answerLate);
      CompletionException e = assertThrows(CompletionException.class, refused::join);
      assertTrue(
          e.getCause() instanceof IllegalArgumentException iae
              && iae.getMessage().startsWith("refused at "),
          "answer late " + answerLate + ": " + e.getCause());
      CompletableFuture<byte[]> next = f.submit(bytes("next"));
      c.tick(3);
      assertEquals("next", text(next.join()), "and the cluster goes on");
    }
  }
}
