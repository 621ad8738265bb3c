package dev.weft.raft.storage;

import dev.weft.raft.SnapshotMetadata;
import dev.weft.raft.SnapshotReader;
import dev.weft.raft.SnapshotWriter;
import dev.weft.raft.internal.jfr.RaftSnapshotEvent;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;

/**
 * The file {@value #NAME}: a {@code SNAPSHOT_HEADER} record (metadata), the state in {@code
 * SNAPSHOT_DATA} records of at most {@value #CHUNK} bytes each, and a {@code SNAPSHOT_END} record
 * (total length, chunk count, and the seq below which segments were replaced by this snapshot, or
 * 0). It is written as a temporary file, synced, and renamed over the old one, then the directory
 * is synced; so the stored snapshot is always a complete one.
 *
 * <p>Opening checks the header and the end record; the data chunks are checked as they are read, so
 * a large snapshot is never read whole at start-up and damage is reported, never returned.
 */
final class SnapshotFile {
  static final String NAME = "snapshot";
  static final String TEMP_PREFIX = "snapshot-";
  static final String TEMP_SUFFIX = ".tmp";

  /** The largest data record. */
  static final int CHUNK = 1 << 18;

  private static final int HEADER_FIXED = 4 + 4 + 8 + 8;
  private static final int END_PAYLOAD = 24;
  private static final int END_RECORD = Records.HEADER + END_PAYLOAD;

  private SnapshotFile() {}

  /** What the header and end record of a snapshot file say, and where its data lies. */
  record Info(
      SnapshotMetadata metadata,
      long dataStart,
      long dataEnd,
      long dataLength,
      long chunks,
      long resetSeq) {}

  static Info read(FileChannel ch, Path file) throws IOException {
    long size = ch.size();
    RecordReader r = new RecordReader(ch, 0, size);
    if (!r.next()) {
      throw new StorageCorruptedException(
          file, r.position(), r.problem() == null ? "empty snapshot file" : r.problem());
    }
    int length = r.payloadLength();
    if (r.type() != Records.SNAPSHOT_HEADER
        || length < HEADER_FIXED
        || r.payloadInt(0) != Records.MAGIC
        || r.payloadInt(4) != Records.VERSION) {
      throw new StorageCorruptedException(file, 0, "not a snapshot header of format 1");
    }
    SnapshotMetadata metadata;
    try {
      metadata =
          new SnapshotMetadata(
              r.payloadLong(8),
              r.payloadLong(16),
              r.payloadBytes(HEADER_FIXED, length - HEADER_FIXED));
    } catch (IllegalArgumentException e) {
      throw new StorageCorruptedException(file, 0, "impossible snapshot header: " + e.getMessage());
    }
    if (metadata.isEmpty()) {
      throw new StorageCorruptedException(file, 0, "snapshot header for index 0");
    }
    long dataStart = r.position();
    long endAt = size - END_RECORD;
    if (endAt < dataStart) {
      throw new StorageCorruptedException(file, dataStart, "no end record: incomplete snapshot");
    }
    RecordReader e = new RecordReader(ch, endAt, size);
    if (!e.next() || e.type() != Records.SNAPSHOT_END || e.payloadLength() != END_PAYLOAD) {
      throw new StorageCorruptedException(
          file, endAt, e.problem() == null ? "no end record" : "no end record: " + e.problem());
    }
    long dataLength = e.payloadLong(0);
    long chunks = e.payloadLong(8);
    long resetSeq = e.payloadLong(16);
    if (dataLength < 0
        || chunks < 0
        || resetSeq < 0
        || chunks > endAt - dataStart
        || endAt - dataStart != chunks * Records.HEADER + dataLength) {
      throw new StorageCorruptedException(
          file, endAt, "the end record does not match the data before it");
    }
    return new Info(metadata, dataStart, endAt, dataLength, chunks, resetSeq);
  }

  /** Writes a snapshot into a temporary file; the storage renames it into place on commit. */
  static final class Writer implements SnapshotWriter {
    private final FileStorage owner;
    private final FileIo io;
    private final Stats stats;
    private final SnapshotMetadata metadata;
    private final Path temp;
    private final FileChannel ch;
    private final byte[] chunk = new byte[CHUNK];
    private final RecordBuffer frame = new RecordBuffer(CHUNK + 64);
    private final long dataStart;
    private int chunkLength;
    private long position;
    private long dataLength;
    private long chunks;
    private boolean done;

    /** Timed from the writer's creation to its commit (a Flight Recorder event). */
    final RaftSnapshotEvent saved = new RaftSnapshotEvent();

    private final OutputStream output =
        new OutputStream() {
          @Override
          public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
          }

          @Override
          public void write(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            writeData(b, off, len);
          }
        };

    Writer(FileStorage owner, FileIo io, Stats stats, SnapshotMetadata metadata, Path temp)
        throws IOException {
      saved.begin();
      this.owner = owner;
      this.io = io;
      this.stats = stats;
      this.metadata = metadata;
      this.temp = temp;
      this.ch =
          io.open(
              temp,
              StandardOpenOption.CREATE_NEW,
              StandardOpenOption.READ,
              StandardOpenOption.WRITE);
      byte[] configuration = metadata.configuration();
      frame
          .begin(Records.SNAPSHOT_HEADER)
          .putInt(Records.MAGIC)
          .putInt(Records.VERSION)
          .putLong(metadata.index())
          .putLong(metadata.term())
          .put(configuration, 0, configuration.length)
          .end();
      int n = frame.size();
      try {
        frame.writeTo(ch, 0);
      } catch (IOException e) {
        abort();
        throw e;
      }
      position = n;
      dataStart = n;
    }

