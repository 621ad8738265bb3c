package dev.weft.examples.kv;

import dev.weft.raft.server.StateMachine;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The replicated map: a {@link StateMachine} over {@link KvCommand}s with exactly-once semantics
 * for clients that retry, after Ongaro's thesis, §6.3 ("Implementing linearizable semantics").
 *
 * <p><b>Sessions.</b> A client first registers: the map opens a session whose id is the log index
 * of the registration, so no two clients, and no two runs of one client, ever share a session. The
 * client numbers its requests in the session 1, 2, 3, ... and sends one at a time, reusing the
 * number when it retries. The session keeps the number of the last request executed and its result.
 * A request whose number equals the session's is a retry: it is not executed again, and the stored
 * result is returned, so the client sees the answer of the first execution. A lower number is a
 * stale retry the client no longer waits for: refused. Since the sessions are part of the
 * replicated state, every replica deduplicates the same way, also after a crash (the log replays
 * through the same table).
 *
 * <p><b>Expiry, by a replicated clock.</b> Every request carries its client's clock ({@link
 * KvCommand#time()}); the map's clock is the latest time any applied request carried, so it is the
 * same on every replica at every index. A session not used for longer than the session timeout by
 * that clock is removed, and a request in it is refused with {@link SessionExpiredException} (on
 * every replica alike; the client registers again). The table thus holds only the sessions used
 * within the last timeout. The thesis stamps requests with the leader's clock; here the clients'
 * clocks stand in for it, so a client whose clock runs far ahead can expire other sessions early:
 * keep the timeout well above the clients' clock skew.
 */
public final class KvStateMachine implements StateMachine {
  /** The session timeout when none is given. */
  public static final Duration DEFAULT_SESSION_TIMEOUT = Duration.ofMinutes(10);

  private static final int SNAPSHOT_FORMAT = 2;

  /** Told of every command executed (not of duplicates skipped): for tests and demos. */
  @FunctionalInterface
  public interface Listener {
    /**
     * A command took effect.
     *
     * @param index its log index
     * @param command the command
     */
    void executed(long index, KvCommand command);
  }

  private static final class Session {
    long seq;
    byte[] result;
    long lastUsed;

    Session(long seq, byte[] result, long lastUsed) {
      this.seq = seq;
      this.result = result;
      this.lastUsed = lastUsed;
    }
  }

  private final TreeMap<String, String> data = new TreeMap<>();
  // in order of last use (insertion order, kept by moving a session to the end when used), so the
  // sessions that expire first are at the head
  private final LinkedHashMap<Long, Session> sessions = new LinkedHashMap<>();
  private final Listener listener;
  private final long timeoutMillis;
  private long clock;
  private long duplicates;
  private long expired;

  /** Creates an empty map with the default session timeout. */
  public KvStateMachine() {
    this((i, c) -> {});
  }

  /**
   * Creates an empty map that reports what it executes, with the default session timeout.
   *
   * @param listener told of every executed command, on the applying thread
   */
  public KvStateMachine(Listener listener) {
    this(DEFAULT_SESSION_TIMEOUT, listener);
  }

  /**
   * Creates an empty map. Every replica of one map must be given the same timeout.
   *
   * @param sessionTimeout how long a session may go unused, by the map's clock, before it expires
   * @param listener told of every executed command, on the applying thread
   * @throws IllegalArgumentException if the timeout is not positive
   */
  public KvStateMachine(Duration sessionTimeout, Listener listener) {
    if (sessionTimeout.isNegative() || sessionTimeout.isZero()) {
      throw new IllegalArgumentException("session timeout must be positive: " + sessionTimeout);
    }
    this.timeoutMillis = sessionTimeout.toMillis();
    this.listener = Objects.requireNonNull(listener, "listener");
  }

  /**
   * Applies one request.
   *
   * @param index the entry's log index
   * @param bytes an encoded {@link KvCommand}
   * @return the encoded {@link KvResult}, or for a registration the new session id (8 bytes)
   * @throws SessionExpiredException if the request's session expired or never existed
   * @throws IllegalStateException if the request is older than its session's last one
   * @throws IllegalArgumentException if the bytes are not a command
   */
  @Override
  public byte[] apply(long index, byte[] bytes) {
    KvCommand c = KvCommand.decode(bytes);
    long now = Math.max(clock, c.time());
    if (c.kind() == KvCommand.Kind.REGISTER) {
      advanceClock(now);
      sessions.put(index, new Session(0, null, clock));
      return ByteBuffer.allocate(Long.BYTES).putLong(index).array();
    }
    // Refusals first, before anything changes: a refused command leaves the state as it was.
    Session s = sessions.get(c.client());
    if (s == null || s.lastUsed + timeoutMillis < now) {
      throw new SessionExpiredException(c.client());
    }
    if (c.seq() < s.seq) {
      throw new IllegalStateException(
          "request " + c.seq() + " of session " + c.client() + " came after request " + s.seq);
    }
    advanceClock(now); // s was used within the timeout of now, so it stays
    sessions.remove(c.client());
    sessions.put(c.client(), s);
    s.lastUsed = clock;
    if (c.seq() == s.seq) {
      duplicates++;
      return s.result;
    }
    byte[] result = execute(c).encode();
    s.seq = c.seq();
    s.result = result;
    listener.executed(index, c);
    return result;
  }

