package dev.weft.raft.storage;

import dev.weft.raft.internal.jfr.StorageFsyncEvent;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The counters behind {@link StorageStats}, and the two ways a storage syncs: a file's data, and a
 * directory's entries. Atomic, because a snapshot writer syncs outside the storage's lock.
 */
final class Stats {
  private final AtomicLong fsyncs = new AtomicLong();
  private final AtomicLong fsyncNanos = new AtomicLong();
  private final AtomicLong saves = new AtomicLong();
  private final AtomicLong entries = new AtomicLong();
  private final AtomicLong bytes = new AtomicLong();
  private final String directory;
  // Bytes written when the last fsync began, for the Flight Recorder event; fsyncs are serialised
  // by the storage's lock (a snapshot writer's own fsync aside, which may make a count
  // approximate).
  private long bytesAtLastSync;

  Stats(String directory) {
    this.directory = directory;
  }

  /** {@code fdatasync}: the data, and the metadata needed to read it back (the size). */
  void force(FileChannel channel) throws IOException {
    StorageFsyncEvent event = new StorageFsyncEvent();
    event.begin();
    long start = System.nanoTime();
    channel.force(false);
    fsyncNanos.addAndGet(System.nanoTime() - start);
    fsyncs.incrementAndGet();
    event.end();
    event.finish(directory, sinceLastSync(), false);
  }

  private long sinceLastSync() {
    long now = bytes.get();
    long since = now - bytesAtLastSync;
    bytesAtLastSync = now;
    return since;
  }

  void syncDirectory(FileIo io, Path directory) throws IOException {
    StorageFsyncEvent event = new StorageFsyncEvent();
    event.begin();
    long start = System.nanoTime();
    io.syncDirectory(directory);
    fsyncNanos.addAndGet(System.nanoTime() - start);
    fsyncs.incrementAndGet();
    event.end();
    event.finish(this.directory, sinceLastSync(), true);
  }

  void saved(int entryCount, long byteCount) {
    saves.incrementAndGet();
    entries.addAndGet(entryCount);
    bytes.addAndGet(byteCount);
  }

  void wrote(long byteCount) {
    bytes.addAndGet(byteCount);
  }

  StorageStats snapshot() {
    return new StorageStats(
        fsyncs.get(), fsyncNanos.get(), saves.get(), entries.get(), bytes.get());
  }
}
