package dev.weft.examples.kv;

import dev.weft.testkit.lin.KeyValueModel;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Objects;

/**
 * One request to the replicated map, as it travels through the Raft log: who asks ({@code client},
 * the session the map gave the client; {@code seq}, the client's request number, the same on every
 * retry), when ({@code time}, the client's clock, which drives the map's session expiry) and what.
 *
 * <p>A client first sends {@link #register(long)}; the map answers with a new session id (the log
 * index of that request, as in Ongaro's thesis, §6.3), and the client numbers its requests in that
 * session from 1.
 *
 * @param client the client's session id (0 for {@link Kind#REGISTER})
 * @param seq the client's request number in its session, from 1; a retry reuses it (0 for {@link
 *     Kind#REGISTER})
 * @param time the client's clock when it first sent the request, in milliseconds (or the
 *     simulation's virtual milliseconds)
 * @param kind the operation
 * @param key the key ("" for {@link Kind#REGISTER})
 * @param value the value for put, append and cas (null otherwise)
 * @param expected the expected current value for cas (null means "absent")
 */
public record KvCommand(
    long client, long seq, long time, Kind kind, String key, String value, String expected) {
  private static final int FORMAT = 2;

  /** The operations of the map. */
  public enum Kind {
    /** Reads a key (through the log, so the read is linearizable). */
    GET,
    /** Sets a key. */
    PUT,
    /** Appends to a key's value (an absent key counts as empty). */
    APPEND,
    /** Removes a key. */
    DELETE,
    /** Sets a key only if its value equals {@code expected}. */
    CAS,
    /** Opens a client session; the result is the new session id (8 bytes, big-endian). */
    REGISTER
  }

  /**
   * Checks the fields.
   *
   * @param client the client's session id
   * @param seq the request number
   * @param time the client's clock
   * @param kind the operation
   * @param key the key
   * @param value the value, for the operations that take one
   * @param expected the expected value, for cas
   * @throws IllegalArgumentException if {@code seq} is below 1 (except for a registration) or a
   *     value is missing or superfluous
   * @throws NullPointerException if {@code kind} or {@code key} is null
   */
  public KvCommand {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(key, "key");
    if (kind == Kind.REGISTER) {
      if (client != 0 || seq != 0 || !key.isEmpty() || value != null || expected != null) {
        throw new IllegalArgumentException("a registration names no session, request or key");
      }
    } else if (seq < 1) {
      throw new IllegalArgumentException("seq must be at least 1: " + seq);
    }
    boolean needsValue = kind == Kind.PUT || kind == Kind.APPEND || kind == Kind.CAS;
    if (needsValue != (value != null)) {
      throw new IllegalArgumentException(kind + (needsValue ? " needs" : " takes no") + " value");
    }
    if (expected != null && kind != Kind.CAS) {
      throw new IllegalArgumentException(kind + " takes no expected value");
    }
  }

  /**
   * A request for a new client session.
   *
   * @param time the client's clock
   * @return the registration
   */
  public static KvCommand register(long time) {
    return new KvCommand(0, 0, time, Kind.REGISTER, "", null, null);
  }

  /**
   * The operation as the testkit's sequential model of a map sees it, for checking histories.
   *
   * @return the model's operation
   * @throws IllegalArgumentException for a registration, which the model does not know
   */
  public KeyValueModel.Op toModel() {
    return model(kind, key, value, expected);
  }

  /**
   * The model's operation for a request a client is about to make.
   *
   * @param kind the operation
   * @param key the key
   * @param value the value, for put, append and cas
   * @param expected the expected value, for cas
   * @return the model's operation
   * @throws IllegalArgumentException for {@link Kind#REGISTER}
   */
  public static KeyValueModel.Op model(Kind kind, String key, String value, String expected) {
    return switch (kind) {
      case GET -> KeyValueModel.Op.get(key);
      case PUT -> KeyValueModel.Op.put(key, value);
      case APPEND -> KeyValueModel.Op.append(key, value);
      case DELETE -> KeyValueModel.Op.delete(key);
      case CAS -> KeyValueModel.Op.cas(key, expected, value);
      case REGISTER -> throw new IllegalArgumentException("a registration is not a map operation");
    };
  }

  /**
   * Encodes the command for the log: a format byte, the numbers, then the strings as lengths and
   * UTF-8 bytes (of any size).
   *
   * @return the bytes
   */
  public byte[] encode() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(40 + key.length());
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(FORMAT);
      out.writeLong(client);
      out.writeLong(seq);
      out.writeLong(time);
      out.writeByte(kind.ordinal());
      KvCodec.writeString(out, key);
      KvCodec.writeNullable(out, value);
      KvCodec.writeNullable(out, expected);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /**
   * Decodes a command written by {@link #encode()}.
   *
   * @param bytes the encoded command
   * @return the command
   * @throws IllegalArgumentException if the bytes are not a command
   */
  public static KvCommand decode(byte[] bytes) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      int format = in.readByte();
      if (format != FORMAT) {
        throw new IllegalArgumentException("unknown command format " + format);
      }
      long client = in.readLong();
      long seq = in.readLong();
      long time = in.readLong();
      int kind = in.readByte();
      if (kind < 0 || kind >= Kind.values().length) {
        throw new IllegalArgumentException("unknown operation " + kind);
      }
      String key = KvCodec.readString(in);
      String value = KvCodec.readNullable(in);
      String expected = KvCodec.readNullable(in);
      if (in.available() != 0) {
        throw new IllegalArgumentException("trailing bytes after a command");
      }
      return new KvCommand(client, seq, time, Kind.values()[kind], key, value, expected);
    } catch (IOException e) {
      throw new IllegalArgumentException("truncated command", e);
    }
  }
}
