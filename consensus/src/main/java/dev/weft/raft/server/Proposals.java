package dev.weft.raft.server;

import dev.weft.raft.LogEntry;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;

/**
 * The proposals of one replica whose log entries are known, waiting for those entries to be
 * applied: its own, proposed while it led, and those it forwarded that the leader has placed. A
 * proposal is an index, the term its entry was created in, a future and a deadline in ticks.
 *
 * <p>When the entry at a proposal's index is applied, the proposal is decided: the same term means
 * it is this proposal's entry (the future gets the state machine's result or refusal), another term
 * means another leader's entry took the index, and the proposal will never apply ({@link
 * ProposalDroppedException}). Only an applied (so committed) entry decides: an entry that has left
 * this node's log may still be committed by a later leader that holds it.
 *
 * <p>Own proposals are appended in index order, so they sit in a deque in that order and each
 * applied entry looks at the head only. A new proposal at an index at or below an older one's means
 * this node's log was cut back under the older one; the older one moves aside ({@code others}),
 * with the proposals placed by another leader, to wait for its index like them. Timeouts remove
 * every expired proposal, wherever it is.
 *
 * <p>Not thread-safe: the replica's thread only.
 */
final class Proposals {
  private record Pending(long index, long term, CompletableFuture<byte[]> future, long deadline) {}

  private final String id;
  private final ArrayDeque<Pending> own = new ArrayDeque<>();
  private final List<Pending> others = new ArrayList<>();

  Proposals(String id) {
    this.id = id;
  }

  /** A proposal of this replica, just appended to its log at {@code index} in {@code term}. */
  void proposed(long index, long term, CompletableFuture<byte[]> future, long deadline) {
    while (!own.isEmpty() && own.peekLast().index() >= index) {
      others.add(own.pollLast());
    }
    own.addLast(new Pending(index, term, future, deadline));
  }

  /** A proposal whose entry another server appended at {@code index} in {@code term}. */
  void placed(long index, long term, CompletableFuture<byte[]> future, long deadline) {
    others.add(new Pending(index, term, future, deadline));
  }

  /**
   * The entry {@code e} was applied: decides the proposals at its index (and fails, as never to be
   * decided, any own proposal below it, which cannot happen while entries are applied one by one).
   *
   * @param result the state machine's result, or null
   * @param refused the state machine's exception for a refused command, or null
   */
  void applied(LogEntry e, byte[] result, RuntimeException refused) {
    // Completing a future runs its continuations, which may propose again: take each proposal out
    // before deciding it. (A new proposal's index is beyond e's, so it is never decided here.)
    while (!own.isEmpty() && own.peekFirst().index() <= e.index()) {
      decide(own.pollFirst(), e, result, refused);
    }
    if (!others.isEmpty()) {
      List<Pending> due = new ArrayList<>();
      for (Iterator<Pending> it = others.iterator(); it.hasNext(); ) {
        Pending p = it.next();
        if (p.index() <= e.index()) {
          it.remove();
          due.add(p);
        }
      }
      for (Pending p : due) {
        decide(p, e, result, refused);
      }
    }
  }

  private void decide(Pending p, LogEntry e, byte[] result, RuntimeException refused) {
    if (p.index() < e.index()) {
      p.future()
          .completeExceptionally(
              new ProposalDroppedException("entry " + p.index() + " was skipped on " + id));
    } else if (p.term() != e.term()) {
      p.future()
          .completeExceptionally(
              new ProposalDroppedException(
                  "entry "
                      + e.index()
                      + " of term "
                      + p.term()
                      + " was replaced by one of term "
                      + e.term()
                      + " on "
                      + id));
    } else if (refused != null) {
      p.future().completeExceptionally(refused);
    } else {
      p.future().complete(result);
    }
  }

  /**
   * Fails every proposal whose deadline has come with a {@link TimeoutException}, and forgets those
   * whose futures were completed by someone else (cancelled, say).
   */
  void expire(long now, long timeoutTicks) {
    List<Pending> due = new ArrayList<>();
    own.removeIf(p -> due(p, now, due));
    others.removeIf(p -> due(p, now, due));
    for (Pending p : due) {
      p.future()
          .completeExceptionally(
              new TimeoutException(
                  "proposal for entry "
                      + p.index()
                      + " not applied within "
                      + timeoutTicks
                      + " ticks on "
                      + id));
    }
  }

  private static boolean due(Pending p, long now, List<Pending> due) {
    if (p.future().isDone()) {
      return true;
    }
    if (p.deadline() > now) {
      return false;
    }
    due.add(p);
    return true;
  }

  /** Proposals not decided yet. */
  int size() {
    return own.size() + others.size();
  }

  /** Fails every proposal with {@code cause} and forgets them all. */
  void failAll(RuntimeException cause) {
    List<Pending> all = new ArrayList<>(own);
    all.addAll(others);
    own.clear();
    others.clear();
    for (Pending p : all) {
      p.future().completeExceptionally(cause);
    }
  }

  /**
   * A snapshot up to {@code index} was installed from the leader: the proposals it covers can no
   * longer be decided here, since the snapshot does not say which entries it holds.
   */
  void coveredBy(long index) {
    List<Pending> due = new ArrayList<>();
    while (!own.isEmpty() && own.peekFirst().index() <= index) {
      due.add(own.pollFirst());
    }
    others.removeIf(
        p -> {
          if (p.index() <= index) {
            due.add(p);
            return true;
          }
          return false;
        });
    for (Pending p : due) {
      p.future()
          .completeExceptionally(
              new ProposalOutcomeUnknownException(
                  "entry "
                      + p.index()
                      + " is covered by a snapshot up to "
                      + index
                      + " installed on "
                      + id
                      + "; whether it was applied is unknown"));
    }
  }
}
