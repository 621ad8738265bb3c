package dev.weft.raft.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Arrays;

/** A growable buffer that records are framed into before they are written with one call. */
final class RecordBuffer {
  private byte[] buf;
  private int size;
  private int recordStart = -1;

  RecordBuffer(int capacity) {
    buf = new byte[Math.max(64, capacity)];
  }

  /** Starts a record of {@code type}; its length and checksum are filled in by {@link #end()}. */
  RecordBuffer begin(byte type) {
    ensure(Records.HEADER);
    recordStart = size;
    buf[size + 8] = type;
    size += Records.HEADER;
    return this;
  }

  RecordBuffer putLong(long v) {
    ensure(8);
    Records.putLong(buf, size, v);
    size += 8;
    return this;
  }

  RecordBuffer putInt(int v) {
    ensure(4);
    Records.putInt(buf, size, v);
    size += 4;
    return this;
  }

  RecordBuffer put(byte[] b, int off, int len) {
    ensure(len);
    System.arraycopy(b, off, buf, size, len);
    size += len;
    return this;
  }

  /** Finishes the record begun last: writes its length and checksum. */
  void end() {
    int length = size - recordStart - Records.HEADER;
    Records.putInt(buf, recordStart, length);
    Records.putInt(buf, recordStart + 4, Records.checksum(buf, recordStart, length));
    recordStart = -1;
  }

  /** Bytes framed so far. */
  int size() {
    return size;
  }

  /** The payload bytes of the record begun last, so far. */
  int payloadSoFar() {
    return size - recordStart - Records.HEADER;
  }

  void clear() {
    size = 0;
    recordStart = -1;
  }

  /** Writes everything framed to {@code channel} at {@code position}, then clears the buffer. */
  void writeTo(FileChannel channel, long position) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(buf, 0, size);
    long at = position;
    while (b.hasRemaining()) {
      at += channel.write(b, at);
    }
    clear();
  }

  private void ensure(int more) {
    if (size + more > buf.length) {
      long want = Math.max((long) buf.length * 2, (long) size + more);
      if (want > Integer.MAX_VALUE - 16) {
        throw new IllegalArgumentException("record batch too large: " + want + " bytes");
      }
      buf = Arrays.copyOf(buf, (int) want);
    }
  }
}
