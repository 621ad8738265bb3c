package dev.weft.raft.storage;

import dev.weft.raft.LogEntry;
import dev.weft.raft.SnapshotMetadata;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableMap;

/**
 * The write-ahead log: a chain of segment files, each a header record followed by entry and commit
 * records, and the in-memory index of where each entry starts.
 *
 * <p><b>Writing.</b> {@link #append} frames a whole batch into one buffer, writes it with one call
 * and syncs once (group commit). A batch that would take the active segment past the segment size
 * first seals it (sync) and starts a new file, whose name is then made durable by a directory sync.
 * An append at an index the log already holds first truncates the suffix durably (later files
 * deleted and the directory synced; the file holding the index truncated and synced), so that new
 * records never overwrite old ones in place: after a crash, bytes past the last sync can only be a
 * torn tail, never a mix of old and new records.
 *
 * <p><b>Recovery</b> ({@link #recover}) reads every segment once, checks each record's checksum and
 * sequence, and the chain from segment to segment (consecutive seq numbers, each segment starting
 * where the one before ended, with the same term). A bad record in the last segment with no valid
 * record after it is a torn tail: it is truncated, with a warning. Anything else is corruption and
 * {@link StorageCorruptedException}.
 *
 * <p>Not thread-safe: used under the storage's lock.
 */
final class SegmentedLog {
  private static final int HEADER_PAYLOAD = 4 + 4 + 8 + 8 + 8;
  private static final int ENTRY_FIXED = 16;

  private final Path directory;
  private final FileIo io;
  private final long segmentSize;
  private final Stats stats;
  private final System.Logger logger;
  private final ArrayList<Segment> segments = new ArrayList<>();
  private final RecordBuffer out = new RecordBuffer(1 << 16);
  private final RecordReader reader = new RecordReader(null, 0, 0);

  // The last discarded index and its term: what precedes the first segment, or the whole log's
  // starting point when there is no segment.
  private long baseIndex;
  private long baseTerm;
  private long nextSeq;
  private long commit;
  private boolean unsynced; // a commit record was written to the active segment without a sync

  private SegmentedLog(
      Path directory, FileIo io, long segmentSize, Stats stats, System.Logger logger) {
    this.directory = directory;
    this.io = io;
    this.segmentSize = segmentSize;
    this.stats = stats;
    this.logger = logger;
  }

  /**
   * Opens the segments found in the directory, by seq, deleting those below {@code resetSeq} (left
   * over from installing a snapshot that replaced the whole log), and checks them against the
   * snapshot.
   */
  static SegmentedLog recover(
      Path directory,
      FileIo io,
      long segmentSize,
      Stats stats,
      System.Logger logger,
      NavigableMap<Long, Path> files,
      SnapshotMetadata snapshot,
      long resetSeq)
      throws IOException {
    SegmentedLog log = new SegmentedLog(directory, io, segmentSize, stats, logger);
    boolean deleted = false;
    for (var it = files.headMap(resetSeq, false).entrySet().iterator(); it.hasNext(); ) {
      Path stale = it.next().getValue();
      logger.log(
          Level.INFO,
          "deleting {0}: replaced by the snapshot at index {1,number,#} (an install was interrupted)",
          stale,
          snapshot.index());
      io.delete(stale);
      it.remove();
      deleted = true;
    }
    if (deleted) {
      stats.syncDirectory(io, directory);
    }
    long last = files.isEmpty() ? -1 : files.lastKey();
    try {
      for (var e : files.entrySet()) {
        Segment s = log.scan(e.getKey(), e.getValue(), e.getKey() == last);
        if (s != null) {
          log.link(s);
        }
      }
      log.checkAgainst(snapshot);
    } catch (IOException | RuntimeException ex) {
      log.closeQuietly();
      throw ex;
    }
    log.baseIndex = log.segments.isEmpty() ? snapshot.index() : log.segments.get(0).firstIndex - 1;
    log.baseTerm = log.segments.isEmpty() ? snapshot.term() : log.segments.get(0).prevTerm;
    long after = log.segments.isEmpty() ? 1 : log.segments.get(log.segments.size() - 1).seq + 1;
    log.nextSeq = Math.max(Math.max(1, resetSeq), after);
    if (!log.segments.isEmpty()) {
      // A crash of the process (not of the machine) leaves written but unsynced bytes in the
      // operating system's cache, where recovery reads them; sync them before the node relies on
      // them, or a later power failure could take back what it acknowledged.
      stats.force(log.segments.get(log.segments.size() - 1).channel);
    }
    return log;
  }

