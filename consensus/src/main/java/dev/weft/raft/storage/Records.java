package dev.weft.raft.storage;

import java.util.zip.CRC32C;

/**
 * The framing every file of a {@link FileStorage} is made of: a record is a 9-byte header (payload
 * length, CRC32C, type) followed by its payload. All integers are big-endian.
 *
 * <pre>
 *   offset 0: u32 length of the payload
 *   offset 4: u32 CRC32C of bytes 0-3 (the length), byte 8 (the type) and the payload
 *   offset 8: u8  type
 *   offset 9: payload
 * </pre>
 *
 * The checksum covers the length, so a damaged length is caught; and an all-zero header (what a
 * file system may leave after a crash) never checks, since no type is 0.
 */
final class Records {
  /** Bytes before the payload. */
  static final int HEADER = 9;

  /** The largest payload a reader accepts. */
  static final int MAX_PAYLOAD = Integer.MAX_VALUE - 64;

  /** "WEFT": the first field of a segment and a snapshot header. */
  static final int MAGIC = 0x57454654;

  /** The format version this code writes and reads. */
  static final int VERSION = 1;

  /** Segment header: magic u32, version u32, seq u64, first index u64, previous term u64. */
  static final byte SEGMENT_HEADER = 1;

  /** Log entry: index u64, term u64, data. */
  static final byte ENTRY = 2;

  /** Commit index: u64. */
  static final byte COMMIT = 3;

  /** Hard state: term u64, commit u64, vote length i32 (-1: none), vote UTF-8. */
  static final byte HARD_STATE = 4;

  /** Snapshot header: magic u32, version u32, index u64, term u64, configuration. */
  static final byte SNAPSHOT_HEADER = 5;

  /** A chunk of a snapshot's data. */
  static final byte SNAPSHOT_DATA = 6;

  /** Snapshot end: data length u64, chunk count u64, reset seq u64. */
  static final byte SNAPSHOT_END = 7;

  private Records() {}

  static boolean knownType(byte type) {
    return type >= SEGMENT_HEADER && type <= SNAPSHOT_END;
  }

  /**
   * The checksum of the record that starts at {@code start} in {@code buf} with a payload of {@code
   * length} bytes.
   */
  static int checksum(byte[] buf, int start, int length) {
    CRC32C crc = new CRC32C();
    crc.update(buf, start, 4);
    crc.update(buf, start + 8, 1 + length);
    return (int) crc.getValue();
  }

  static int getInt(byte[] b, int at) {
    return ((b[at] & 0xff) << 24)
        | ((b[at + 1] & 0xff) << 16)
        | ((b[at + 2] & 0xff) << 8)
        | (b[at + 3] & 0xff);
  }

  static long getLong(byte[] b, int at) {
    return ((long) getInt(b, at) << 32) | (getInt(b, at + 4) & 0xffffffffL);
  }

  static void putInt(byte[] b, int at, int v) {
    b[at] = (byte) (v >>> 24);
    b[at + 1] = (byte) (v >>> 16);
    b[at + 2] = (byte) (v >>> 8);
    b[at + 3] = (byte) v;
  }

  static void putLong(byte[] b, int at, long v) {
    putInt(b, at, (int) (v >>> 32));
    putInt(b, at + 4, (int) v);
  }
}
