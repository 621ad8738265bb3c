package dev.weft.raft.wire;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads the codec's primitive values from untrusted bytes: every length is checked against what is
 * left before anything is allocated, and every failure is a {@link WireFormatException} naming the
 * offset.
 */
final class WireReader {
  private final byte[] bytes;
  private int pos;

  WireReader(byte[] bytes) {
    this.bytes = bytes;
  }

  WireFormatException error(String what) {
    return new WireFormatException(what + " at byte " + pos + " of " + bytes.length);
  }

  int remaining() {
    return bytes.length - pos;
  }

  int readByte() {
    if (pos >= bytes.length) {
      throw error("truncated input");
    }
    return bytes[pos++] & 0xFF;
  }

  boolean readBoolean() {
    int b = readByte();
    if (b > 1) {
      throw error("boolean " + b);
    }
    return b == 1;
  }

  /** An unsigned LEB128 varint of at most 10 bytes. */
  long readVarLong() {
    long value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      int b = readByte();
      if (shift == 63 && b > 1) {
        throw error("varint overflow");
      }
      value |= (long) (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        return value;
      }
    }
    throw error("varint too long");
  }

  /** A zigzag-encoded signed long. */
  long readLong() {
    long v = readVarLong();
    return (v >>> 1) ^ -(v & 1);
  }

  /** A length no greater than what is left to read times {@code unit} bytes per element. */
  int readLength(int unit) {
    long n = readVarLong(); // unsigned: above Long.MAX_VALUE it reads as negative
    if (n < 0 || n > remaining() / unit) {
      throw error("length " + n + " beyond the input");
    }
    return (int) n;
  }

  byte[] readBytes() {
    int n = readLength(1);
    byte[] out = Arrays.copyOfRange(bytes, pos, pos + n);
    pos += n;
    return out;
  }

  String readString() {
    byte[] utf8 = readBytes();
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(utf8))
          .toString();
    } catch (CharacterCodingException e) {
      throw error("an id that is not UTF-8");
    }
  }

  void expectEnd() {
    if (pos != bytes.length) {
      throw error("trailing bytes");
    }
  }
}
