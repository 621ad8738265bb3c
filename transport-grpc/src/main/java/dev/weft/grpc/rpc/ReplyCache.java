package dev.weft.grpc.rpc;

import io.grpc.Metadata;
import io.grpc.Status;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * The bookkeeping of an {@link AtMostOnceServer}: per client session, the replies not yet
 * acknowledged and the requests still running, and the horizon below which a request of an unknown
 * session may have run already.
 *
 * <p><b>Per session.</b> The watermark {@code seen} (every request below it is finished at the
 * client), a bit set of numbers above it the client acknowledged one by one, and the entries (one
 * per request not yet acknowledged: running, with waiting duplicates, or done, with its reply). A
 * request is new if its number is not below the watermark, not acknowledged, has no entry, and was
 * first sent after the session's horizon; only then does its handler run.
 *
 * <p><b>Forgetting</b> follows Liskov, Shrira and Wroclawski, "Efficient at-most-once messages
 * based on synchronized clocks" (ACM TOCS 9(2), 1991): a session silent for longer than {@code
 * forgetMillis} (or the least recently heard one, when there are too many) is dropped, and the
 * horizon rises to the latest first-sent time of any request it ran. A request of a session the
 * cache does not know is accepted only if it was first sent after the horizon: anything at or
 * before it might be a duplicate of a request whose reply was forgotten. The horizon starts at the
 * cache's creation, so a restarted server never runs again what its predecessor ran. Each session
 * record keeps the horizon it was created under, which covers a forgotten session that comes back
 * with new requests while an old one is still being retried.
 *
 * <p>One lock guards everything; no callback runs under it.
 */
final class ReplyCache {
  /** What to do with an arriving request. */
  enum Verdict {
    RUN,
    WAIT,
    REPLAY,
    REFUSE
  }

  /** A handler's complete answer: headers (or none), messages, status and trailers. */
  record Reply(Metadata headers, List<Object> messages, Status status, Metadata trailers) {}

  /** The verdict, with the entry to fill (RUN), the reply (REPLAY) or the refusal (REFUSE). */
  record Admission(Verdict verdict, Entry entry, Reply reply, Status refusal, Metadata trailers) {}

  /** One request of one session. */
  static final class Entry {
    final Session session;
    final long sequence;
    final String method;
    Reply reply;
    boolean started;
    List<Consumer<Reply>> waiters = new ArrayList<>();

    Entry(Session session, long sequence, String method) {
      this.session = session;
      this.sequence = sequence;
      this.method = method;
    }
  }

  static final class Session {
    final String id;
    final long horizon;
    long seen = 1;
    BitSet acked = new BitSet();
    final TreeMap<Long, Entry> entries = new TreeMap<>();
    long lastHeard;
    long latestRun = Long.MIN_VALUE;
    int running;

    Session(String id, long horizon) {
      this.id = id;
      this.horizon = horizon;
    }
  }

  private final ReentrantLock lock = new ReentrantLock();
  private final Map<String, Session> sessions = new LinkedHashMap<>(16, 0.75f, true);
  private final InstantSource clock;
  private final long forgetMillis;
  private final int maxSessions;
  private final int maxRepliesPerSession;
  private final long sweepEvery;
  private long horizon;
  private long lastSweep;
  private int replies;
  private long executed;
  private long replayed;
  private long waited;
  private long refusedAnswered;
  private long refusedExpired;
  private long refusedFull;
  private long forgotten;

  ReplyCache(InstantSource clock, long forgetMillis, int maxSessions, int maxRepliesPerSession) {
    this.clock = clock;
    this.forgetMillis = forgetMillis;
    this.maxSessions = maxSessions;
    this.maxRepliesPerSession = maxRepliesPerSession;
    this.sweepEvery = Math.max(1, Math.min(1000, forgetMillis / 4));
    this.horizon = clock.millis();
    this.lastSweep = horizon;
  }

  /**
   * Decides what to do with a request. On {@link Verdict#WAIT}, {@code waiter} is registered and
   * will be given the reply of the running first attempt.
   */
  Admission admit(Headers.Call call, String method, Consumer<Reply> waiter) {
    lock.lock();
    try {
      long now = clock.millis();
      if (now - lastSweep >= sweepEvery) {
        lastSweep = now;
        sweep(now);
      }
      Session s = sessions.get(call.client());
      if (s == null) {
        if (call.sent() <= horizon) {
          return expired(call);
        }
        if (sessions.size() >= maxSessions && !forgetOldestIdle()) {
          refusedFull++;
          return refuse(
              Status.RESOURCE_EXHAUSTED.withDescription(
                  "the reply cache holds the most sessions it may (" + maxSessions + ")"),
              null);
        }
        s = new Session(call.client(), horizon);
        sessions.put(s.id, s);
      }
      s.lastHeard = now;
      acknowledge(s, call.seen(), call.acked());
      Entry e = s.entries.get(call.sequence());
      if (e != null) {
        if (!e.method.equals(method)) {
          return refuse(
              Status.INVALID_ARGUMENT.withDescription(
                  "request "
                      + call.sequence()
                      + " of session "
                      + s.id
                      + " was for "
                      + e.method
                      + ", not "
                      + method),
              null);
        }
        if (e.reply != null) {
          replayed++;
          return new Admission(Verdict.REPLAY, e, e.reply, null, null);
        }
        waited++;
        e.waiters.add(waiter);
        return new Admission(Verdict.WAIT, e, null, null, null);
      }
      if (answered(s, call.sequence())) {
        refusedAnswered++;
        return refuse(
            Status.FAILED_PRECONDITION.withDescription(
                "request "
                    + call.sequence()
                    + " of session "
                    + s.id
                    + " was answered and acknowledged already; it is not run again"),
            null);
      }
      if (call.sent() <= s.horizon) {
        return expired(call);
      }
      if (s.entries.size() >= maxRepliesPerSession) {
        refusedFull++;
        return refuse(
            Status.RESOURCE_EXHAUSTED.withDescription(
                "session "
                    + s.id
                    + " has "
                    + s.entries.size()
                    + " unacknowledged requests, the most allowed"),
            null);
      }
      e = new Entry(s, call.sequence(), method);
      s.entries.put(e.sequence, e);
      s.running++;
      s.latestRun = Math.max(s.latestRun, call.sent());
      replies++;
      return new Admission(Verdict.RUN, e, null, null, null);
    } finally {
      lock.unlock();
    }
  }