  // Reads one segment file; returns null if it was the last one and held nothing but a torn
  // header (the file is then deleted).
  private Segment scan(long seq, Path file, boolean isLast) throws IOException {
    FileChannel ch = io.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
    try {
      long size = ch.size();
      RecordReader r = reader.reset(ch, 0, size);
      if (!r.next()) {
        String why = r.problem() == null ? "empty segment file" : r.problem();
        if (isLast && r.findValidRecord(1) < 0) {
          logger.log(
              Level.WARNING,
              "{0}: torn segment header ({1}); deleting the file ({2,number,#} bytes)",
              file,
              why,
              size);
          ch.close();
          io.delete(file);
          stats.syncDirectory(io, directory);
          return null;
        }
        throw new StorageCorruptedException(file, 0, why);
      }
      if (r.type() != Records.SEGMENT_HEADER
          || r.payloadLength() != HEADER_PAYLOAD
          || r.payloadInt(0) != Records.MAGIC
          || r.payloadInt(4) != Records.VERSION) {
        throw new StorageCorruptedException(file, 0, "not a segment header of format 1");
      }
      if (r.payloadLong(8) != seq) {
        throw new StorageCorruptedException(
            file, 0, "the header says seq " + r.payloadLong(8) + ", the file name " + seq);
      }
      Segment s = new Segment(seq, file, r.payloadLong(16), r.payloadLong(24), ch);
      if (s.firstIndex < 1 || s.prevTerm < 0) {
        throw new StorageCorruptedException(
            file, 0, "impossible header: first index " + s.firstIndex + ", term " + s.prevTerm);
      }
      while (r.next()) {
        readRecord(s, r);
      }
      if (r.problem() == null) {
        s.size = size;
        return s;
      }
      long bad = r.position();
      if (!isLast) {
        throw new StorageCorruptedException(file, bad, r.problem() + " (not the last segment)");
      }
      long valid = r.findValidRecord(bad + 1);
      if (valid >= 0) {
        throw new StorageCorruptedException(
            file, bad, r.problem() + "; a valid record follows at byte " + valid);
      }
      logger.log(
          Level.WARNING,
          "{0}: torn tail at byte {1,number,#} ({2}); truncating {3,number,#} bytes",
          file,
          bad,
          r.problem(),
          size - bad);
      ch.truncate(bad);
      stats.force(ch);
      s.size = bad;
      return s;
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    } finally {
      reader.shrink();
    }
  }

  private void readRecord(Segment s, RecordReader r) {
    long at = r.recordPosition();
    switch (r.type()) {
      case Records.ENTRY -> {
        long index = r.payloadLong(0);
        long term = r.payloadLong(8);
        if (r.payloadLength() < ENTRY_FIXED || index != s.lastIndex() + 1) {
          throw new StorageCorruptedException(
              s.file, at, "entry " + index + " where entry " + (s.lastIndex() + 1) + " belongs");
        }
        if (term < s.lastTerm() || term < 1) {
          throw new StorageCorruptedException(
              s.file, at, "entry " + index + " has term " + term + " after term " + s.lastTerm());
        }
        s.add(term, at);
      }
      case Records.COMMIT -> {
        if (r.payloadLength() != 8 || r.payloadLong(0) < 0) {
          throw new StorageCorruptedException(s.file, at, "malformed commit record");
        }
        commit = Math.max(commit, r.payloadLong(0));
      }
      default ->
          throw new StorageCorruptedException(
              s.file, at, "record of type " + r.type() + " does not belong in a segment");
    }
  }

  private void link(Segment s) {
    if (!segments.isEmpty()) {
      Segment prev = segments.get(segments.size() - 1);
      if (s.seq != prev.seq + 1) {
        throw new StorageCorruptedException(
            s.file,
            0,
            "segment " + (prev.seq + 1) + " is missing (" + prev.file.getFileName() + " ends)");
      }
      if (s.firstIndex != prev.lastIndex() + 1 || s.prevTerm != prev.lastTerm()) {
        throw new StorageCorruptedException(
            s.file,
            0,
            "starts at index "
                + s.firstIndex
                + " after term "
                + s.prevTerm
                + ", but "
                + prev.file.getFileName()
                + " ends at index "
                + prev.lastIndex()
                + " of term "
                + prev.lastTerm()
                + " (a segment is missing or out of order)");
      }
    }
    segments.add(s);
  }