  /** Moves the clock to {@code now} and removes the sessions idle for longer than the timeout. */
  private void advanceClock(long now) {
    clock = now;
    for (Iterator<Session> it = sessions.values().iterator(); it.hasNext(); ) {
      if (it.next().lastUsed + timeoutMillis >= clock) {
        break;
      }
      it.remove();
      expired++;
    }
  }

  private KvResult execute(KvCommand c) {
    String current = data.get(c.key());
    return switch (c.kind()) {
      case GET -> new KvResult(current, true);
      case PUT -> {
        data.put(c.key(), c.value());
        yield new KvResult(null, true);
      }
      case APPEND -> {
        data.put(c.key(), current == null ? c.value() : current + c.value());
        yield new KvResult(null, true);
      }
      case DELETE -> new KvResult(null, data.remove(c.key()) != null);
      case CAS -> {
        if (Objects.equals(current, c.expected())) {
          data.put(c.key(), c.value());
          yield new KvResult(null, true);
        }
        yield new KvResult(null, false);
      }
      case REGISTER -> throw new IllegalStateException("handled in apply");
    };
  }

  /**
   * Serves a {@link KvCommand.Kind#GET} without the log ({@code RaftServer.read}): the value of its
   * key in this replica's state now. Reads need no session bookkeeping: they change nothing, so a
   * retried read is simply read again.
   *
   * @param query an encoded GET command
   * @return the encoded {@link KvResult}
   * @throws IllegalArgumentException if the bytes are not a GET command
   */
  @Override
  public byte[] read(byte[] query) {
    KvCommand c = KvCommand.decode(query);
    if (c.kind() != KvCommand.Kind.GET) {
      throw new IllegalArgumentException("only a get is served without the log, not " + c.kind());
    }
    return new KvResult(data.get(c.key()), true).encode();
  }

  /**
   * Retried commands recognised and not executed again.
   *
   * @return the count since this map was created
   */
  public long duplicates() {
    return duplicates;
  }

  /**
   * Sessions removed because they went unused for longer than the timeout.
   *
   * @return the count since this map was created (or restored)
   */
  public long expiredSessions() {
    return expired;
  }

  /**
   * The value of a key in this replica's copy, unconfirmed (for tests and demos; clients read
   * through {@link #read} after ReadIndex, or through the log).
   *
   * @param key the key
   * @return its value, or null
   */
  public String peek(String key) {
    return data.get(key);
  }

  /**
   * The number of client sessions held: those used within the last timeout of the map's clock.
   *
   * @return the size of the deduplication table
   */
  public int sessions() {
    return sessions.size();
  }

  /**
   * The map's replicated clock: the latest time any applied request carried.
   *
   * @return the clock, in the clients' milliseconds
   */
  public long clock() {
    return clock;
  }

  @Override
  public byte[] snapshot() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try {
      snapshot(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /**
   * Writes the map and the client sessions (with their last results, so that a retried request is
   * still recognised after the log is compacted), streamed.
   */
  @Override
  public void snapshot(OutputStream stream) throws IOException {
    DataOutputStream out = new DataOutputStream(new BufferedOutputStream(stream));
    out.writeByte(SNAPSHOT_FORMAT);
    out.writeLong(clock);
    out.writeInt(data.size());
    for (Map.Entry<String, String> e : data.entrySet()) {
      KvCodec.writeString(out, e.getKey());
      KvCodec.writeString(out, e.getValue());
    }
    out.writeInt(sessions.size());
    for (Map.Entry<Long, Session> e : sessions.entrySet()) { // in order of last use
      out.writeLong(e.getKey());
      out.writeLong(e.getValue().seq);
      out.writeLong(e.getValue().lastUsed);
      KvCodec.writeNullableBytes(out, e.getValue().result);
    }
    out.flush(); // not closed: the stream is the caller's
  }

  @Override
  public void restore(byte[] snapshot) {
    try {
      restore(new ByteArrayInputStream(snapshot));
    } catch (IOException e) {
      throw new IllegalArgumentException("not a key-value snapshot", e);
    }
  }

  @Override
  public void restore(InputStream stream) throws IOException {
    TreeMap<String, String> d = new TreeMap<>();
    LinkedHashMap<Long, Session> s = new LinkedHashMap<>();
    long c;
    DataInputStream in = new DataInputStream(new BufferedInputStream(stream));
    try {
      int format = in.readByte();
      if (format != SNAPSHOT_FORMAT) {
        throw new IllegalArgumentException("unknown snapshot format " + format);
      }
      c = in.readLong();
      for (int n = in.readInt(); n > 0; n--) {
        d.put(KvCodec.readString(in), KvCodec.readString(in));
      }
      for (int n = in.readInt(); n > 0; n--) {
        long id = in.readLong();
        long seq = in.readLong();
        long lastUsed = in.readLong();
        s.put(id, new Session(seq, KvCodec.readNullableBytes(in), lastUsed));
      }
    } catch (EOFException e) {
      throw new IllegalArgumentException("a key-value snapshot cut short", e);
    }
    if (in.read() != -1) {
      throw new IllegalArgumentException("trailing bytes after a snapshot");
    }
    clock = c;
    data.clear();
    data.putAll(d);
    sessions.clear();
    sessions.putAll(s);
  }
}
