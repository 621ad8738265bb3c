package dev.weft.raft.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.raft.HardState;
import dev.weft.raft.LogEntry;
import dev.weft.raft.SnapshotMetadata;
import dev.weft.raft.SnapshotReader;
import dev.weft.raft.SnapshotWriter;
import dev.weft.testkit.ThreadKind;
import dev.weft.testkit.Workers;
import dev.weft.testkit.sim.FaultyDisk;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What is particular to {@link FileStorage}: group commit (counted on the simulated disk, not only
 * by the storage's own statistics), segment files, the directory lock, closing, failing, and
 * snapshots written by another thread.
 */
class FileStorageTest {
  private static final Path DIR = Path.of("/sim/file-storage");

  private final FaultyDisk disk = new FaultyDisk(new Random(11));

  private FileStorage.Options simulated() {
    return FileStorage.Options.defaults().withIo(new FaultyDiskIo(disk)).withLogger(new LogLines());
  }

  static List<LogEntry> batch(long from, int count, long term, int size) {
    List<LogEntry> out = new ArrayList<>();
    Random random = new Random(from);
    for (int i = 0; i < count; i++) {
      byte[] data = new byte[size];
      random.nextBytes(data);
      out.add(new LogEntry(from + i, term, data));
    }
    return out;
  }

  @Test
  void oneSyncPerSaveHoweverManyEntries() {
    try (FileStorage s = FileStorage.open(DIR, simulated())) {
      s.save(new HardState(1, "a", 0), batch(1, 1, 1, 64)); // creates the first segment
      long syncs = disk.syncs();
      long dirSyncs = disk.directorySyncs();
      StorageStats before = s.stats();
      s.save(new HardState(1, "a", 1), batch(2, 500, 1, 64)); // group commit: 500 entries, 1 sync
      assertEquals(1, disk.syncs() - syncs);
      assertEquals(0, disk.directorySyncs() - dirSyncs);
      StorageStats after = s.stats();
      assertEquals(1, after.fsyncs() - before.fsyncs());
      assertEquals(500, after.entries() - before.entries());
      assertEquals(1, after.saves() - before.saves());
      assertTrue(after.fsyncNanos() >= before.fsyncNanos());
      assertEquals(501, s.lastIndex());
    }
  }

  @Test
  void aChangeOfCommitAloneNeedsNoSyncButATermOrVoteDoes() {
    try (FileStorage s = FileStorage.open(DIR, simulated())) {
      s.save(new HardState(1, "a", 0), batch(1, 10, 1, 64));
      long syncs = disk.syncs();
      long dirSyncs = disk.directorySyncs();
      s.save(new HardState(1, "a", 5), List.of());
      assertEquals(0, disk.syncs() - syncs);
      s.setHardState(new HardState(1, "a", 6)); // setHardState is durable on return: one sync
      assertEquals(1, disk.syncs() - syncs);
      s.save(new HardState(2, null, 6), batch(11, 3, 2, 64)); // temporary file and log: two syncs
      assertEquals(3, disk.syncs() - syncs);
      assertEquals(1, disk.directorySyncs() - dirSyncs); // the rename
    }
  }

  @Test
  void aBatchThatFillsSegmentsSealsEachAndSyncsTheDirectoryOnce() {
    FileStorage.Options o = simulated().withSegmentSize(1024);
    try (FileStorage s = FileStorage.open(DIR, o)) {
      s.append(batch(1, 1, 1, 64));
      long syncs = disk.syncs();
      long dirSyncs = disk.directorySyncs();
      s.append(batch(2, 100, 1, 64)); // 89 bytes a record: about 11 a segment
      int created = s.segmentFiles().size() - 1;
      assertTrue(created >= 8, s.segmentFiles().toString());
      assertEquals(created + 1, disk.syncs() - syncs); // each full one sealed, the last synced
      assertEquals(1, disk.directorySyncs() - dirSyncs); // the new names, once
    }
    try (FileStorage s = FileStorage.open(DIR, o)) {
      assertEquals(batch(2, 100, 1, 64), s.entries(2, 102, Long.MAX_VALUE));
    }
  }

  @Test
  void anEntryLargerThanASegmentGetsOneOfItsOwn() {
    FileStorage.Options o = simulated().withSegmentSize(1024);
    try (FileStorage s = FileStorage.open(DIR, o)) {
      s.append(batch(1, 3, 1, 10));
      s.append(batch(4, 1, 1, 5000));
      s.append(batch(5, 1, 1, 10));
      assertEquals(3, s.segmentFiles().size());
    }
    try (FileStorage s = FileStorage.open(DIR, o)) {
      assertEquals(batch(4, 1, 1, 5000), s.entries(4, 5, Long.MAX_VALUE));
      assertEquals(5, s.lastIndex());
    }
  }

  @Test
  void aConflictingAppendTruncatesTheFilesBeforeItWrites() {
    FileStorage.Options o = simulated().withSegmentSize(1024);
    try (FileStorage s = FileStorage.open(DIR, o)) {
      s.append(batch(1, 60, 1, 64));
      int segments = s.segmentFiles().size();
      s.append(batch(20, 2, 2, 64));
      assertTrue(s.segmentFiles().size() < segments);
      assertEquals(21, s.lastIndex());
    }
    try (FileStorage s = FileStorage.open(DIR, o)) {
      assertEquals(batch(20, 2, 2, 64), s.entries(20, 22, Long.MAX_VALUE));
      assertEquals(batch(1, 19, 1, 64), s.entries(1, 20, Long.MAX_VALUE));
    }
  }

  @Test
  void compactionDeletesWholeSegmentsAndKeepsTheTail() {
    FileStorage.Options o = simulated().withSegmentSize(1024).withRetainedEntries(15);
    try (FileStorage s = FileStorage.open(DIR, o)) {
      s.append(batch(1, 100, 1, 64));
      s.saveSnapshot(new SnapshotMetadata(80, 1), new ByteArrayInputStream(new byte[3]));
      int before = s.segmentFiles().size();
      s.compact(80);
      assertTrue(s.segmentFiles().size() < before);
      long first = s.firstIndex();
      assertTrue(first > 1 && first <= 80 - 15 + 1, "first index " + first);
      assertEquals(1, s.term(first - 1));
    }
  }

  @Test
  void aSecondOpenIsRefusedInThisProcessAndAnother(@TempDir Path dir) throws Exception {
    try (FileStorage s = FileStorage.open(dir)) {
      StorageLockedException e =
          assertThrows(StorageLockedException.class, () -> FileStorage.open(dir));
      assertTrue(e.getMessage().contains(s.directory().toString()), e.getMessage());
      assertEquals(s.directory(), e.directory());
      List<String> locked = Child.run(LockProbe.class, dir.toString());
      assertTrue(locked.contains("LOCKED"), locked.toString());
    }
    List<String> opened = Child.run(LockProbe.class, dir.toString());
    assertTrue(opened.contains("OPENED"), opened.toString()); // close released it
    try (FileStorage s = FileStorage.open(dir)) {
      assertEquals(0, s.lastIndex());
    }
  }

  /** Tries to open a storage directory from another process. */
  static final class LockProbe {
    public static void main(String[] args) {
      try (FileStorage s = FileStorage.open(Path.of(args[0]))) {
        System.out.println("OPENED");
      } catch (StorageLockedException e) {
        System.out.println(e.getMessage().contains(args[0]) ? "LOCKED" : "WRONG MESSAGE");
      }
    }
  }

  @Test
  void aClosedStorageRefusesEveryCallButClose() {
    FileStorage s = FileStorage.open(DIR, simulated());
    s.append(batch(1, 2, 1, 8));
    s.close();
    s.close();
    assertThrows(IllegalStateException.class, () -> s.append(batch(3, 1, 1, 8)));
    assertThrows(IllegalStateException.class, () -> s.setHardState(HardState.EMPTY));
    assertThrows(IllegalStateException.class, s::lastIndex);
    assertThrows(IllegalStateException.class, s::firstIndex);
    assertThrows(IllegalStateException.class, () -> s.term(1));
    assertThrows(IllegalStateException.class, () -> s.entries(1, 2, 10));
    assertThrows(IllegalStateException.class, s::hardState);
    assertThrows(IllegalStateException.class, s::snapshot);
    assertThrows(IllegalStateException.class, () -> s.compact(0));
    assertThrows(IllegalStateException.class, () -> s.beginSnapshot(new SnapshotMetadata(1, 1)));
    assertTrue(s.toString().contains("closed"));
  }

  @Test
  void afterAWriteFailsTheStorageIsFailedUntilReopened() {
    FileStorage s = FileStorage.open(DIR, simulated());
    s.append(batch(1, 5, 1, 8));
    disk.powerLossAfter(1);
    assertThrows(UncheckedIOException.class, () -> s.append(batch(6, 5, 1, 8)));
    IllegalStateException e = assertThrows(IllegalStateException.class, s::lastIndex);
    assertTrue(e.getCause() instanceof IOException, String.valueOf(e.getCause()));
    try (FileStorage again = FileStorage.open(DIR, simulated())) {
      assertEquals(batch(1, 5, 1, 8), again.entries(1, 6, Long.MAX_VALUE));
    }
  }

  @Test
  void badOptionsAndArgumentsAreRefused() {
    FileStorage.Options d = FileStorage.Options.defaults();
    assertThrows(IllegalArgumentException.class, () -> d.withSegmentSize(100));
    assertThrows(IllegalArgumentException.class, () -> d.withSegmentSize(2L << 30));
    assertThrows(IllegalArgumentException.class, () -> d.withRetainedEntries(-1));
    assertThrows(IllegalArgumentException.class, () -> d.withCacheBytes(-1));
    assertThrows(NullPointerException.class, () -> d.withIo(null));
    assertThrows(NullPointerException.class, () -> FileStorage.open(null));
    assertEquals(64L << 20, d.segmentSize());
    try (FileStorage s = FileStorage.open(DIR, simulated())) {
      assertThrows(NullPointerException.class, () -> s.save(null, null));
      assertThrows(IllegalArgumentException.class, () -> s.append(batch(0, 1, 1, 1)));
      assertThrows(IllegalArgumentException.class, () -> s.compact(1));
      assertThrows(IllegalStateException.class, s::openSnapshot);
    }
  }

  @Test
  void aSnapshotIsWrittenByAnotherThreadWhileTheLogGrows(@TempDir Path dir) throws Exception {
    byte[] state = new byte[3 << 20];
    new Random(5).nextBytes(state);
    try (FileStorage s =
        FileStorage.open(dir, FileStorage.Options.defaults().withSegmentSize(64 << 10))) {
      s.append(batch(1, 100, 1, 64));
      SnapshotWriter writer = s.beginSnapshot(new SnapshotMetadata(100, 1, new byte[] {1, 2}));
      try (Workers workers = new Workers(ThreadKind.VIRTUAL, Duration.ofSeconds(30))) {
        workers.start(
            "snapshot",
            () -> {
              for (int off = 0; off < state.length; off += 100_000) {
                writer.output().write(state, off, Math.min(100_000, state.length - off));
              }
              writer.commit();
            });
        for (int i = 0; i < 50; i++) {
          s.append(batch(101 + i * 10L, 10, 1, 64)); // the node's loop goes on meanwhile
        }
      }
      assertEquals(new SnapshotMetadata(100, 1, new byte[] {1, 2}), s.snapshotMetadata());
      assertEquals(600, s.lastIndex());
      try (SnapshotReader r = s.openSnapshot()) {
        assertArrayEquals(state, r.input().readAllBytes());
      }
    }
  }

  @Test
  void aReaderKeepsTheSnapshotItOpenedWhenANewerOneIsStored() throws IOException {
    try (FileStorage s = FileStorage.open(DIR, simulated())) {
      s.append(batch(1, 10, 1, 8));
      s.saveSnapshot(new SnapshotMetadata(3, 1), new ByteArrayInputStream(new byte[] {3}));
      try (SnapshotReader old = s.openSnapshot()) {
        s.saveSnapshot(new SnapshotMetadata(6, 1), new ByteArrayInputStream(new byte[] {6}));
        assertEquals(3, old.metadata().index());
        assertArrayEquals(new byte[] {3}, old.input().readAllBytes());
      }
      try (SnapshotReader now = s.openSnapshot()) {
        assertArrayEquals(new byte[] {6}, now.input().readAllBytes());
      }
    }
  }

  @Test
  void statsSayHowManyEntriesEachSyncCarried() {
    try (FileStorage s = FileStorage.open(DIR, simulated())) {
      for (int i = 0; i < 10; i++) {
        s.append(batch(1 + i * 50L, 50, 1, 64));
      }
      StorageStats stats = s.stats();
      assertEquals(500, stats.entries());
      assertEquals(10, stats.saves());
      assertTrue(stats.entriesPerFsync() > 10 && stats.entriesPerFsync() <= 50, stats.toString());
      assertTrue(stats.bytes() >= 500 * (64 + 25), stats.toString());
    }
    assertEquals(0, new StorageStats(0, 0, 0, 0, 0).meanFsyncMicros());
    assertEquals(2.5, new StorageStats(2, 5_000, 1, 5, 0).meanFsyncMicros());
  }

  /** Runs a class's main method in a child JVM on this test's class path. */
  static final class Child {
    static List<String> run(Class<?> main, String... args) throws Exception {
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.add("-cp");
      command.add(System.getProperty("java.class.path"));
      command.add(main.getName());
      command.addAll(List.of(args));
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      try {
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
          throw new AssertionError("child " + main.getSimpleName() + " did not finish");
        }
        return new String(p.getInputStream().readAllBytes()).lines().map(String::strip).toList();
      } finally {
        p.destroyForcibly();
      }
    }
  }
}