  private void checkAgainst(SnapshotMetadata snapshot) {
    if (segments.isEmpty()) {
      return;
    }
    Segment first = segments.get(0);
    Segment last = segments.get(segments.size() - 1);
    long s = snapshot.index();
    if (first.firstIndex - 1 > s) {
      throw new StorageCorruptedException(
          first.file,
          0,
          "the log starts at index "
              + first.firstIndex
              + " but "
              + (s == 0 ? "there is no snapshot" : "the snapshot covers only up to " + s)
              + ": a segment is missing");
    }
    if (s > last.lastIndex()) {
      throw new StorageCorruptedException(
          last.file,
          last.size,
          "the log ends at index " + last.lastIndex() + ", before the snapshot's index " + s);
    }
    Segment holder = segmentOf(Math.max(s, first.firstIndex));
    long term = s == first.firstIndex - 1 ? first.prevTerm : holder.term(s);
    if (term != snapshot.term()) {
      throw new StorageCorruptedException(
          holder.file,
          s >= holder.firstIndex ? holder.position(s) : 0,
          "entry " + s + " has term " + term + " but the snapshot says " + snapshot.term());
    }
  }

  long firstIndex() {
    return segments.isEmpty() ? baseIndex + 1 : segments.get(0).firstIndex;
  }

  long lastIndex() {
    return segments.isEmpty() ? baseIndex : segments.get(segments.size() - 1).lastIndex();
  }

  long lastTerm() {
    return segments.isEmpty() ? baseTerm : segments.get(segments.size() - 1).lastTerm();
  }

  /** The highest commit index found in or written to the log. */
  long commit() {
    return commit;
  }

  /** The seq the next new segment will have; every existing segment has a lower one. */
  long nextSeq() {
    return nextSeq;
  }

  int segmentCount() {
    return segments.size();
  }

  long term(long index) {
    if (index < firstIndex() - 1 || index > lastIndex()) {
      throw new IndexOutOfBoundsException(
          "index " + index + " outside [" + (firstIndex() - 1) + ", " + lastIndex() + "]");
    }
    if (segments.isEmpty()) {
      return baseTerm;
    }
    Segment first = segments.get(0);
    if (index == first.firstIndex - 1) {
      return first.prevTerm;
    }
    return segmentOf(index).term(index);
  }

