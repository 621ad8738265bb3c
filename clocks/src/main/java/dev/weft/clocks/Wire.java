package dev.weft.clocks;

import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The pieces of the wire format shared by the clock values: header byte, unsigned LEB128 varints
 * and length-prefixed UTF-8 strings. The format itself is described in the package documentation.
 */
final class Wire {
  static final int VERSION = 1;
  static final int KIND_LAMPORT = 1;
  static final int KIND_HYBRID = 2;
  static final int KIND_VECTOR = 3;
  static final int MAX_PROCESS_ID_BYTES = 1024;
  private static final int MAX_VARINT_BYTES = 9;

  private Wire() {}

  static byte header(int kind) {
    return (byte) (VERSION << 4 | kind);
  }

  /** Bytes that {@code value}, which must not be negative, takes as a varint. */
  static int varintSize(long value) {
    int bits = 64 - Long.numberOfLeadingZeros(value | 1);
    return (bits + 6) / 7;
  }

  static void putVarint(ByteBuffer out, long value) {
    while ((value & ~0x7FL) != 0) {
      out.put((byte) (value & 0x7F | 0x80));
      value >>>= 7;
    }
    out.put((byte) value);
  }

  /**
   * The UTF-8 length of a process id, checked for encodability.
   *
   * @throws IllegalArgumentException if the id has an unpaired surrogate or is too long
   */
  static int utf8Length(String id) {
    int n = id.length();
    int bytes = 0;
    for (int i = 0; i < n; i++) {
      char c = id.charAt(i);
      if (c < 0x80) {
        bytes += 1;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isHighSurrogate(c)
          && i + 1 < n
          && Character.isLowSurrogate(id.charAt(i + 1))) {
        bytes += 4;
        i++;
      } else if (Character.isSurrogate(c)) {
        throw new IllegalArgumentException(
            "process id has an unpaired surrogate at index " + i + " and cannot be encoded");
      } else {
        bytes += 3;
      }
    }
    if (bytes > MAX_PROCESS_ID_BYTES) {
      throw new IllegalArgumentException(
          "process id of "
              + bytes
              + " UTF-8 bytes cannot be encoded; the limit is "
              + MAX_PROCESS_ID_BYTES);
    }
    return bytes;
  }

  /** Bytes that a process id takes: its length varint and its UTF-8 bytes. */
  static int stringSize(String id) {
    int len = utf8Length(id);
    return varintSize(len) + len;
  }

  static void putString(ByteBuffer out, String id) {
    int len = utf8Length(id);
    putVarint(out, len);
    if (len == id.length()) {
      for (int i = 0; i < len; i++) {
        out.put((byte) id.charAt(i));
      }
    } else {
      out.put(id.getBytes(StandardCharsets.UTF_8)); // well-formed: utf8Length checked it
    }
  }

  /** Writes one value's encoding. */
  @FunctionalInterface
  interface Encoder {
    void write(ByteBuffer out);
  }

  /** Reads one value, header included. */
  @FunctionalInterface
  interface Decoder<T> {
    T read(Reader in);
  }

  /** A new array of {@code size} bytes holding what {@code encoder} writes. */
  static byte[] toBytes(int size, Encoder encoder) {
    ByteBuffer out = ByteBuffer.allocate(size);
    encoder.write(out);
    return out.array();
  }

  /** Writes {@code size} bytes at the buffer's position, or nothing if they do not fit. */
  static void writeTo(ByteBuffer out, int size, Encoder encoder) {
    if (out.remaining() < size) {
      throw new BufferOverflowException();
    }
    encoder.write(out);
  }

  /** Decodes a value that must fill the whole array. */
  static <T> T fromBytes(byte[] bytes, Decoder<T> decoder) {
    Reader in = new Reader(ByteBuffer.wrap(bytes));
    T value = decoder.read(in);
    in.end();
    return value;
  }

  /** Decodes one value at the buffer's position, advancing past it only on success. */
  static <T> T readFrom(ByteBuffer buffer, Decoder<T> decoder) {
    Reader in = new Reader(buffer);
    T value = decoder.read(in);
    buffer.position(in.position());
    return value;
  }

  /**
   * Reads one encoded value from a private view of a buffer; the caller commits the position only
   * if the whole value decodes.
   */
  static final class Reader {
    private final ByteBuffer in;
    private final int start;

    Reader(ByteBuffer source) {
      this.in = source.duplicate();
      this.start = in.position();
    }

    int position() {
      return in.position();
    }

    private int offset() {
      return in.position() - start;
    }

    ClockDecodingException error(String message) {
      return new ClockDecodingException(message, offset());
    }

    private ClockDecodingException truncated(String what) {
      return error("truncated input: " + what + " is cut off");
    }

    void header(int kind, String typeName) {
      if (!in.hasRemaining()) {
        throw truncated("the header byte");
      }
      int h = in.get() & 0xFF;
      int version = h >>> 4;
      if (version != VERSION) {
        in.position(in.position() - 1);
        throw error("unsupported format version " + version + "; this library reads " + VERSION);
      }
      if ((h & 0x0F) != kind) {
        in.position(in.position() - 1);
        throw error("expected a " + typeName + " (kind " + kind + ") but found kind " + (h & 0x0F));
      }
    }

    long varint(String what) {
      long value = 0;
      for (int i = 0; i < MAX_VARINT_BYTES; i++) {
        if (!in.hasRemaining()) {
          throw truncated(what);
        }
        int b = in.get() & 0xFF;
        value |= (long) (b & 0x7F) << (7 * i);
        if ((b & 0x80) == 0) {
          if (b == 0 && i > 0) {
            throw error("malformed " + what + ": non-minimal varint");
          }
          return value;
        }
      }
      throw error("malformed " + what + ": varint longer than " + MAX_VARINT_BYTES + " bytes");
    }

    long fixed64(String what) {
      if (in.remaining() < Long.BYTES) {
        throw truncated(what);
      }
      long value = 0;
      for (int i = 0; i < Long.BYTES; i++) {
        value = value << 8 | (in.get() & 0xFF);
      }
      return value;
    }

    /** Reads a length-prefixed process id, interned. */
    String processId() {
      long len = varint("a process id's length");
      if (len > MAX_PROCESS_ID_BYTES) {
        throw error("process id of " + len + " bytes exceeds the limit of " + MAX_PROCESS_ID_BYTES);
      }
      if (len > in.remaining()) {
        throw truncated("a process id of " + len + " bytes");
      }
      byte[] bytes = new byte[(int) len]; // at most the bytes remaining, at most 1 KiB
      int at = in.position();
      in.get(bytes);
      boolean ascii = true;
      for (byte b : bytes) {
        ascii &= b >= 0;
      }
      String id;
      if (ascii) {
        id = new String(bytes, StandardCharsets.US_ASCII);
      } else {
        try {
          CharBuffer chars =
              StandardCharsets.UTF_8
                  .newDecoder()
                  .onMalformedInput(CodingErrorAction.REPORT)
                  .onUnmappableCharacter(CodingErrorAction.REPORT)
                  .decode(ByteBuffer.wrap(bytes));
          id = chars.toString();
        } catch (CharacterCodingException e) {
          in.position(at);
          throw error("malformed UTF-8 in a process id");
        }
      }
      return ProcessIds.intern(id);
    }

    /** Bytes left, for bounding a count before allocating for it. */
    int remaining() {
      return in.remaining();
    }

    /** Checks that nothing follows the value. */
    void end() {
      if (in.hasRemaining()) {
        throw error(in.remaining() + " unexpected bytes after the value");
      }
    }
  }
}
