package dev.weft.chan;

import dev.weft.internal.Durations;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One execution of a select, after Go's {@code selectgo}.
 *
 * <ol>
 *   <li>Poll: visit the channel clauses in random order (argument order for an ordered select),
 *       locking one channel at a time, and complete the first that can proceed. Only one operation
 *       is ever attempted to completion, so at most one clause completes.
 *   <li>If none could, and there is a default (or a timeout of zero), return it.
 *   <li>Register: lock every channel involved, in the global order of channel ids (so two selects
 *       never deadlock), poll again in the same order, and if still nothing can proceed, enqueue
 *       one {@link Waiter} per clause, all sharing one {@link Parker}; unlock.
 *   <li>Wait for a partner to claim one waiter (or for the timeout or an interrupt to cancel the
 *       parker), then remove the other waiters from their queues.
 * </ol>
 *
 * <p>Because the second poll and the registration happen under all the locks, no partner can arrive
 * in between unseen; because the select's own waiters are registered only after its polls, it can
 * never be matched with itself.
 */
final class SelectRun<R> {
  private final Clause<? extends R>[] channelClauses;
  private final Clause.Default<? extends R> defaultClause;
  private final Clause.Timeout<? extends R> timeoutClause;
  private final boolean ordered;

  @SuppressWarnings("unchecked")
  SelectRun(SelectClause<? extends R>[] clauses, boolean ordered) {
    Objects.requireNonNull(clauses, "clauses");
    if (clauses.length == 0) {
      throw new IllegalArgumentException("select needs at least one clause");
    }
    Clause<? extends R>[] channel = (Clause<? extends R>[]) new Clause<?>[clauses.length];
    int n = 0;
    Clause.Default<? extends R> dflt = null;
    Clause.Timeout<? extends R> earliest = null;
    for (SelectClause<? extends R> c : clauses) {
      Objects.requireNonNull(c, "clause");
      if (c instanceof Clause.Default<? extends R> d) {
        if (dflt != null) {
          throw new IllegalArgumentException("select has more than one default clause");
        }
        dflt = d;
      } else if (c instanceof Clause.Timeout<? extends R> t) {
        if (earliest == null || t.nanos < earliest.nanos) {
          earliest = t;
        }
      } else {
        channel[n++] = (Clause<? extends R>) c;
      }
    }
    this.channelClauses = Arrays.copyOf(channel, n);
    this.defaultClause = dflt;
    this.timeoutClause = earliest;
    this.ordered = ordered;
  }

  R run() throws InterruptedException {
    if (Thread.interrupted()) {
      throw new InterruptedException();
    }
    long deadline = timeoutClause == null ? 0L : Durations.deadline(timeoutClause.nanos);
    int[] order = pollOrder();
    for (int i : order) {
      Outcome<R> done = pollOne(channelClauses[i]);
      if (done != null) {
        return done.result();
      }
    }
    if (defaultClause != null) {
      return defaultClause.then.get();
    }
    if (timeoutClause != null && timeoutClause.nanos == 0) {
      return timeoutClause.then.get();
    }
    return block(order, deadline);
  }

  private int[] pollOrder() {
    int n = channelClauses.length;
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    if (!ordered && n > 1) {
      ThreadLocalRandom random = ThreadLocalRandom.current();
      for (int i = n - 1; i > 0; i--) { // Fisher-Yates
        int j = random.nextInt(i + 1);
        int t = order[i];
        order[i] = order[j];
        order[j] = t;
      }
    }
    return order;
  }

  /** A completed clause: its continuation runs only after every lock is released. */
  private record Outcome<R>(Clause<? extends R> clause, Object item) {
    R result() {
      if (clause instanceof Clause.Send<? extends R> s) {
        return s.then.get();
      }
      return ((Clause.Receive<? extends R>) clause).complete(item);
    }
  }

