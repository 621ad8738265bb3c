package dev.weft.chan;

import dev.weft.internal.Durations;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One execution of a select, after Go's {@code selectgo}.
 *
 * <ol>
 *   <li>Poll: visit the channel clauses in random order (argument order for an ordered select) and
 *       complete the first that can proceed without waiting. Each attempt is one channel's own
 *       non-blocking operation, and the first to succeed ends the select, so at most one clause
 *       completes.
 *   <li>If none could, and there is a default (or a timeout of zero), return it.
 *   <li>Register: lock every channel involved, in the global order of channel ids (so two selects
 *       never deadlock). On lock-based channels, whose partners complete waiters, poll again under
 *       the lock; if still nothing can proceed, enqueue one {@link Waiter} per clause, all sharing
 *       one {@link Parker}. Then, after a full fence, check the ring channels, whose operations
 *       take no lock: if one has become ready, withdraw the waiters and poll again. Unlock.
 *   <li>Wait until a partner claims a waiter, or the timeout or an interrupt cancels the parker,
 *       and withdraw the other waiters. A claim on a lock-based channel has completed that clause;
 *       a claim on a ring channel is only a wake-up, and the select polls again.
 * </ol>
 *
 * <p>While the select holds all the locks, no partner can claim its parker (claiming needs the
 * channel's lock), so registration and the second poll cannot interleave with a completion; and
 * because its own waiters are registered only after its polls, a select never matches itself. A
 * select woken by a ring channel that then completes some other clause passes the wake-up on to
 * another waiter of that channel ({@link AbstractChannel#signal}).
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

  /**
   * The item a completed receive clause took (set by {@link #poll}, {@link #attemptLocked} and the
   * wake-up path, read by {@link #result}); a select run is confined to its thread.
   */
  private Object item;

  /**
   * Runs the continuation of clause {@code i}, which has completed with {@link #item}; called only
   * after every lock is released.
   */
  private R result(int i) {
    Clause<? extends R> clause = channelClauses[i];
    if (clause instanceof Clause.Send<? extends R> s) {
      return s.then.get();
    }
    return ((Clause.Receive<? extends R>) clause).complete(item);
  }

  /**
   * Runs the select and its continuation.
   *
   * <p>Completed clauses are reported by index, with the item in a field, and nothing is allocated
   * per outcome: besides saving the allocation, this keeps away from a crash of HotSpot C2 in JDK
   * 25.0.3 ({@code Compile::final_graph_reshaping_walk}, a safepoint whose debug info holds a null
   * input), seen when this method merged an allocated outcome with the outcomes of the calls in one
   * local that stayed live into the {@code finally} block.
   */
  R run() throws InterruptedException {
    if (Thread.interrupted()) {
      throw new InterruptedException();
    }
    boolean timed = timeoutClause != null;
    long deadline = timed ? Durations.deadline(timeoutClause.nanos) : 0L;
    int wokenBy = -1; // a ring-channel clause whose wake-up we hold and may have to pass on
    int done = -1; // the clause that completed
    try {
      while (true) {
        int[] order = pollOrder();
        for (int i : order) {
          if (poll(channelClauses[i])) {
            done = i;
            return result(i);
          }
        }
        if (defaultClause != null) {
          return defaultClause.then.get();
        }
        if (timed && (timeoutClause.nanos == 0 || deadline - System.nanoTime() <= 0)) {
          return timeoutClause.then.get();
        }
        Parker parker = new Parker();
        Waiter[] waiters = new Waiter[channelClauses.length];
        done = register(order, parker, waiters);
        if (done >= 0) {
          return result(done);
        }
        if (done == WITHDRAWN) {
          continue; // a clause became ready while registering: poll again
        }
        // Spin as the first clause's channel has lately found spinning worth it (none: only a
        // timeout).
        AbstractChannel<?> spinOn = order.length == 0 ? null : channelOf(channelClauses[order[0]]);
        ChannelBlockedEvent blocked = ChannelBlockedEvent.start();
        int outcome;
        try {
          outcome = parker.await(timed, deadline, spinOn);
        } finally {
          blocked.finish(spinOn == null ? 0 : spinOn.id, -1, "select");
        }
        for (int i = 0; i < waiters.length; i++) {
          if (i != outcome && waiters[i] != null) {
            channelOf(channelClauses[i]).unregister(waiters[i]);
          }
        }
        if (outcome == Parker.INTERRUPTED) {
          throw new InterruptedException();
        }
        if (outcome == Parker.TIMED_OUT) {
          return timeoutClause.then.get();
        }
        Clause<? extends R> clause = channelClauses[outcome];
        AbstractChannel<?> wonOn = channelOf(clause);
        if (wonOn.partnersComplete()) {
          Waiter won = waiters[outcome];
          if (won.item == AbstractChannel.CLOSED) {
            wonOn.beforeReportingClosed();
            if (clause instanceof Clause.Send<? extends R>) {
              throw wonOn.closedException("channel closed while sending in select");
            }
          }
          item = won.item;
          done = outcome;
          return result(outcome);
        }
        if (wokenBy >= 0) {
          passOn(wokenBy); // only the newest wake-up is still ours to use
        }
        wokenBy = outcome;
      }
    } finally {
      if (wokenBy >= 0 && done != wokenBy) {
        passOn(wokenBy);
      }
    }
  }

  private void passOn(int clause) {
    Clause<? extends R> c = channelClauses[clause];
    channelOf(c).signal(isSend(c));
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

  /** Tries one clause with the channel's own non-blocking operation; true if it completed. */
  private boolean poll(Clause<? extends R> clause) {
    if (clause instanceof Clause.Send<? extends R> s) {
      return s.channel.offerNow(s.value);
    }
    Object got = ((Clause.Receive<? extends R>) clause).channel.pollNow();
    if (got == AbstractChannel.EMPTY) {
      return false;
    }
    item = got;
    return true;
  }

  /** With the clause's channel locked: completes a lock-based clause if it can proceed now. */
  private boolean attemptLocked(Clause<? extends R> clause) {
    if (clause instanceof Clause.Send<? extends R> s) {
      return s.channel.sendLocked(s.value);
    }
    Object got = ((Clause.Receive<? extends R>) clause).channel.receiveLocked();
    if (got == AbstractChannel.EMPTY) {
      return false;
    }
    item = got;
    return true;
  }

  /** {@link #register}: waiters are registered on every channel; wait for a partner. */
  private static final int REGISTERED = -1;

  /** {@link #register}: a clause may proceed now; the waiters were withdrawn: poll again. */
  private static final int WITHDRAWN = -2;

  /**
   * Locks every channel, polls the clauses again, and registers a waiter per clause. Returns the
   * index of a completed clause, {@link #REGISTERED}, or {@link #WITHDRAWN}.
   *
   * <p>A rendezvous channel's partners complete waiters without its lock, so one of them may claim
   * the parker while later clauses are still being registered; if a later clause then refuses its
   * waiter, the select cannot withdraw any more, and waits instead, which returns that claim at
   * once.
   */
  private int register(int[] order, Parker parker, Waiter[] waiters) {
    AbstractChannel<?>[] locks = lockOrder();
    Waiter[] wakes = new Waiter[locks.length];
    boolean anyRing = false;
    for (AbstractChannel<?> ch : locks) {
      ch.lock();
      anyRing |= !ch.partnersComplete();
    }
    try {
      for (int i : order) {
        if (attemptLocked(channelClauses[i])) {
          return i;
        }
      }
      // Enqueue in poll order: a partner takes the first waiter of a queue, so with two clauses
      // on one channel, index order would always favour the first clause.
      boolean ready = false;
      for (int i : order) {
        Clause<? extends R> c = channelClauses[i];
        Object value = c instanceof Clause.Send<? extends R> s ? s.value : null;
        AbstractChannel<?> ch = channelOf(c);
        Waiter w = ch.newWaiter(parker, i, isSend(c), value);
        if (!ch.registerLocked(w)) {
          ready = true;
          break;
        }
        waiters[i] = w;
      }
      if (!ready && anyRing) {
        VarHandle.fullFence(); // Dekker: registered before we look at the rings again
        for (int i : order) {
          Clause<? extends R> c = channelClauses[i];
          ready |= channelOf(c).readyAfterRegistration(isSend(c));
        }
      }
      if (!ready) {
        return REGISTERED;
      }
      if (!parker.tryCancel()) {
        return REGISTERED; // claimed already, through a rendezvous channel: the wait returns it
      }
      for (int i = 0; i < waiters.length; i++) {
        if (waiters[i] != null) {
          channelOf(channelClauses[i]).unregisterLocked(waiters[i]);
        }
      }
      return WITHDRAWN;
    } finally {
      for (int i = locks.length - 1; i >= 0; i--) {
        wakes[i] = locks[i].takeWake();
        locks[i].unlock();
      }
      for (Waiter w : wakes) {
        if (w != null) {
          w.parker().wake();
        }
      }
    }
  }

  /** The distinct channels of the select, in the global locking order. */
  private AbstractChannel<?>[] lockOrder() {
    AbstractChannel<?>[] all = new AbstractChannel<?>[channelClauses.length];
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

  private static boolean isSend(Clause<?> clause) {
    return clause instanceof Clause.Send<?>;
  }

  private static AbstractChannel<?> channelOf(Clause<?> clause) {
    return clause instanceof Clause.Send<?> s ? s.channel : ((Clause.Receive<?>) clause).channel;
  }
}
