package dev.weft.bench.raft;

import dev.weft.raft.HardState;
import dev.weft.raft.LogEntry;
import dev.weft.raft.storage.FileStorage;
import dev.weft.raft.storage.StorageStats;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link FileStorage} alone, on this machine's disk: one {@code save} of a batch of 64-byte entries
 * per operation (a Ready's worth: entries and a commit index, one {@code fsync}), against the
 * physical limit of the same bytes written with one positional write and one {@code
 * FileChannel.force} (fdatasync) per batch.
 *
 * <p>Read: operations per second (= batches = {@code fsync}s per second for {@code save}), and the
 * auxiliary counters {@code entries} (entries per second) and {@code fsyncs} ({@code fsync}s per
 * second as the storage counts them; their ratio is entries per {@code fsync}). The directory is
 * emptied before each iteration, so the log's size does not grow across the run.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 2)
public class FileStorageBench {
  /** Entries per save: one Ready's worth. */
  @Param({"1", "16", "64", "256"})
  public int batch;

  private Path dir;
  private FileStorage storage;
  private FileChannel raw;
  private long rawPosition;
  private long next;
  private long commit;
  private byte[] data;
  private ByteBuffer rawBatch;
  private long lastFsyncs;

  /** Per-operation counters JMH reports as rates. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  public static class Counters {
    /** Entries made durable. */
    public long entries;

    /** {@code fsync}s performed. */
    public long fsyncs;

    /** Resets the counters before each iteration. */
    @Setup(Level.Iteration)
    public void clear() {
      entries = 0;
      fsyncs = 0;
    }
  }

  /**
   * Creates a fresh directory, storage and baseline file.
   *
   * @throws IOException if the temporary directory cannot be made
   */
  @Setup(Level.Iteration)
  public void open() throws IOException {
    dir = Files.createTempDirectory("weft-filestorage-bench");
    storage = FileStorage.open(dir.resolve("storage"));
    storage.setHardState(new HardState(1, "a", 0));
    raw =
        FileChannel.open(
            dir.resolve("raw.log"),
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.READ);
    rawPosition = 0;
    next = 1;
    commit = 0;
    data = new byte[64];
    new Random(42).nextBytes(data);
    rawBatch = ByteBuffer.allocate(batch * (64 + 25)); // the same bytes a save frames
    new Random(43).nextBytes(rawBatch.array());
    lastFsyncs = storage.stats().fsyncs();
  }

  /**
   * Closes and deletes the directory.
   *
   * @throws IOException if it cannot be deleted
   */
  @TearDown(Level.Iteration)
  public void close() throws IOException {
    StorageStats s = storage.stats();
    storage.close();
    raw.close();
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
    if (s.saves() > 0) {
      System.out.printf(
          "%n[save, batch %d] %d fsyncs, mean %.0f us, %.1f entries per fsync%n",
          batch, s.fsyncs(), s.meanFsyncMicros(), s.entriesPerFsync());
    }
  }

  /**
   * One Ready: a batch of entries and the commit index they advance, made durable.
   *
   * @param counters entries and fsyncs
   */
  @Benchmark
  public void save(Counters counters) {
    List<LogEntry> entries = new ArrayList<>(batch);
    for (int i = 0; i < batch; i++) {
      entries.add(new LogEntry(next++, 1, data));
    }
    storage.save(new HardState(1, "a", commit), entries);
    commit = next - 1;
    counters.entries += batch;
    long f = storage.stats().fsyncs();
    counters.fsyncs += f - lastFsyncs;
    lastFsyncs = f;
  }

  /**
   * The physical limit: the same number of bytes, one positional write and one fdatasync.
   *
   * @param counters entries and fsyncs
   * @throws IOException if the write fails
   */
  @Benchmark
  public void rawWriteAndForce(Counters counters) throws IOException {
    rawBatch.clear();
    while (rawBatch.hasRemaining()) {
      rawPosition += raw.write(rawBatch, rawPosition);
    }
    raw.force(false);
    counters.entries += batch;
    counters.fsyncs++;
  }
}
