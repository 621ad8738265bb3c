package dev.weft.replication.config;

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
 * The configuration service's replicated state: one versioned register, and one session per client
 * that makes retried requests take effect once. A {@link StateMachine}, so that it runs under a
 * {@link ConfigNode} or any other Raft driver alike.
 *
 * <p>Commands are {@link #encode encoded} gets and test-and-sets. A test-and-set whose expected
 * version is the register's version sets the value and increments the version; any other fails and
 * changes nothing. A get changes nothing; it goes through the log so that it is linearizable. A
 * command whose client and request number equal the client's session is a retry: it is not executed
 * again, and gets the first execution's result; an older number gets null (the client no longer
 * waits for it).
 *
 * <p>Not thread-safe: called by one driver's loop.
 */
public final class Register implements StateMachine {
  private record Session(long seq, byte[] result) {}

  private Versioned current = Versioned.INITIAL;
  private final Map<Long, Session> sessions = new HashMap<>();

  /** Creates a register at version 0 with an empty value. */
  public Register() {}

  /**
   * The register's contents.
   *
   * @return the value and version after the last applied command
   */
  public Versioned current() {
    return current;
  }

  /**
   * Encodes a request as a command for the log.
   *
   * @param request a get or a test-and-set
   * @return the command
   */
  public static byte[] encode(ConfigMessage.Request request) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(32 + request.next().length);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(1); // format version
      out.writeLong(request.client());
      out.writeLong(request.seq());
      out.writeBoolean(request.testAndSet());
      out.writeLong(request.expected());
      out.writeInt(request.next().length);
      out.write(request.next());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /**
   * Decodes a command written by {@link #encode}.
   *
   * @param command the bytes
   * @return the request
   * @throws IllegalArgumentException if the bytes are not a request
   */
  public static ConfigMessage.Request decode(byte[] command) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(command))) {
      if (in.readByte() != 1) {
        throw new IllegalArgumentException("unknown command format");
      }
      long client = in.readLong();
      long seq = in.readLong();
      boolean tas = in.readBoolean();
      long expected = in.readLong();
      int len = in.readInt();
      if (len < 0 || len != in.available()) {
        throw new IllegalArgumentException("bad value length " + len);
      }
      return new ConfigMessage.Request(client, seq, tas, expected, in.readNBytes(len));
    } catch (IOException e) {
      throw new IllegalArgumentException("truncated command", e);
    }
  }

  /**
   * Applies a command.
   *
   * @param index the log index
   * @param command an encoded request
   * @return the encoded {@link ConfigMessage.Reply} (see {@link #decodeReply}), or null for a stale
   *     retry
   * @throws IllegalArgumentException if the command does not decode (nothing changes)
   */
  @Override
  public byte[] apply(long index, byte[] command) {
    ConfigMessage.Request r = decode(command);
    Session s = sessions.get(r.client());
    if (s != null && r.seq() <= s.seq()) {
      return r.seq() == s.seq() ? s.result() : null;
    }
    boolean ok = true;
    if (r.testAndSet()) {
      ok = r.expected() == current.version();
      if (ok) {
        current = Versioned.of(current.version() + 1, r.next());
      }
    }
    byte[] result = encodeReply(new ConfigMessage.Reply(r.client(), r.seq(), ok, current));
    sessions.put(r.client(), new Session(r.seq(), result));
    return result;
  }

  static byte[] encodeReply(ConfigMessage.Reply reply) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeLong(reply.client());
      out.writeLong(reply.seq());
      out.writeBoolean(reply.ok());
      writeVersioned(out, reply.current());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /**
   * Decodes a result of {@link #apply}.
   *
   * @param result the bytes
   * @return the reply
   * @throws IllegalArgumentException if the bytes are not a reply
   */
  public static ConfigMessage.Reply decodeReply(byte[] result) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(result))) {
      long client = in.readLong();
      long seq = in.readLong();
      boolean ok = in.readBoolean();
      return new ConfigMessage.Reply(client, seq, ok, readVersioned(in, result.length));
    } catch (IOException e) {
      throw new IllegalArgumentException("truncated reply", e);
    }
  }

  private static void writeVersioned(DataOutputStream out, Versioned v) throws IOException {
    out.writeLong(v.version());
    byte[] value = v.value();
    out.writeInt(value.length);
    out.write(value);
  }

  private static Versioned readVersioned(DataInputStream in, int limit) throws IOException {
    long version = in.readLong();
    int len = in.readInt();
    if (len < 0 || len > limit) {
      throw new IllegalArgumentException("bad value length " + len);
    }
    byte[] value = in.readNBytes(len);
    if (value.length != len) {
      throw new IllegalArgumentException("truncated value");
    }
    return new Versioned(version, value);
  }

  @Override
  public byte[] snapshot() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      writeVersioned(out, current);
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
    Objects.requireNonNull(snapshot, "snapshot");
    Map<Long, Session> s = new HashMap<>();
    Versioned v;
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(snapshot))) {
      v = readVersioned(in, snapshot.length);
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
      throw new IllegalArgumentException("not a register snapshot", e);
    }
    current = v;
    sessions.clear();
    sessions.putAll(s);
  }
}
