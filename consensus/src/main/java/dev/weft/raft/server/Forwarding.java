package dev.weft.raft.server;

import dev.weft.raft.NotLeaderException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Proposals forwarded between a follower and its leader, both sides: as a follower, the forwards
 * this replica sent and waits to hear about; as a leader, which forwards it has taken (so that a
 * duplicated forward is not proposed twice) and how their outcomes are answered.
 *
 * <p>Forwards carry this replica's incarnation, a random number drawn when it starts, and a number
 * counted from 0 in that incarnation. An answer is accepted only from the server the forward went
 * to, for this incarnation and a forward still waiting; anything else is late, duplicated or meant
 * for a predecessor, and is ignored.
 *
 * <p>A command the state machine refuses is answered {@link Envelope.Failure#REJECTED} with its
 * entry's index and term, and the follower fails its future with the exception its own state
 * machine throws for that entry: at once if it has applied the entry already (it remembers its last
 * {@value #REFUSALS} refusals), else when it does (the proposal is handed to {@link Proposals}).
 *
 * <p>Not thread-safe: the replica's thread only.
 */
final class Forwarding {
  /** How many forwards a leader remembers, to ignore duplicates. */
  static final int WINDOW = 4096;

  /** How many refusals of this replica's state machine are remembered for late answers. */
  static final int REFUSALS = 1024;

  private record Key(String from, long incarnation, long id) {}

  private record Out(String leader, CompletableFuture<byte[]> future, long deadline) {}

  private final String self;
  private final long incarnation;
  private final Proposals proposals;
  private final Map<Long, Out> outgoing = new HashMap<>();
  private final Map<Key, Boolean> taken = bounded(WINDOW);
  private final Map<Long, RuntimeException> refusals = bounded(REFUSALS);
  private long nextId;

  Forwarding(String self, long incarnation, Proposals proposals) {
    this.self = self;
    this.incarnation = incarnation;
    this.proposals = proposals;
  }

  private static <K, V> Map<K, V> bounded(int size) {
    return new LinkedHashMap<>(16, 0.75f, false) {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
        return size() > size;
      }
    };
  }

  // ---- the follower's side ------------------------------------------------------------------

  /** Forwards {@code command} to {@code leader}; the answer will complete {@code future}. */
  Envelope.Forward forward(
      String leader, byte[] command, CompletableFuture<byte[]> future, long deadline) {
    long id = nextId++;
    outgoing.put(id, new Out(leader, future, deadline));
    return new Envelope.Forward(self, leader, incarnation, id, command);
  }

  /** An answer arrived; {@code applied} is this replica's applied index. */
  void onReply(Envelope.ForwardReply r, long applied) {
    Out out = outgoing.get(r.id());
    if (out == null || r.incarnation() != incarnation || !r.from().equals(out.leader())) {
      return; // late, duplicated, for a predecessor, or not from the server asked
    }
    outgoing.remove(r.id());
    CompletableFuture<byte[]> f = out.future();
    if (r.failure() == null) {
      f.complete(r.result());
      return;
    }
    switch (r.failure()) {
      case NOT_LEADER -> f.completeExceptionally(new NotLeaderException(r.from(), r.leader()));
      case DROPPED ->
          f.completeExceptionally(
              new ProposalDroppedException("forwarded proposal dropped by " + r.from()));
      case SHUT_DOWN -> f.completeExceptionally(new ServerClosedException(r.from() + " shut down"));
      case REJECTED -> {
        if (r.index() > applied) {
          proposals.placed(r.index(), r.term(), f, out.deadline());
        } else {
          RuntimeException refusal = refusals.get(r.index());
          f.completeExceptionally(
              refusal != null
                  ? refusal
                  : new IllegalStateException(
                      "the state machine refused entry "
                          + r.index()
                          + " (on "
                          + r.from()
                          + "); this replica no longer remembers its exception"));
        }
      }
    }
  }

  /** This replica's state machine refused the command at {@code index}. */
  void refused(long index, RuntimeException e) {
    if (!outgoing.isEmpty()) {
      refusals.put(index, e);
    }
  }

  // ---- the leader's side --------------------------------------------------------------------

  /** Records {@code f} as taken; false if it was taken before (a duplicate to ignore). */
  boolean take(Envelope.Forward f) {
    return taken.put(new Key(f.from(), f.incarnation(), f.id()), Boolean.TRUE) == null;
  }

  /** An answer to {@code f} that carries no result: a failure decided before proposing. */
  Envelope.ForwardReply refuse(Envelope.Forward f, Envelope.Failure why, String leader) {
    return new Envelope.ForwardReply(
        self, f.from(), f.incarnation(), f.id(), null, why, leader, 0, 0);
  }

  /**
   * Answers {@code f} when the future of its proposal at ({@code index}, {@code term}) completes,
   * through {@code send}; a timeout on the leader is not answered (the follower has its own).
   */
  void answerWhenDone(
      Envelope.Forward f,
      long index,
      long term,
      CompletableFuture<byte[]> done,
      Consumer<Envelope> send) {
    done.whenComplete(
        (result, failure) -> {
          Envelope.Failure why;
          if (failure == null) {
            why = null;
          } else if (failure instanceof ProposalDroppedException) {
            why = Envelope.Failure.DROPPED;
          } else if (failure instanceof ServerClosedException) {
            why = Envelope.Failure.SHUT_DOWN;
          } else if (failure instanceof TimeoutException) {
            return;
          } else {
            why = Envelope.Failure.REJECTED;
          }
          send.accept(
              new Envelope.ForwardReply(
                  self, f.from(), f.incarnation(), f.id(), result, why, null, index, term));
        });
  }

  // ---- both ----------------------------------------------------------------------------------

  /** Fails the forwards whose deadline has come, and forgets those completed elsewhere. */
  void expire(long now, long timeoutTicks) {
    List<Out> due = new ArrayList<>();
    outgoing
        .values()
        .removeIf(
            o -> {
              if (o.future().isDone()) {
                return true;
              }
              if (o.deadline() > now) {
                return false;
              }
              due.add(o);
              return true;
            });
    for (Out o : due) {
      o.future()
          .completeExceptionally(
              new TimeoutException(
                  "forwarded proposal not answered within "
                      + timeoutTicks
                      + " ticks by "
                      + o.leader()));
    }
  }

  /** Forwards still waiting for an answer. */
  int size() {
    return outgoing.size();
  }

  /** Fails every waiting forward with {@code cause}. */
  void failAll(RuntimeException cause) {
    List<Out> all = new ArrayList<>(outgoing.values());
    outgoing.clear();
    for (Out o : all) {
      o.future().completeExceptionally(cause);
    }
  }
}
