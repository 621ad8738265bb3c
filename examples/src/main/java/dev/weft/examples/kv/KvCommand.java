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
 * {@code seq}: the client's request number, the same on every retry) and what.
 *
 * @param client the client's id
 * @param seq the client's request number, starting at 1; a retry reuses it
 * @param kind the operation
 * @param key the key
 * @param value the value for put, append and cas (null otherwise)
 * @param expected the expected current value for cas (null means "absent")
 */
public record KvCommand(
    long client, long seq, Kind kind, String key, String value, String expected) {
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
    CAS
  }

  /**
   * Checks the fields.
   *
   * @param client the client's id
   * @param seq the request number, at least 1
   * @param kind the operation
   * @param key the key
   * @param value the value, for the operations that take one
   * @param expected the expected value, for cas
   * @throws IllegalArgumentException if {@code seq} is below 1 or a needed value is missing
   * @throws NullPointerException if {@code kind} or {@code key} is null
   */
  public KvCommand {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(key, "key");
    if (seq < 1) {
      throw new IllegalArgumentException("seq must be at least 1: " + seq);
    }
    boolean needsValue = kind == Kind.PUT || kind == Kind.APPEND || kind == Kind.CAS;
    if (needsValue != (value != null)) {
      throw new IllegalArgumentException(kind + (needsValue ? " needs" : " takes no") + " value");
    }
  }

  /**
   * The operation as the testkit's sequential model of a map sees it, for checking histories.
   *
   * @return the model's operation
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
   */
  public static KeyValueModel.Op model(Kind kind, String key, String value, String expected) {
    return switch (kind) {
      case GET -> KeyValueModel.Op.get(key);
      case PUT -> KeyValueModel.Op.put(key, value);
      case APPEND -> KeyValueModel.Op.append(key, value);
      case DELETE -> KeyValueModel.Op.delete(key);
      case CAS -> KeyValueModel.Op.cas(key, expected, value);
    };
  }

  /**
   * Encodes the command for the log.
   *
   * @return the bytes
   */
  public byte[] encode() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(32 + key.length());
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(1); // format version
      out.writeLong(client);
      out.writeLong(seq);
      out.writeByte(kind.ordinal());
      out.writeUTF(key);
      writeNullable(out, value);
      writeNullable(out, expected);
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
      int version = in.readByte();
      if (version != 1) {
        throw new IllegalArgumentException("unknown command format " + version);
      }
      long client = in.readLong();
      long seq = in.readLong();
      int kind = in.readByte();
      if (kind < 0 || kind >= Kind.values().length) {
        throw new IllegalArgumentException("unknown operation " + kind);
      }
      String key = in.readUTF();
      String value = readNullable(in);
      String expected = readNullable(in);
      if (in.available() != 0) {
        throw new IllegalArgumentException("trailing bytes after a command");
      }
      return new KvCommand(client, seq, Kind.values()[kind], key, value, expected);
    } catch (IOException e) {
      throw new IllegalArgumentException("truncated command", e);
    }
  }

  static void writeNullable(DataOutputStream out, String s) throws IOException {
    out.writeBoolean(s != null);
    if (s != null) {
      out.writeUTF(s);
    }
  }

  static String readNullable(DataInputStream in) throws IOException {
    return in.readBoolean() ? in.readUTF() : null;
  }
}