  // The segment holding index, which is in [firstIndex(), lastIndex()].
  private Segment segmentOf(long index) {
    int lo = 0;
    int hi = segments.size() - 1;
    while (lo < hi) {
      int mid = (lo + hi + 1) >>> 1;
      if (segments.get(mid).firstIndex <= index) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return segments.get(lo);
  }

  /**
   * Appends consecutive entries, the first at most {@code lastIndex() + 1}, then a commit record if
   * {@code commitAfter} is not negative; durable on return.
   *
   * @return bytes written
   */
  long append(List<LogEntry> entries, long commitAfter) throws IOException {
    long first = entries.get(0).index();
    if (first <= lastIndex()) {
      truncateFrom(first);
    }
    Segment active = segments.isEmpty() ? null : segments.get(segments.size() - 1);
    long prevTerm = lastTerm();
    boolean created = false;
    long written = 0;
    for (LogEntry e : entries) {
      long record = Records.HEADER + ENTRY_FIXED + (long) e.size();
      if (active == null
          || (active.count() > 0 && active.size + out.size() + record > segmentSize)) {
        if (active != null) {
          written += flush(active);
          stats.force(active.channel);
        }
        active = create(e.index(), prevTerm);
        created = true;
      }
      long position = active.size + out.size();
      byte[] data = e.data();
      out.begin(Records.ENTRY).putLong(e.index()).putLong(e.term()).put(data, 0, data.length).end();
      active.add(e.term(), position);
      prevTerm = e.term();
    }
    if (commitAfter >= 0) {
      out.begin(Records.COMMIT).putLong(commitAfter).end();
      commit = Math.max(commit, commitAfter);
    }
    written += flush(active);
    stats.force(active.channel);
    unsynced = false;
    if (created) {
      stats.syncDirectory(io, directory);
    }
    return written;
  }

  /**
   * Writes a commit record to the active segment, synced if {@code sync}.
   *
   * @return false if there is no segment to write it to (the log is empty)
   */
  boolean writeCommit(long index, boolean sync) throws IOException {
    if (segments.isEmpty()) {
      return false;
    }
    Segment active = segments.get(segments.size() - 1);
    out.begin(Records.COMMIT).putLong(index).end();
    stats.wrote(flush(active));
    commit = Math.max(commit, index);
    if (sync) {
      stats.force(active.channel);
    }
    unsynced = !sync;
    return true;
  }

  /** Syncs the active segment if something was written to it without a sync. */
  void sync() throws IOException {
    if (unsynced && !segments.isEmpty()) {
      stats.force(segments.get(segments.size() - 1).channel);
      unsynced = false;
    }
  }

  private Segment create(long firstIndex, long prevTerm) throws IOException {
    long seq = nextSeq++;
    Path file = directory.resolve(Segment.name(seq));
    FileChannel ch =
        io.open(
            file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE);
    Segment s = new Segment(seq, file, firstIndex, prevTerm, ch);
    out.begin(Records.SEGMENT_HEADER)
        .putInt(Records.MAGIC)
        .putInt(Records.VERSION)
        .putLong(seq)
        .putLong(firstIndex)
        .putLong(prevTerm)
        .end();
    if (commit > 0) {
      // carried into every new segment, so that deleting old ones never loses the commit index
      out.begin(Records.COMMIT).putLong(commit).end();
    }
    segments.add(s);
    return s;
  }

  private long flush(Segment s) throws IOException {
    int n = out.size();
    out.writeTo(s.channel, s.size);
    s.size += n;
    return n;
  }

  /** Removes entries from {@code index} on, durably, before anything new is written. */
  private void truncateFrom(long index) throws IOException {
    boolean deleted = false;
    while (!segments.isEmpty() && segments.get(segments.size() - 1).firstIndex >= index) {
      Segment s = segments.remove(segments.size() - 1);
      if (segments.isEmpty()) {
        baseIndex = s.firstIndex - 1;
        baseTerm = s.prevTerm;
      }
      s.close();
      io.delete(s.file);
      nextSeq = s.seq;
      deleted = true;
    }
    if (deleted) {
      stats.syncDirectory(io, directory);
    }
    if (!segments.isEmpty()) {
      Segment s = segments.get(segments.size() - 1);
      if (s.lastIndex() >= index) {
        long at = s.forgetFrom(index);
        s.channel.truncate(at);
        s.size = at;
        stats.force(s.channel); // before anything new is written where the old records were
      }
    }
  }

  /** Deletes whole segments holding only entries up to {@code upTo}; never the last one. */
  void compact(long upTo) throws IOException {
    boolean deleted = false;
    while (segments.size() > 1 && segments.get(0).lastIndex() <= upTo) {
      Segment s = segments.remove(0);
      baseIndex = s.lastIndex();
      baseTerm = s.lastTerm();
      s.close();
      io.delete(s.file);
      deleted = true;
    }
    if (deleted) {
      stats.syncDirectory(io, directory);
    }
  }

  /** Deletes every segment: the log restarts after ({@code index}, {@code term}). */
  void reset(long index, long term) throws IOException {
    while (!segments.isEmpty()) {
      Segment s = segments.remove(segments.size() - 1);
      s.close();
      io.delete(s.file);
    }
    stats.syncDirectory(io, directory);
    unsynced = false;
    baseIndex = index;
    baseTerm = term;
  }

  /**
   * Reads entries {@code [from, to)} from disk into {@code into}, within {@code budget}; {@code
   * from} is at least {@link #firstIndex()}.
   */
  void read(long from, long to, ReadBudget budget, List<LogEntry> into) throws IOException {
    long i = from;
    while (i < to && !budget.full()) {
      Segment s = segmentOf(i);
      RecordReader r = reader.reset(s.channel, s.position(i), s.size);
      long stop = Math.min(to, s.lastIndex() + 1);
      while (i < stop && !budget.full()) {
        if (!r.next()) {
          String why = r.problem() == null ? "entry " + i + " is missing" : r.problem();
          throw new StorageCorruptedException(s.file, r.position(), why);
        }
        if (r.type() == Records.COMMIT) {
          continue;
        }
        if (r.type() != Records.ENTRY || r.payloadLength() < ENTRY_FIXED || r.payloadLong(0) != i) {
          throw new StorageCorruptedException(
              s.file, r.recordPosition(), "expected entry " + i + ", found another record");
        }
        int dataLength = r.payloadLength() - ENTRY_FIXED;
        if (!budget.admits(dataLength, into)) {
          break;
        }
        into.add(new LogEntry(i, r.payloadLong(8), r.payloadBytes(ENTRY_FIXED, dataLength)));
        i++;
      }
    }
    reader.shrink();
  }

  /** The segments' files, oldest first (for tests and diagnostics). */
  List<Path> files() {
    List<Path> out = new ArrayList<>();
    for (Segment s : segments) {
      out.add(s.file);
    }
    return out;
  }

  void close() throws IOException {
    IOException first = null;
    for (Segment s : segments) {
      try {
        s.close();
      } catch (IOException e) {
        if (first == null) {
          first = e;
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }

  private void closeQuietly() {
    try {
      close();
    } catch (IOException e) {
      // recovery failed already; the first failure is the one reported
    }
  }
}
