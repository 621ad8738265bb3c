package dev.weft.raft.wire;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Writes the codec's primitive values into a growing array. */
final class WireWriter {
  private byte[] bytes;
  private int size;

  WireWriter(int capacity) {
    bytes = new byte[Math.max(16, capacity)];
  }

  private void ensure(int more) {
    if (size + more > bytes.length) {
      bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
    }
  }

  void writeByte(int b) {
    ensure(1);
    bytes[size++] = (byte) b;
  }

  void writeBoolean(boolean b) {
    writeByte(b ? 1 : 0);
  }

  /** An unsigned LEB128 varint. */
  void writeVarLong(long v) {
    ensure(10);
    while ((v & ~0x7FL) != 0) {
      bytes[size++] = (byte) ((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    bytes[size++] = (byte) v;
  }

  /** A signed long, zigzag-encoded so that small negative values stay short. */
  void writeLong(long v) {
    writeVarLong((v << 1) ^ (v >> 63));
  }

  void writeBytes(byte[] b) {
    writeVarLong(b.length);
    ensure(b.length);
    System.arraycopy(b, 0, bytes, size, b.length);
    size += b.length;
  }

  void writeString(String s) {
    writeBytes(s.getBytes(StandardCharsets.UTF_8));
  }

  byte[] toByteArray() {
    return Arrays.copyOf(bytes, size);
  }
}
