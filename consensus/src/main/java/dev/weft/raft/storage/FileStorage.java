package dev.weft.raft.storage;

import dev.weft.raft.HardState;
import dev.weft.raft.LogEntry;
import dev.weft.raft.MutableStorage;
import dev.weft.raft.Snapshot;
import dev.weft.raft.SnapshotMetadata;
import dev.weft.raft.SnapshotReader;
import dev.weft.raft.SnapshotWriter;
import dev.weft.raft.internal.jfr.RaftSnapshotEvent;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A durable {@link MutableStorage} in a directory: a segmented write-ahead log, the hard state and
 * the latest snapshot, each record checksummed, recovered on {@link #open}.
 *
 * {@snippet :
 * try (FileStorage storage = FileStorage.open(Path.of("/var/lib/myservice/raft"))) {
 *   RaftServer server = RaftServer.start(config, storage, stateMachine, transport, options);
 *   // ...
 *   server.close();
 * }
 * }
 *
 * <p><b>Durability.</b> {@link #append}, {@link #setHardState} and {@link #save} are durable when
 * they return, with one exception documented on {@link MutableStorage#save} (a change of the commit
 * index alone, which {@code save} writes without waiting). {@link #save} makes a whole Ready
 * durable with one {@code fsync} however many entries it carries (group commit); a change of term
 * or vote costs two more (the hard state file is replaced atomically), as does the first write to a
 * new segment file. {@link #stats()} counts them.
 *
 * <p><b>Recovery.</b> {@link #open} reads the whole log once. A torn tail (the last record of the
 * last segment cut short or failing its checksum, with no valid record after it) is what a crash
 * during a write leaves: it is truncated, with a WARNING on the logger, and the storage opens with
 * the valid prefix. A record failing its checksum with valid data after it, a segment missing or
 * out of order, or an unreadable hard state or snapshot header make {@code open} throw {@link
 * StorageCorruptedException}, naming the file and byte offset: nothing is repaired silently.
 * Leftover temporary files of an interrupted atomic replace are deleted, with an INFO line.
 *
 * <p><b>Locking.</b> The directory is locked ({@code FileChannel.tryLock} on the file {@value
 * #LOCK}, and a table of directories open in this process) while open: a second {@code open}, in
 * this process or another, throws {@link StorageLockedException}. {@link #close()} releases it, as
 * does the death of the process.
 *
 * <p><b>Memory.</b> The log's data stays on disk. In memory: 4 bytes per entry (where its record
 * starts) plus two longs per change of term, and a cache of the most recent entries bounded by
 * {@link Options#cacheBytes()} (8 MiB by default), which serves a leader's reads for followers that
 * lag a little. Older entries are read from the segment files, with positional reads, and checked.
 *
 * <p><b>Threads.</b> Thread-safe: every method holds the storage's lock. A {@link SnapshotWriter}
 * writes its data without the lock, so a snapshot can be written by another thread while the node's
 * loop goes on. <b>Failures.</b> After an I/O error while writing, the storage is failed: every
 * later call throws {@link IllegalStateException} with that error as its cause, since what reached
 * the disk is then unknown (a failed {@code fsync} cannot be retried safely); close it and open it
 * again to recover from what is on disk. After {@link #close()}, every call but {@code close}
 * throws {@link IllegalStateException}.
 */
public final class FileStorage implements MutableStorage, AutoCloseable {
  /*
   * Implementation overview.
   *
   *   <directory>/LOCK                           held with tryLock while open
   *   <directory>/hardstate                      one HARD_STATE record (atomic replace)
   *   <directory>/snapshot                       SNAPSHOT_HEADER, SNAPSHOT_DATA..., SNAPSHOT_END
   *   <directory>/segment-<seq, 20 digits>.wal   SEGMENT_HEADER, then ENTRY and COMMIT records
   *
   * Every file is a sequence of records framed by Records: length, CRC32C, type. The term and
   * vote live in the hard state file, replaced atomically when they change (rare: elections). The
   * commit index changes with almost every Ready, so it travels as COMMIT records in the log,
   * written after the entries of the same batch and covered by the same fsync; on recovery the
   * commit index is the highest found in the hard state file and the log (it only grows), and at
   * least the snapshot's index. Each new segment starts with a COMMIT record of the current
   * commit index, so deleting old segments never loses it.
   *
   * When the term or vote changes together with new entries, the hard state file is written
   * first, with the commit index capped below the first index the batch writes, so that a crash
   * between the two writes leaves a node that has learned a new term but not its entries (the
   * ordinary state of a follower, never a log with entries of a term newer than the node's own),
   * and never a commit index that covers old entries the batch was replacing.
   *
   * Snapshots: SnapshotFile. A snapshot whose last entry the log does not hold replaces the whole
   * log (Raft Figure 13): its end record carries the seq the new log's segments start from, the
   * file is renamed into place, then the old segments are deleted; a crash in between is finished
   * on recovery, by seq, with no guessing. Compaction deletes whole segments from the front,
   * keeping the last one and Options.retainedEntries entries before the index asked for.
   *
   * This follows etcd's WAL (records with checksums, segment files, a torn tail repaired only at
   * the end of the last file) and Apache Ratis's SegmentedRaftLog (an index of entry positions,
   * a cache of recent entries, segments named by position), with two differences: the hard state
   * is a file of its own rather than records in the log, and a conflicting append truncates the
   * files durably instead of appending records that supersede earlier ones.
   */

  /** The name of the lock file in the storage directory. */
  public static final String LOCK = "LOCK";

  private static final String LOGGER_NAME = "dev.weft.raft.storage";

  // Directories open in this process, on the real file system. A POSIX lock is released when the
  // process closes any descriptor of the file, so a second open here must be refused before it
  // opens the lock file at all, or refusing it would release the first one's lock.
  private static final Set<Path> OPEN_HERE = ConcurrentHashMap.newKeySet();

  private final Path directory;
  private final Options options;
  private final FileIo io;
  private final System.Logger logger;
  private final Stats stats;
  private final FileChannel lockChannel;
  private final FileLock lock;
  private final SegmentedLog log;
  private final EntryCache cache;
  private final Path openKey; // in OPEN_HERE while open, or null

  private HardState hardState; // as last given, or recovered
  private HardState fileState; // the term and vote the hard state file holds
  private SnapshotFile.Info snapshot; // null if none
  private long tempCounter;
  private boolean closed;
  private Throwable failure;

  /**
   * How a {@link FileStorage} is laid out and what it keeps in memory. Immutable: start from {@link
   * #defaults()} and change options with the {@code with...} methods.
   *
   * @param segmentSize the size at which a log segment file is closed and a new one started, in
   *     bytes (a single larger record gets a segment of its own)
   * @param retainedEntries how many entries before the index given to {@link #compact} are kept,
   *     for followers that lag a little behind the snapshot
   * @param cacheBytes the memory budget of the cache of recent entries; 0 for none
   * @param io the file operations, {@link FileIo#system()} unless a test simulates a disk
   * @param logger where recovery and compaction are logged
   */
  public record Options(
      long segmentSize, long retainedEntries, long cacheBytes, FileIo io, System.Logger logger) {
    /** The smallest segment size accepted. */
    public static final long MIN_SEGMENT_SIZE = 256;

    /** The largest segment size accepted (entry positions are kept as 4-byte offsets). */
    public static final long MAX_SEGMENT_SIZE = 1L << 30;

    /**
     * Checks the options.
     *
     * @param segmentSize from {@value #MIN_SEGMENT_SIZE} to {@value #MAX_SEGMENT_SIZE}
     * @param retainedEntries zero or more
     * @param cacheBytes zero or more
     * @param io the file operations
     * @param logger the logger
     * @throws IllegalArgumentException if a number is out of range
     * @throws NullPointerException if {@code io} or {@code logger} is null
     */
    public Options {
      Objects.requireNonNull(io, "io");
      Objects.requireNonNull(logger, "logger");
      if (segmentSize < MIN_SEGMENT_SIZE || segmentSize > MAX_SEGMENT_SIZE) {
        throw new IllegalArgumentException(
            "segmentSize must be in ["
                + MIN_SEGMENT_SIZE
                + ", "
                + MAX_SEGMENT_SIZE
                + "]: "
                + segmentSize);
      }
      if (retainedEntries < 0) {
        throw new IllegalArgumentException(
            "retainedEntries must not be negative: " + retainedEntries);
      }
      if (cacheBytes < 0) {
        throw new IllegalArgumentException("cacheBytes must not be negative: " + cacheBytes);
      }
    }

    /**
     * The defaults: 64 MiB segments, 5,000 retained entries (etcd's catch-up tail), an 8 MiB cache,
     * the real file system, and the logger {@code dev.weft.raft.storage}.
     *
     * @return the default options
     */
    public static Options defaults() {
      return new Options(
          64L << 20, 5_000, 8L << 20, FileIo.system(), System.getLogger(LOGGER_NAME));
    }

    /**
     * Returns these options with another segment size.
     *
     * @param bytes the segment size
     * @return the new options
     * @throws IllegalArgumentException if out of range
     */
    public Options withSegmentSize(long bytes) {
      return new Options(bytes, retainedEntries, cacheBytes, io, logger);
    }

    /**
     * Returns these options with another compaction tail.
     *
     * @param entries how many entries before a compaction index to keep
     * @return the new options
     * @throws IllegalArgumentException if negative
     */
    public Options withRetainedEntries(long entries) {
      return new Options(segmentSize, entries, cacheBytes, io, logger);
    }

    /**
     * Returns these options with another cache budget.
     *
     * @param bytes the budget, 0 for no cache
     * @return the new options
     * @throws IllegalArgumentException if negative
     */
    public Options withCacheBytes(long bytes) {
      return new Options(segmentSize, retainedEntries, bytes, io, logger);
    }

    /**
     * Returns these options with other file operations.
     *
     * @param io the file operations
     * @return the new options
     */
    public Options withIo(FileIo io) {
      return new Options(segmentSize, retainedEntries, cacheBytes, io, logger);
    }

    /**
     * Returns these options with another logger.
     *
     * @param logger the logger
     * @return the new options
     */
    public Options withLogger(System.Logger logger) {
      return new Options(segmentSize, retainedEntries, cacheBytes, io, logger);
    }
  }

  private FileStorage(
      Path directory,
      Options options,
      Stats stats,
      FileChannel lockChannel,
      FileLock lock,
      SegmentedLog log,
      HardState fileState,
      SnapshotFile.Info snapshot,
      Path openKey) {
    this.directory = directory;
    this.openKey = openKey;
    this.options = options;
    this.io = options.io();
    this.logger = options.logger();
    this.stats = stats;
    this.lockChannel = lockChannel;
    this.lock = lock;
    this.log = log;
    this.cache = new EntryCache(options.cacheBytes());
    this.fileState = fileState;
    this.hardState =
        new HardState(
            fileState.term(), fileState.votedFor(), Math.max(fileState.commit(), log.commit()));
    this.snapshot = snapshot;
  }

  /**
   * Opens the storage in {@code directory} with the default options: creates the directory and an
   * empty log if there is none, otherwise recovers what is there.
   *
   * @param directory the storage directory; created if missing
   * @return the open storage
   * @throws StorageCorruptedException if what is there is damaged beyond a torn tail
   * @throws StorageLockedException if the directory is open already, here or in another process
   * @throws UncheckedIOException if the files cannot be read or written
   * @throws NullPointerException if {@code directory} is null
   */
  public static FileStorage open(Path directory) {
    return open(directory, Options.defaults());
  }

  /**
   * Opens the storage in {@code directory}, as {@link #open(Path)} does, with {@code options}.
   *
   * @param directory the storage directory; created if missing
   * @param options segment size, compaction tail, cache and file operations
   * @return the open storage
   * @throws StorageCorruptedException if what is there is damaged beyond a torn tail
   * @throws StorageLockedException if the directory is open already, here or in another process
   * @throws UncheckedIOException if the files cannot be read or written
   * @throws NullPointerException if an argument is null
   */
  public static FileStorage open(Path directory, Options options) {
    Objects.requireNonNull(directory, "directory");
    Objects.requireNonNull(options, "options");
    Path dir = directory.toAbsolutePath().normalize();
    FileIo io = options.io();
    FileChannel lockChannel = null;
    FileLock lock = null;
    SegmentedLog log = null;
    Path key = null;
    try {
      io.createDirectories(dir);
      if (io == SystemFileIo.INSTANCE) {
        key = dir.toRealPath();
        if (!OPEN_HERE.add(key)) {
          key = null;
          throw new StorageLockedException(dir);
        }
      }
      lockChannel = io.open(dir.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      try {
        lock = lockChannel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null;
      }
      if (lock == null) {
        throw new StorageLockedException(dir);
      }
      Stats stats = new Stats(dir.toString());
      Recovery found = Recovery.scan(dir, io, options.logger());
      HardState fileState = found.hardState(stats);
      log =
          SegmentedLog.recover(
              dir,
              io,
              options.segmentSize(),
              stats,
              options.logger(),
              found.segments,
              found.snapshot == null ? SnapshotMetadata.EMPTY : found.snapshot.metadata(),
              found.snapshot == null ? 0 : found.snapshot.resetSeq());
      stats.syncDirectory(io, dir); // names recovered from the cache become durable too
      FileStorage storage =
          new FileStorage(
              dir, options, stats, lockChannel, lock, log, fileState, found.snapshot, key);
      options
          .logger()
          .log(
              Level.INFO,
              "opened {0}: entries {1,number,#}..{2,number,#} in {3} segments, snapshot at {4,number,#}, {5}",
              dir,
              storage.firstIndex(),
              storage.lastIndex(),
              log.segmentCount(),
              found.snapshot == null ? 0 : found.snapshot.metadata().index(),
              storage.hardState);
      return storage;
    } catch (IOException e) {
      closeQuietly(log, lock, lockChannel, key);
      throw new UncheckedIOException("cannot open the storage in " + dir, e);
    } catch (RuntimeException | Error e) {
      closeQuietly(log, lock, lockChannel, key);
      throw e;
    }
  }

  /** What {@link #open} finds in the directory before it reads the log. */
  private static final class Recovery {
    final NavigableMap<Long, Path> segments = new TreeMap<>();
    Path hardStateFile;
    SnapshotFile.Info snapshot;
    Path directory;
    FileIo io;
    System.Logger logger;

    static Recovery scan(Path dir, FileIo io, System.Logger logger) throws IOException {
      Recovery r = new Recovery();
      r.directory = dir;
      r.io = io;
      r.logger = logger;
      Path snapshotFile = null;
      for (Path p : io.list(dir)) {
        String name = p.getFileName().toString();
        long seq = Segment.parseSeq(name);
        if (seq >= 0) {
          r.segments.put(seq, p);
        } else if (name.equals(HardStateFile.NAME)) {
          r.hardStateFile = p;
        } else if (name.equals(SnapshotFile.NAME)) {
          snapshotFile = p;
        } else if (name.equals(HardStateFile.TEMP)
            || (name.startsWith(SnapshotFile.TEMP_PREFIX)
                && name.endsWith(SnapshotFile.TEMP_SUFFIX))) {
          logger.log(Level.INFO, "deleting {0}, left by an interrupted write", p);
          io.delete(p);
        }
      }
      if (snapshotFile != null) {
        try (FileChannel ch = io.open(snapshotFile, StandardOpenOption.READ)) {
          r.snapshot = SnapshotFile.read(ch, snapshotFile);
        }
      }
      return r;
    }

    HardState hardState(Stats stats) throws IOException {
      if (hardStateFile != null) {
        return HardStateFile.read(io, hardStateFile);
      }
      if (!segments.isEmpty() || snapshot != null) {
        throw new StorageCorruptedException(
            directory.resolve(HardStateFile.NAME),
            0,
            "missing, but the directory holds a "
                + (segments.isEmpty() ? "snapshot" : "log")
                + " (the hard state is written before anything else)");
      }
      logger.log(Level.INFO, "creating a new log in {0}", directory);
      HardStateFile.write(io, directory, HardState.EMPTY, stats);
      return HardState.EMPTY;
    }
  }

  // ---- writes

  /**
   * Appends entries durably, with one {@code fsync}: an entry at an index that already exists
   * replaces it and every entry after it (the old suffix is removed durably first); entries at
   * indexes the snapshot covers are skipped.
   *
   * @param entries consecutive entries, the first at most {@code lastIndex() + 1}; may be empty
   * @throws IllegalArgumentException if the indexes are not consecutive or leave a gap
   * @throws UncheckedIOException if the write fails (the storage is then failed)
   * @throws IllegalStateException if the storage is closed or failed
   * @throws NullPointerException if the list or an entry is null
   */
  @Override
  public void append(List<LogEntry> entries) {
    save(null, entries);
  }

  /**
   * Replaces the hard state durably: a new term or vote replaces the hard state file atomically
   * (two {@code fsync}s); a new commit index alone is a record in the log (one).
   *
   * @param state the new hard state
   * @throws UncheckedIOException if the write fails (the storage is then failed)
   * @throws IllegalStateException if the storage is closed or failed
   * @throws NullPointerException if {@code state} is null
   */
  @Override
  public synchronized void setHardState(HardState state) {
    Objects.requireNonNull(state, "state");
    ensureOpen();
    try {
      if (termOrVoteChanged(state)) {
        writeHardStateFile(state);
      } else if (state.commit() != hardState.commit()) {
        writeCommit(state.commit(), true);
      } else {
        log.sync(); // the same commit index may have been saved without a sync
      }
      hardState = state;
    } catch (IOException e) {
      throw fail(e);
    }
  }

  /**
   * Saves a Ready's entries and hard state with one {@code fsync} for the entries and the commit
   * index, plus two if the term or vote changed. A hard state that differs from the stored one only
   * in its commit index is written without an {@code fsync} of its own when there are no entries
   * (see {@link MutableStorage#save}).
   *
   * @param hardState the new hard state, or null if unchanged
   * @param entries the entries, as for {@link #append}
   * @throws IllegalArgumentException if the indexes are not consecutive or leave a gap
   * @throws UncheckedIOException if the write fails (the storage is then failed)
   * @throws IllegalStateException if the storage is closed or failed
   * @throws NullPointerException if the list or an entry is null
   */
  @Override
  public synchronized void save(HardState hardState, List<LogEntry> entries) {
    List<LogEntry> fresh = checkAndSkipCovered(entries);
    ensureOpen();
    try {
      boolean termOrVote = hardState != null && termOrVoteChanged(hardState);
      // The hard state file is written before the entries, so its commit index must not cover an
      // index this batch replaces: a crash before the entries are written would commit the old
      // entries there.
      long safe = fresh.isEmpty() ? log.lastIndex() : fresh.get(0).index() - 1;
      long known = Math.max(fileOrLogCommit(), hardState == null ? 0 : hardState.commit());
      boolean truncates = !fresh.isEmpty() && fresh.get(0).index() <= log.lastIndex();
      if (termOrVote) {
        writeHardStateFile(
            new HardState(hardState.term(), hardState.votedFor(), Math.min(known, safe)));
      } else if (truncates && fileState.commit() < Math.min(fileOrLogCommit(), safe)) {
        // the commit records in the suffix being cut off would take the commit index with them
        writeHardStateFile(
            new HardState(
                fileState.term(), fileState.votedFor(), Math.min(fileOrLogCommit(), safe)));
      }
      long newCommit = hardState == null ? -1 : hardState.commit();
      boolean commitChanged = hardState != null && newCommit != fileOrLogCommit();
      if (!fresh.isEmpty()) {
        long bytes = log.append(fresh, commitChanged ? newCommit : -1);
        stats.saved(fresh.size(), bytes);
        cache.truncateFrom(fresh.get(0).index());
        for (LogEntry e : fresh) {
          cache.add(e);
        }
      } else if (commitChanged) {
        writeCommit(newCommit, false);
      }
      if (hardState != null) {
        this.hardState = hardState;
      }
    } catch (IOException e) {
      throw fail(e);
    }
  }

  private boolean termOrVoteChanged(HardState state) {
    return state.term() != fileState.term()
        || !Objects.equals(state.votedFor(), fileState.votedFor());
  }

  // The commit index the disk will show after a crash, as far as this storage has written it.
  private long fileOrLogCommit() {
    return Math.max(fileState.commit(), log.commit());
  }

  private void writeHardStateFile(HardState state) throws IOException {
    HardStateFile.write(io, directory, state, stats);
    fileState = state;
  }

  private void writeCommit(long commit, boolean sync) throws IOException {
    if (!log.writeCommit(commit, sync)) {
      writeHardStateFile(new HardState(fileState.term(), fileState.votedFor(), commit));
    }
  }

  private List<LogEntry> checkAndSkipCovered(List<LogEntry> entries) {
    Objects.requireNonNull(entries, "entries");
    if (entries.isEmpty()) {
      return entries;
    }
    long first = Objects.requireNonNull(entries.get(0), "entry").index();
    for (int i = 1; i < entries.size(); i++) {
      if (Objects.requireNonNull(entries.get(i), "entry").index() != first + i) {
        throw new IllegalArgumentException("entries are not consecutive: " + entries);
      }
    }
    ensureOpen();
    if (first > log.lastIndex() + 1) {
      throw new IllegalArgumentException(
          "gap: first entry " + first + " after last index " + log.lastIndex());
    }
    if (first < 1) {
      throw new IllegalArgumentException("entry index " + first + " is below 1");
    }
    long covered = Math.max(log.firstIndex() - 1, snapshotIndex());
    int skip = (int) Math.min(entries.size(), Math.max(0, covered + 1 - first));
    return entries.subList(skip, entries.size());
  }

  // ---- reads

  @Override
  public synchronized HardState hardState() {
    ensureOpen();
    long s = snapshotIndex();
    if (hardState.commit() >= s) {
      return hardState;
    }
    return new HardState(hardState.term(), hardState.votedFor(), s);
  }

  @Override
  public synchronized long firstIndex() {
    ensureOpen();
    return log.firstIndex();
  }

  @Override
  public synchronized long lastIndex() {
    ensureOpen();
    return log.lastIndex();
  }

  @Override
  public synchronized long term(long index) {
    ensureOpen();
    return log.term(index);
  }

  /**
   * Returns entries {@code [from, to)} within a byte budget, from the cache of recent entries or
   * from the segment files; each record read from disk is checked.
   *
   * @throws StorageCorruptedException if a record read from disk is damaged
   * @throws UncheckedIOException if the read fails
   */
  @Override
  public synchronized List<LogEntry> entries(long from, long to, long maxBytes) {
    ensureOpen();
    if (from < log.firstIndex() || to > log.lastIndex() + 1 || from > to) {
      throw new IndexOutOfBoundsException(
          "range ["
              + from
              + ", "
              + to
              + ") outside ["
              + log.firstIndex()
              + ", "
              + log.lastIndex()
              + "]");
    }
    List<LogEntry> out = new ArrayList<>((int) Math.min(to - from, 1024));
    ReadBudget budget = new ReadBudget(maxBytes);
    long cached = Math.max(from, cache.firstIndex());
    try {
      if (from < Math.min(to, cached)) {
        log.read(from, Math.min(to, cached), budget, out);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read entries from " + directory, e);
    }
    for (long i = cached; i < to && !budget.full(); i++) {
      LogEntry e = cache.get(i);
      if (!budget.admits(e.size(), out)) {
        break;
      }
      out.add(e);
    }
    return out;
  }

  /**
   * Returns the snapshot with its data read into memory; prefer {@link #snapshotMetadata()} and
   * {@link #openSnapshot()} for a large one.
   *
   * @throws StorageCorruptedException if the snapshot's data is damaged
   * @throws IllegalStateException if the data is over 2 GiB
   */
  @Override
  public Snapshot snapshot() {
    SnapshotReader reader;
    synchronized (this) {
      ensureOpen();
      if (snapshot == null) {
        return Snapshot.EMPTY;
      }
      reader = openSnapshot();
    }
    try (reader) {
      if (reader.size() > Integer.MAX_VALUE - 16) {
        throw new IllegalStateException(
            "snapshot of " + reader.size() + " bytes does not fit an array; use openSnapshot()");
      }
      InputStream in = reader.input();
      byte[] data = in.readNBytes((int) reader.size());
      return new Snapshot(reader.metadata().index(), reader.metadata().term(), data);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the snapshot in " + directory, e);
    }
  }

  @Override
  public synchronized SnapshotMetadata snapshotMetadata() {
    ensureOpen();
    return snapshot == null ? SnapshotMetadata.EMPTY : snapshot.metadata();
  }

  private long snapshotIndex() {
    return snapshot == null ? 0 : snapshot.metadata().index();
  }

  // ---- snapshots and compaction

  /**
   * Starts a snapshot, streamed into a temporary file; see {@link MutableStorage#beginSnapshot}. On
   * commit the file is synced, renamed into place and the directory synced; if the log does not
   * hold the snapshot's last entry, the log's segments are then deleted.
   *
   * @throws IllegalArgumentException if {@code metadata} is empty or not newer than the stored
   *     snapshot
   * @throws UncheckedIOException if the file cannot be created
   * @throws IllegalStateException if the storage is closed or failed
   */
  @Override
  public synchronized SnapshotWriter beginSnapshot(SnapshotMetadata metadata) {
    Objects.requireNonNull(metadata, "metadata");
    ensureOpen();
    if (metadata.isEmpty()) {
      throw new IllegalArgumentException("an empty snapshot cannot be stored");
    }
    if (metadata.index() <= snapshotIndex()) {
      throw new IllegalArgumentException(
          "snapshot at index "
              + metadata.index()
              + " is not newer than the stored one at "
              + snapshotIndex());
    }
    Path temp =
        directory.resolve(
            SnapshotFile.TEMP_PREFIX + (tempCounter++) + "-" + metadata.index() + ".tmp");
    try {
      return new SnapshotFile.Writer(this, io, stats, metadata, temp);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + temp, e);
    }
  }

  // Called by a writer's commit, with its data written and synced.
  synchronized void commitSnapshot(SnapshotFile.Writer writer) throws IOException {
    ensureOpen();
    SnapshotMetadata m = writer.metadata();
    if (m.index() <= snapshotIndex()) {
      throw new IllegalStateException(
          "snapshot at index "
              + m.index()
              + " is not newer than the stored one at "
              + snapshotIndex()
              + "; discarded");
    }
    long i = m.index();
    boolean holds = i >= log.firstIndex() - 1 && i <= log.lastIndex() && log.term(i) == m.term();
    try {
      SnapshotFile.Info info = writer.finish(holds ? 0 : log.nextSeq());
      io.move(writer.temp(), directory.resolve(SnapshotFile.NAME));
      stats.syncDirectory(io, directory);
      snapshot = info;
      writer.saved.finish("save", directory.toString(), i, m.term(), info.dataLength());
      if (!holds) {
        logger.log(
            Level.INFO,
            "{0}: the snapshot at index {1,number,#} (term {2,number,#}) replaces the log {3,number,#}..{4,number,#}",
            directory,
            i,
            m.term(),
            log.firstIndex(),
            log.lastIndex());
        log.reset(i, m.term());
        cache.clear();
      }
    } catch (IOException e) {
      throw fail(e);
    }
  }

  /**
   * Opens the current snapshot for streaming; its header and end record are checked now, its data
   * as it is read.
   *
   * @throws IllegalStateException if there is no snapshot, or the storage is closed
   * @throws StorageCorruptedException if the snapshot file is damaged
   * @throws UncheckedIOException if it cannot be opened
   */
  @Override
  public synchronized SnapshotReader openSnapshot() {
    ensureOpen();
    if (snapshot == null) {
      throw new IllegalStateException("no snapshot stored in " + directory);
    }
    Path file = directory.resolve(SnapshotFile.NAME);
    FileChannel ch = null;
    try {
      RaftSnapshotEvent opened = new RaftSnapshotEvent();
      opened.begin();
      ch = io.open(file, StandardOpenOption.READ);
      SnapshotFile.Reader reader = new SnapshotFile.Reader(ch, file);
      opened.end();
      SnapshotMetadata m = snapshot.metadata();
      opened.finish("open", directory.toString(), m.index(), m.term(), snapshot.dataLength());
      return reader;
    } catch (IOException e) {
      closeQuietly(ch, e);
      throw new UncheckedIOException("cannot open " + file, e);
    } catch (RuntimeException e) {
      closeQuietly(ch, e);
      throw e;
    }
  }

  /**
   * Deletes the log segments that hold only entries up to {@code index} minus {@link
   * Options#retainedEntries()}, never the last segment; the directory is synced once.
   *
   * @param index the last index that may be discarded; at most the snapshot's index
   * @throws IllegalArgumentException if {@code index} is negative or beyond the snapshot's index
   * @throws UncheckedIOException if a deletion fails (the storage is then failed)
   * @throws IllegalStateException if the storage is closed or failed
   */
  @Override
  public synchronized void compact(long index) {
    ensureOpen();
    if (index < 0 || index > snapshotIndex()) {
      throw new IllegalArgumentException(
          "cannot compact to " + index + ": the snapshot covers up to " + snapshotIndex());
    }
    long upTo = index - options.retainedEntries();
    if (upTo < log.firstIndex()) {
      return;
    }
    try {
      long before = log.firstIndex();
      log.compact(upTo);
      if (log.firstIndex() != before) {
        logger.log(
            Level.DEBUG,
            "{0}: compacted entries {1,number,#}..{2,number,#}",
            directory,
            before,
            log.firstIndex() - 1);
      }
    } catch (IOException e) {
      throw fail(e);
    }
  }

  // ---- the rest

  /**
   * What this storage has done since it was opened.
   *
   * @return counts of {@code fsync}s, their time, saves, entries and bytes written
   */
  public StorageStats stats() {
    return stats.snapshot();
  }

  /**
   * The storage directory.
   *
   * @return its absolute path
   */
  public Path directory() {
    return directory;
  }

  /**
   * The log's segment files, oldest first.
   *
   * @return their paths
   * @throws IllegalStateException if the storage is closed
   */
  public synchronized List<Path> segmentFiles() {
    ensureOpen();
    return log.files();
  }

  /**
   * Closes the files and releases the directory's lock. Idempotent. A snapshot writer still open
   * fails on commit.
   *
   * @throws UncheckedIOException if a file cannot be closed (the lock is released anyway)
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    IOException first = null;
    try {
      if (failure == null) {
        log.sync(); // a commit index written by save() without an fsync of its own
      }
    } catch (IOException e) {
      first = e;
    }
    try {
      log.close();
    } catch (IOException e) {
      first = e;
    }
    try {
      lock.release();
    } catch (IOException e) {
      first = first == null ? e : first;
    }
    try {
      lockChannel.close();
    } catch (IOException e) {
      first = first == null ? e : first;
    }
    if (openKey != null) {
      OPEN_HERE.remove(openKey);
    }
    if (first != null) {
      throw new UncheckedIOException("closing the storage in " + directory, first);
    }
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("the storage in " + directory + " is closed");
    }
    if (failure != null) {
      throw new IllegalStateException(
          "the storage in " + directory + " failed earlier; close and reopen it", failure);
    }
  }

  private UncheckedIOException fail(IOException e) {
    failure = e;
    logger.log(Level.ERROR, "storage in " + directory + " failed: " + e, e);
    return new UncheckedIOException("storage in " + directory + " failed", e);
  }

  private static void closeQuietly(FileChannel ch, Exception failure) {
    if (ch != null) {
      try {
        ch.close();
      } catch (IOException suppressed) {
        failure.addSuppressed(suppressed);
      }
    }
  }

  private static void closeQuietly(
      SegmentedLog log, FileLock lock, FileChannel lockChannel, Path key) {
    if (key != null) {
      OPEN_HERE.remove(key);
    }
    try {
      if (log != null) {
        log.close();
      }
    } catch (IOException e) {
      // reporting the failure that stopped open
    }
    try {
      if (lock != null) {
        lock.release();
      }
      if (lockChannel != null) {
        lockChannel.close();
      }
    } catch (IOException e) {
      // reporting the failure that stopped open
    }
  }

  @Override
  public synchronized String toString() {
    return "FileStorage["
        + directory
        + (closed
            ? ", closed"
            : ", entries "
                + log.firstIndex()
                + ".."
                + log.lastIndex()
                + ", snapshot at "
                + snapshotIndex()
                + ", "
                + hardState)
        + "]";
  }
}