    Path temp() {
      return temp;
    }

    @Override
    public SnapshotMetadata metadata() {
      return metadata;
    }

    @Override
    public OutputStream output() {
      return output;
    }

    private void writeData(byte[] b, int off, int len) throws IOException {
      if (done) {
        throw new IOException("snapshot writer is closed");
      }
      while (len > 0) {
        int n = Math.min(len, CHUNK - chunkLength);
        System.arraycopy(b, off, chunk, chunkLength, n);
        chunkLength += n;
        off += n;
        len -= n;
        if (chunkLength == CHUNK) {
          writeChunk();
        }
      }
    }

    private void writeChunk() throws IOException {
      frame.begin(Records.SNAPSHOT_DATA).put(chunk, 0, chunkLength).end();
      int n = frame.size();
      frame.writeTo(ch, position);
      position += n;
      dataLength += chunkLength;
      chunks++;
      chunkLength = 0;
    }

    @Override
    public void commit() {
      if (done) {
        throw new IllegalStateException("snapshot writer already committed or closed");
      }
      try {
        if (chunkLength > 0) {
          writeChunk();
        }
        stats.force(ch); // the bulk of the data, synced before the storage's lock is taken
        owner.commitSnapshot(this);
        done = true;
      } catch (IOException e) {
        abort();
        throw new UncheckedIOException("cannot store the snapshot " + metadata, e);
      } catch (RuntimeException | Error e) {
        abort();
        throw e;
      }
    }

    /** Called by the storage, under its lock: writes the end record, syncs and closes the file. */
    Info finish(long resetSeq) throws IOException {
      frame.begin(Records.SNAPSHOT_END).putLong(dataLength).putLong(chunks).putLong(resetSeq).end();
      int n = frame.size();
      frame.writeTo(ch, position);
      long endAt = position;
      position += n;
      stats.force(ch);
      ch.close();
      saved.end();
      return new Info(metadata, dataStart, endAt, dataLength, chunks, resetSeq);
    }

    @Override
    public void close() {
      if (!done) {
        abort();
      }
    }

    private void abort() {
      done = true;
      try {
        ch.close();
      } catch (IOException e) {
        // discarding anyway
      }
      try {
        if (io.exists(temp)) {
          io.delete(temp);
        }
      } catch (IOException e) {
        // a leftover temporary file is deleted when the storage is next opened
      }
    }
  }

  /** Reads the data of a snapshot file, checking each chunk. */
  static final class Reader implements SnapshotReader {
    private final Path file;
    private final FileChannel ch;
    private final Info info;
    private final RecordReader records;
    private byte[] current = new byte[0];
    private int at;
    private long chunksLeft;
    private long delivered;
    private boolean closed;
    private final InputStream input =
        new InputStream() {
          @Override
          public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
          }

          @Override
          public int read(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            return readData(b, off, len);
          }

          @Override
          public int available() {
            return current.length - at;
          }

          @Override
          public void close() {
            Reader.this.close();
          }
        };

    Reader(FileChannel ch, Path file) throws IOException {
      this.file = file;
      this.ch = ch;
      this.info = read(ch, file);
      this.records = new RecordReader(ch, info.dataStart(), info.dataEnd());
      this.chunksLeft = info.chunks();
    }

    @Override
    public SnapshotMetadata metadata() {
      return info.metadata();
    }

    @Override
    public long size() {
      return info.dataLength();
    }

    @Override
    public InputStream input() {
      return input;
    }

    private int readData(byte[] b, int off, int len) throws IOException {
      if (closed) {
        throw new IOException("snapshot reader is closed");
      }
      if (len == 0) {
        return 0;
      }
      while (at == current.length) {
        if (!nextChunk()) {
          return -1;
        }
      }
      int n = Math.min(len, current.length - at);
      System.arraycopy(current, at, b, off, n);
      at += n;
      return n;
    }

    private boolean nextChunk() throws IOException {
      if (chunksLeft == 0) {
        if (delivered != info.dataLength()) {
          throw new StorageCorruptedException(
              file, records.position(), "the data is shorter than the end record says");
        }
        return false;
      }
      if (!records.next()) {
        String why = records.problem() == null ? "a data record is missing" : records.problem();
        throw new StorageCorruptedException(file, records.position(), why);
      }
      if (records.type() != Records.SNAPSHOT_DATA
          || delivered + records.payloadLength() > info.dataLength()) {
        throw new StorageCorruptedException(
            file, records.recordPosition(), "not a data record of this snapshot");
      }
      current = records.payloadBytes(0, records.payloadLength());
      at = 0;
      delivered += current.length;
      chunksLeft--;
      return true;
    }

    @Override
    public void close() {
      if (closed) {
        return;
      }
      closed = true;
      try {
        ch.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
