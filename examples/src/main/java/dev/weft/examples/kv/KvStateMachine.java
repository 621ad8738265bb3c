package dev.weft.examples.kv;

import dev.weft.raft.server.StateMachine;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The replicated map: a {@link StateMachine} over {@link KvCommand}s with exactly-once semantics
 * for clients that retry.
 *
 * <p><b>Deduplication.</b> Every client numbers its requests 1, 2, 3, ... and sends one at a time,
 * reusing the number when it retries. The map keeps, per client, the number of the last request it
 * executed and that request's result (a session). A command whose number equals the session's is a
 * retry: it is not executed again, and the stored result is returned, so the client sees the answer
 * of the first execution. A lower number is a stale retry the client no longer waits for: ignored.
 * Since the sessions are part of the replicated state, every replica deduplicates the same way,
 * also after a crash (the log replays through the same table).
 *
 * <p><b>Memory.</b> The table holds at most one entry per client id ever seen: the last request's
 * number and result, nothing more. A service with unbounded client churn would also expire
 * sessions, deterministically (for example by log index of last use), which this example does not
 * do.
 */
public final class KvStateMachine implements StateMachine {
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

  private record Session(long seq, byte[] result) {}

  private final TreeMap<String, String> data = new TreeMap<>();
  private final Map<Long, Session> sessions = new HashMap<>();
  private final Listener listener;
  private long duplicates;

  /** Creates an empty map. */
  public KvStateMachine() {
    this((i, c) -> {});
  }

  /**
   * Creates an empty map that reports what it executes.
   *
   * @param listener told of every executed command, on the applying thread
   */
  public KvStateMachine(Listener listener) {
    this.listener = Objects.requireNonNull(listener, "listener");
  }

  @Override
  public byte[] apply(long index, byte[] bytes) {
    KvCommand c = KvCommand.decode(bytes);
    Session s = sessions.get(c.client());
    if (s != null && c.seq() <= s.seq()) {
      duplicates++;
      return c.seq() == s.seq() ? s.result() : null;
    }
    byte[] result = execute(c).encode();
    sessions.put(c.client(), new Session(c.seq(), result));
    listener.executed(index, c);
    return result;
  }

  private KvResult execute(KvCommand c) {
    String current = data.get(c.key());
    switch (c.kind()) {
      case GET:
        return new KvResult(current, true);
      case PUT:
        data.put(c.key(), c.value());
        return new KvResult(null, true);
      case APPEND:
        data.put(c.key(), current == null ? c.value() : current + c.value());
        return new KvResult(null, true);
      case DELETE:
        return new KvResult(null, data.remove(c.key()) != null);
      case CAS:
        if (Objects.equals(current, c.expected())) {
          data.put(c.key(), c.value());
          return new KvResult(null, true);
        }
        return new KvResult(null, false);
      default:
        throw new IllegalArgumentException("unknown operation " + c.kind());
    }
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
   * The value of a key in this replica's copy (for tests and demos; clients read through the log).
   *
   * @param key the key
   * @return its value, or null
   */
  public String peek(String key) {
    return data.get(key);
  }

  /**
   * The number of client sessions held (one per client seen).
   *
   * @return the size of the deduplication table
   */
  public int sessions() {
    return sessions.size();
  }

  @Override
  public byte[] snapshot() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(data.size());
      for (Map.Entry<String, String> e : data.entrySet()) {
        out.writeUTF(e.getKey());
        out.writeUTF(e.getValue());
      }
      out.writeInt(sessions.size());
      for (Map.Entry<Long, Session> e : new TreeMap<>(sessions).entrySet()) {
        out.writeLong(e.getKey());
        out.writeLong(e.getValue().seq());
        out.writeInt(e.getValue().result().length);
        out.write(e.getValue().result());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  @Override
  public void restore(byte[] snapshot) {
    TreeMap<String, String> d = new TreeMap<>();
    Map<Long, Session> s = new HashMap<>();
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(snapshot))) {
      for (int n = in.readInt(); n > 0; n--) {
        d.put(in.readUTF(), in.readUTF());
      }
      for (int n = in.readInt(); n > 0; n--) {
        long client = in.readLong();
        long seq = in.readLong();
        int len = in.readInt();
        if (len < 0 || len > in.available()) {
          throw new IllegalArgumentException("bad result length " + len);
        }
        s.put(client, new Session(seq, in.readNBytes(len)));
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("not a key-value snapshot", e);
    }
    data.clear();
    data.putAll(d);
    sessions.clear();
    sessions.putAll(s);
  }
}