  /** Tries one clause under its channel's lock alone. */
  private Outcome<R> pollOne(Clause<? extends R> clause) {
    ChanImpl<?> ch = channelOf(clause);
    Outcome<R> done;
    Waiter wake;
    ch.lock();
    try {
      done = attemptLocked(clause);
    } finally {
      wake = ch.takeWake();
      ch.unlock();
    }
    if (wake != null) {
      wake.parker.wake();
    }
    return done;
  }

  /** With the clause's channel locked: completes it if it can proceed now, else returns null. */
  private Outcome<R> attemptLocked(Clause<? extends R> clause) {
    if (clause instanceof Clause.Send<? extends R> s) {
      return s.channel.sendLocked(s.value) ? new Outcome<>(clause, null) : null;
    }
    Object item = ((Clause.Receive<? extends R>) clause).channel.receiveLocked();
    return item == ChanImpl.EMPTY ? null : new Outcome<>(clause, item);
  }

  private R block(int[] order, long deadline) throws InterruptedException {
    ChanImpl<?>[] locks = lockOrder();
    Waiter[] waiters = new Waiter[channelClauses.length];
    Parker parker = new Parker();
    Outcome<R> done = null;
    Waiter[] wakes = new Waiter[locks.length];
    for (ChanImpl<?> ch : locks) {
      ch.lock();
    }
    try {
      for (int i : order) {
        done = attemptLocked(channelClauses[i]);
        if (done != null) {
          break;
        }
      }
      if (done == null) {
        // Enqueue in poll order too: a partner takes the first waiter of a queue, so with two
        // clauses on one channel, index order would always favour the first clause.
        for (int i : order) {
          Clause<? extends R> c = channelClauses[i];
          if (c instanceof Clause.Send<? extends R> s) {
            waiters[i] = new Waiter(parker, i, s.channel, s.value);
            s.channel.enqueueWaitingSender(waiters[i]);
          } else {
            ChanImpl<?> ch = ((Clause.Receive<? extends R>) c).channel;
            waiters[i] = new Waiter(parker, i, ch, null);
            ch.enqueueWaitingReceiver(waiters[i]);
          }
        }
      }
    } finally {
      for (int i = locks.length - 1; i >= 0; i--) {
        wakes[i] = locks[i].takeWake();
        locks[i].unlock();
      }
    }
    if (done != null) {
      for (Waiter w : wakes) {
        if (w != null) {
          w.parker.wake();
        }
      }
      return done.result();
    }

    int outcome = parker.await(timeoutClause != null, deadline);
    for (int i = 0; i < waiters.length; i++) {
      if (i != outcome) {
        waiters[i].channel.dequeueWaiter(waiters[i], channelClauses[i] instanceof Clause.Send);
      }
    }
    if (outcome == Parker.INTERRUPTED) {
      throw new InterruptedException();
    }
    if (outcome == Parker.TIMED_OUT) {
      return timeoutClause.then.get();
    }
    Waiter won = waiters[outcome];
    Clause<? extends R> clause = channelClauses[outcome];
    if (clause instanceof Clause.Send<? extends R> && won.item == ChanImpl.CLOSED) {
      throw won.channel.closedException("channel closed while sending in select");
    }
    return new Outcome<R>(clause, won.item).result();
  }

  /** The distinct channels of the select, in the global locking order. */
  private ChanImpl<?>[] lockOrder() {
    ChanImpl<?>[] all = new ChanImpl<?>[channelClauses.length];
    for (int i = 0; i < all.length; i++) {
      all[i] = channelOf(channelClauses[i]);
    }
    Arrays.sort(all, (a, b) -> Long.compare(a.id, b.id));
    int distinct = 0;
    for (int i = 0; i < all.length; i++) {
      if (distinct == 0 || all[distinct - 1] != all[i]) {
        all[distinct++] = all[i];
      }
    }
    return Arrays.copyOf(all, distinct);
  }

  private static ChanImpl<?> channelOf(Clause<?> clause) {
    return clause instanceof Clause.Send<?> s ? s.channel : ((Clause.Receive<?>) clause).channel;
  }
}
