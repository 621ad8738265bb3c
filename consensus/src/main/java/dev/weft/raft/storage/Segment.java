package dev.weft.raft.storage;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * One file of the log, and what is kept in memory about it: where each entry's record starts (4
 * bytes per entry) and the terms, as runs (one pair of longs per change of term). The data stays on
 * disk.
 *
 * <p>A segment holds entries {@code firstIndex .. lastIndex()}; {@code prevTerm} is the term of the
 * entry before its first, so the term of {@code firstIndex - 1} is known even once the segments
 * before it are deleted. Not thread-safe: used under the storage's lock.
 */
final class Segment {
  /** Segment files are named {@code segment-<seq, 20 digits>.wal}. */
  static final String PREFIX = "segment-";

  static final String SUFFIX = ".wal";

  final long seq;
  final Path file;
  final long firstIndex;
  final long prevTerm;
  final FileChannel channel;

  /** Bytes of valid records; the next record is written here. */
  long size;

  private int count;
  private int[] positions = new int[64];
  private long[] runStart = new long[4];
  private long[] runTerm = new long[4];
  private int runs;

  Segment(long seq, Path file, long firstIndex, long prevTerm, FileChannel channel) {
    this.seq = seq;
    this.file = file;
    this.firstIndex = firstIndex;
    this.prevTerm = prevTerm;
    this.channel = channel;
  }

  static String name(long seq) {
    return PREFIX + String.format("%020d", seq) + SUFFIX;
  }

  /** The seq a segment file name carries, or -1 if the name is not a segment's. */
  static long parseSeq(String name) {
    if (!name.startsWith(PREFIX)
        || !name.endsWith(SUFFIX)
        || name.length() != PREFIX.length() + 20 + SUFFIX.length()) {
      return -1;
    }
    String digits = name.substring(PREFIX.length(), PREFIX.length() + 20);
    for (int i = 0; i < digits.length(); i++) {
      if (!Character.isDigit(digits.charAt(i))) {
        return -1;
      }
    }
    try {
      return Long.parseLong(digits);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  int count() {
    return count;
  }

  long lastIndex() {
    return firstIndex + count - 1;
  }

  long lastTerm() {
    return runs == 0 ? prevTerm : runTerm[runs - 1];
  }

  /** Records that the next entry, of {@code term}, starts at {@code position}. */
  void add(long term, long position) {
    if (position > Integer.MAX_VALUE) {
      throw new IllegalStateException("segment " + file + " is over 2 GiB");
    }
    if (count == positions.length) {
      positions = Arrays.copyOf(positions, count * 2);
    }
    positions[count] = (int) position;
    if (runs == 0 || runTerm[runs - 1] != term) {
      if (runs == runTerm.length) {
        runStart = Arrays.copyOf(runStart, runs * 2);
        runTerm = Arrays.copyOf(runTerm, runs * 2);
      }
      runStart[runs] = firstIndex + count;
      runTerm[runs] = term;
      runs++;
    }
    count++;
  }

  /** The term of {@code index}, from {@code firstIndex - 1} to {@link #lastIndex()}. */
  long term(long index) {
    if (index == firstIndex - 1) {
      return prevTerm;
    }
    int lo = 0;
    int hi = runs - 1;
    while (lo < hi) {
      int mid = (lo + hi + 1) >>> 1;
      if (runStart[mid] <= index) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return runTerm[lo];
  }

  /** Where the record of {@code index} starts. */
  long position(long index) {
    return positions[(int) (index - firstIndex)];
  }

  /** Forgets the entries from {@code index} on; returns where the first of them started. */
  long forgetFrom(long index) {
    long pos = position(index);
    count = (int) (index - firstIndex);
    while (runs > 0 && runStart[runs - 1] >= index) {
      runs--;
    }
    return pos;
  }

  void close() throws IOException {
    channel.close();
  }

  @Override
  public String toString() {
    return file.getFileName() + "[" + firstIndex + ".." + lastIndex() + ", " + size + " bytes]";
  }
}
