package dev.weft.raft.storage;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Arrays;

/**
 * Reads framed records in order from a file, through a window that is refilled with positional
 * reads, checking each record's length and checksum. After {@link #next()} returns false, {@link
 * #problem()} says why: null at a clean end of the range, or what is wrong with the record at
 * {@link #position()}.
 *
 * <p>Not thread-safe; the window belongs to one reader.
 */
final class RecordReader {
  private static final int WINDOW = 1 << 16;

  private FileChannel channel;
  private long end;
  private byte[] buf = new byte[WINDOW];
  private long bufStart;
  private int bufLen;

  private long position;
  private String problem;
  private byte type;
  private int payloadAt;
  private int payloadLength;

  /** Reads the records in {@code [start, end)} of {@code channel}. */
  RecordReader(FileChannel channel, long start, long end) {
    reset(channel, start, end);
  }

  /** Starts over on {@code [start, end)} of {@code channel}, keeping the window's memory. */
  RecordReader reset(FileChannel channel, long start, long end) {
    this.channel = channel;
    this.position = start;
    this.end = end;
    this.bufStart = 0;
    this.bufLen = 0;
    this.problem = null;
    this.payloadLength = 0;
    return this;
  }

  /** Drops a window that grew for a large record, so the memory is not kept. */
  void shrink() {
    if (buf.length > WINDOW) {
      buf = new byte[WINDOW];
      bufLen = 0;
    }
  }

  /**
   * Reads the next record.
   *
   * @return true if a record that checks was read; false at the end or at a bad record
   */
  boolean next() throws IOException {
    problem = null;
    long left = end - position;
    if (left == 0) {
      return false;
    }
    if (left < Records.HEADER) {
      problem = "record header cut short (" + left + " bytes before the end of the file)";
      return false;
    }
    fill(position, Records.HEADER);
    int at = (int) (position - bufStart);
    int length = Records.getInt(buf, at);
    if (length < 0 || length > Records.MAX_PAYLOAD || length > left - Records.HEADER) {
      problem =
          "record of "
              + Integer.toUnsignedString(length)
              + " bytes runs past the end of the file ("
              + (left - Records.HEADER)
              + " bytes left)";
      return false;
    }
    fill(position, Records.HEADER + length);
    at = (int) (position - bufStart);
    if (Records.getInt(buf, at + 4) != Records.checksum(buf, at, length)) {
      problem = "checksum mismatch in a record of " + length + " bytes";
      return false;
    }
    byte t = buf[at + 8];
    if (!Records.knownType(t)) {
      problem = "unknown record type " + t;
      return false;
    }
    type = t;
    payloadAt = at + Records.HEADER;
    payloadLength = length;
    position += Records.HEADER + length;
    return true;
  }

  /**
   * Looks for any record that checks, starting at every byte offset from {@code from}: whether a
   * bad record has valid data after it.
   *
   * @return the offset of the first such record, or -1 if there is none before the end
   */
  long findValidRecord(long from) throws IOException {
    for (long q = from; q + Records.HEADER <= end; q++) {
      fill(q, Records.HEADER);
      int at = (int) (q - bufStart);
      int length = Records.getInt(buf, at);
      if (!Records.knownType(buf[at + 8])
          || length < 0
          || length > end - q - Records.HEADER
          || length > Records.MAX_PAYLOAD) {
        continue;
      }
      fill(q, Records.HEADER + length);
      at = (int) (q - bufStart);
      if (Records.getInt(buf, at + 4) == Records.checksum(buf, at, length)) {
        return q;
      }
    }
    return -1;
  }

  /** Where the next record starts; after a failed {@link #next()}, where the bad one starts. */
  long position() {
    return position;
  }

  /** Why the last {@link #next()} returned false; null at a clean end. */
  String problem() {
    return problem;
  }

  /** Where the record read last started. */
  long recordPosition() {
    return position - Records.HEADER - payloadLength;
  }

  byte type() {
    return type;
  }

  int payloadLength() {
    return payloadLength;
  }

  long payloadLong(int offset) {
    return Records.getLong(buf, payloadAt + offset);
  }

  int payloadInt(int offset) {
    return Records.getInt(buf, payloadAt + offset);
  }

  /** Copies {@code length} payload bytes from {@code offset}. */
  byte[] payloadBytes(int offset, int length) {
    return Arrays.copyOfRange(buf, payloadAt + offset, payloadAt + offset + length);
  }

  /** Copies payload bytes from {@code offset} into {@code dst}. */
  void payloadBytes(int offset, byte[] dst, int dstOffset, int length) {
    System.arraycopy(buf, payloadAt + offset, dst, dstOffset, length);
  }

  // Makes buf hold [pos, pos + n); n is at most what is left before end.
  private void fill(long pos, int n) throws IOException {
    if (pos >= bufStart && pos + n <= bufStart + bufLen) {
      return;
    }
    if (n > buf.length) {
      buf = new byte[n];
    }
    int want = (int) Math.min(buf.length, end - pos);
    ByteBuffer b = ByteBuffer.wrap(buf, 0, want);
    long at = pos;
    while (b.hasRemaining()) {
      int r = channel.read(b, at);
      if (r < 0) {
        throw new EOFException("file ended at " + at + ", before " + (pos + want));
      }
      at += r;
    }
    bufStart = pos;
    bufLen = want;
  }
}