  private Admission expired(Headers.Call call) {
    refusedExpired++;
    Metadata trailers = new Metadata();
    trailers.put(Headers.REFUSAL, Headers.SESSION_EXPIRED);
    return refuse(
        Status.FAILED_PRECONDITION.withDescription(
            "session "
                + call.client()
                + " is not known here (forgotten after "
                + forgetMillis
                + " ms of silence, or this server restarted) and request "
                + call.sequence()
                + " was first sent before that, so it may have run already: it is not run again;"
                + " the client starts a new session"),
        trailers);
  }

  private static Admission refuse(Status status, Metadata trailers) {
    return new Admission(
        Verdict.REFUSE, null, null, status, trailers == null ? new Metadata() : trailers);
  }

  /** The first attempt's handler has started. */
  void started(Entry e) {
    lock.lock();
    try {
      e.started = true;
      executed++;
    } finally {
      lock.unlock();
    }
  }

  /** Stores the reply of a first attempt and hands it to the duplicates waiting for it. */
  void complete(Entry e, Reply reply) {
    List<Consumer<Reply>> waiting;
    lock.lock();
    try {
      if (e.reply != null) {
        return;
      }
      e.reply = reply;
      e.session.running--;
      waiting = e.waiters;
      e.waiters = List.of();
      if (answered(e.session, e.sequence)) {
        drop(e);
      }
    } finally {
      lock.unlock();
    }
    waiting.forEach(w -> w.accept(reply));
  }

  /**
   * The first attempt was cancelled. Before its handler started, the request is forgotten (it did
   * not run; a retry runs it) and its waiters told to retry; after, it ran at most once and its
   * reply is lost: it and its duplicates get {@code ABORTED}.
   */
  void cancelled(Entry e) {
    boolean started;
    lock.lock();
    try {
      if (e.reply != null) {
        return;
      }
      started = e.started;
      if (!started) {
        e.session.running--;
        drop(e);
      }
    } finally {
      lock.unlock();
    }
    if (started) {
      complete(
          e,
          new Reply(
              null,
              List.of(),
              Status.ABORTED.withDescription(
                  "the first attempt of request "
                      + e.sequence
                      + " was cancelled while its handler ran:"
                      + " it ran at most once, and its reply is lost"),
              new Metadata()));
    } else {
      Reply retry =
          new Reply(
              null,
              List.of(),
              Status.UNAVAILABLE.withDescription(
                  "the first attempt of request " + e.sequence + " was cancelled before it ran"),
              new Metadata());
      List<Consumer<Reply>> waiting;
      lock.lock();
      try {
        waiting = e.waiters;
        e.waiters = List.of();
      } finally {
        lock.unlock();
      }
      waiting.forEach(w -> w.accept(retry));
    }
  }

  AtMostOnceServer.Stats stats() {
    lock.lock();
    try {
      return new AtMostOnceServer.Stats(
          sessions.size(),
          replies,
          executed,
          replayed,
          waited,
          refusedAnswered,
          refusedExpired,
          refusedFull,
          forgotten);
    } finally {
      lock.unlock();
    }
  }

  // --- under the lock ---

  private static boolean answered(Session s, long sequence) {
    if (sequence < s.seen) {
      return true;
    }
    long offset = sequence - s.seen;
    return offset < Integer.MAX_VALUE && s.acked.get((int) offset);
  }

  private void acknowledge(Session s, long seen, List<Long> acked) {
    if (seen > s.seen) {
      long shift = seen - s.seen;
      s.acked =
          shift >= s.acked.length() ? new BitSet() : s.acked.get((int) shift, s.acked.length());
      s.seen = seen;
      Iterator<Entry> below = s.entries.headMap(seen).values().iterator();
      while (below.hasNext()) {
        Entry e = below.next();
        if (e.reply != null) {
          below.remove();
          replies--;
        }
      }
    }
    for (long a : acked) {
      long offset = a - s.seen;
      if (offset < 0 || offset >= maxRepliesPerSession * 64L) {
        continue; // below the watermark, or implausibly far above it
      }
      s.acked.set((int) offset);
      Entry e = s.entries.get(a);
      if (e != null && e.reply != null) {
        drop(e);
      }
    }
  }

  private void drop(Entry e) {
    if (e.session.entries.remove(e.sequence, e)) {
      replies--;
    }
  }

  private void sweep(long now) {
    Iterator<Session> it = sessions.values().iterator(); // least recently heard first
    while (it.hasNext()) {
      Session s = it.next();
      if (now - s.lastHeard < forgetMillis) {
        return;
      }
      if (s.running == 0) {
        it.remove();
        forget(s);
      }
    }
  }

  private boolean forgetOldestIdle() {
    Iterator<Session> it = sessions.values().iterator();
    while (it.hasNext()) {
      Session s = it.next();
      if (s.running == 0) {
        it.remove();
        forget(s);
        return true;
      }
    }
    return false;
  }

  private void forget(Session s) {
    horizon = Math.max(horizon, s.latestRun);
    replies -= s.entries.size();
    forgotten++;
  }
}
