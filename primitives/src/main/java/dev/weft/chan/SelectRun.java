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

  /** A ring-channel clause whose wake-up we hold and may have to pass on, or -1. */
  private int wokenBy = -1;

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

  /** A completed clause: its continuation runs only after every lock is released. */
  private record Outcome<R>(Clause<? extends R> clause, Object item) {
    R result() {
      if (clause instanceof Clause.Send<? extends R> s) {
        return s.then.get();
      }
      return ((Clause.Receive<? extends R>) clause).complete(item);
    }
  }

  /**
   * Runs the select and its continuation.
   *
   * <p>This method is deliberately small, and the select itself ({@link #select}) is a separate
   * method that returns the completed clause: HotSpot C2 of JDK 25.0.3 crashes (SIGSEGV in {@code
   * Compile::final_graph_reshaping_walk}, a safepoint whose debug info holds a null input) when it
   * compiles the earlier single-method shape, where one local merged the {@link Outcome} allocated
   * here with the outcomes returned by {@link #poll} and {@link #register}, and stayed live, read
   * by the {@code finally} block that javac copies onto every exit. Keep the allocation out of this
   * method and {@link #select} too large to inline (over {@code FreqInlineSize}, 325 bytes).
   */
  R run() throws InterruptedException {
    if (Thread.interrupted()) {
      throw new InterruptedException();
    }
    Outcome<R> done = null;
    try {
      done = select();
      if (done != null) {
        return done.result();
      }
      // Only a select with a default or a timeout gives up, and one with a default never waits.
      return defaultClause != null ? defaultClause.then.get() : timeoutClause.then.get();
    } finally {
      if (wokenBy >= 0 && (done == null || done.clause() != channelClauses[wokenBy])) {
        passOn(wokenBy);
      }
    }
  }

  /**
   * Polls, registers and waits until a channel clause completes (returned) or the default or the
   * timeout is due (null). The continuation is left to the caller, which runs it after every lock
   * is released and then passes on a wake-up that {@link #wokenBy} still holds.
   */
  private Outcome<R> select() throws InterruptedException {
    boolean timed = timeoutClause != null;
    long deadline = timed ? Durations.deadline(timeoutClause.nanos) : 0L;
    while (true) {
      int[] order = pollOrder();
      for (int i : order) {
        Outcome<R> done = poll(channelClauses[i]);
        if (done != null) {
          return done;
        }
      }
      if (defaultClause != null) {
        return null;
      }
      if (timed && (timeoutClause.nanos == 0 || deadline - System.nanoTime() <= 0)) {
        return null;
      }
      Parker parker = new Parker();
      Waiter[] waiters = new Waiter[channelClauses.length];
      Outcome<R> done = register(order, parker, waiters);
      if (done != null) {
        return done;
      }
      if (waiters.length > 0 && waiters[0] == null) {
        continue; // a ring channel became ready while registering: poll again
      }
      int outcome = parker.await(timed, deadline, true);
      for (int i = 0; i < waiters.length; i++) {
        if (i != outcome) {
          waiters[i].channel.unregister(waiters[i], isSend(channelClauses[i]));
        }
      }
      if (outcome == Parker.INTERRUPTED) {
        throw new InterruptedException();
      }
      if (outcome == Parker.TIMED_OUT) {
        return null;
      }
      Clause<? extends R> clause = channelClauses[outcome];
      if (channelOf(clause).partnersComplete()) {
        Waiter won = waiters[outcome];
        if (clause instanceof Clause.Send<? extends R> && won.item == AbstractChannel.CLOSED) {
          throw won.channel.closedException("channel closed while sending in select");
        }
        return new Outcome<>(clause, won.item);
      }
      if (wokenBy >= 0) {
        passOn(wokenBy); // only the newest wake-up is still ours to use
      }
      wokenBy = outcome;
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

  /** Tries one clause with the channel's own non-blocking operation. */
  private Outcome<R> poll(Clause<? extends R> clause) {
    if (clause instanceof Clause.Send<? extends R> s) {
      return s.channel.offerNow(s.value) ? new Outcome<>(clause, null) : null;
    }
    Object item = ((Clause.Receive<? extends R>) clause).channel.pollNow();
    return item == AbstractChannel.EMPTY ? null : new Outcome<>(clause, item);
  }

  /** With the clause's channel locked: completes a lock-based clause if it can proceed now. */
  private Outcome<R> attemptLocked(Clause<? extends R> clause) {
    if (clause instanceof Clause.Send<? extends R> s) {
      return s.channel.sendLocked(s.value) ? new Outcome<>(clause, null) : null;
    }
    Object item = ((Clause.Receive<? extends R>) clause).channel.receiveLocked();
    return item == AbstractChannel.EMPTY ? null : new Outcome<>(clause, item);
  }

  /**
   * Locks every channel, polls the lock-based clauses again, and registers a waiter per clause.
   * Returns a completed clause, or null with {@code waiters} filled (registered) or left empty
   * (withdrawn because a ring channel became ready).
   */
  private Outcome<R> register(int[] order, Parker parker, Waiter[] waiters) {
    AbstractChannel<?>[] locks = lockOrder();
    Waiter[] wakes = new Waiter[locks.length];
    Outcome<R> done = null;
    boolean anyRing = false;
    for (AbstractChannel<?> ch : locks) {
      ch.lock();
      anyRing |= !ch.partnersComplete();
    }
    try {
      for (int i : order) {
        done = attemptLocked(channelClauses[i]);
        if (done != null) {
          return done;
        }
      }
      // Enqueue in poll order: a partner takes the first waiter of a queue, so with two clauses
      // on one channel, index order would always favour the first clause.
      for (int i : order) {
        Clause<? extends R> c = channelClauses[i];
        Object item = c instanceof Clause.Send<? extends R> s ? s.value : null;
        waiters[i] = new Waiter(parker, i, channelOf(c), item);
        waiters[i].channel.registerLocked(waiters[i], isSend(c));
      }
      if (anyRing) {
        VarHandle.fullFence(); // Dekker: registered before we look at the rings again
        for (int i : order) {
          Clause<? extends R> c = channelClauses[i];
          if (channelOf(c).readyAfterRegistration(isSend(c))) {
            for (int j = 0; j < waiters.length; j++) {
              waiters[j].channel.unregisterLocked(waiters[j], isSend(channelClauses[j]));
              waiters[j] = null;
            }
            return null;
          }
        }
      }
      return null;
    } finally {
      for (int i = locks.length - 1; i >= 0; i--) {
        wakes[i] = locks[i].takeWake();
        locks[i].unlock();
      }
      for (Waiter w : wakes) {
        if (w != null) {
          w.parker.wake();
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
