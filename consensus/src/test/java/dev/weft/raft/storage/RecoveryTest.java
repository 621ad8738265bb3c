package dev.weft.raft.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.raft.HardState;
import dev.weft.raft.LogEntry;
import dev.weft.raft.SnapshotMetadata;
import dev.weft.raft.SnapshotReader;
import dev.weft.testkit.sim.FaultyDisk;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The recovery rules: a torn tail is truncated with a warning; any other damage (a bad record with
 * valid data after it, a missing or misplaced segment, an unreadable hard state or snapshot) is
 * refused with {@link StorageCorruptedException} naming the file and byte offset; nothing is
 * repaired silently, and damage found later by a read is reported, never returned.
 *
 * <p>Most cases run on the simulated disk, where a test can damage any byte; the main two also run
 * on the real file system.
 */
class RecoveryTest {
  private static final Path DIR = Path.of("/sim/recovery");
  private static final int DATA = 40;
  // segment header record, then one record per entry
  private static final int HEADER_RECORD = Records.HEADER + 32;
  private static final int ENTRY_RECORD = Records.HEADER + 16 + DATA;

  private final FaultyDisk disk = new FaultyDisk(new Random(7));
  private final LogLines lines = new LogLines();

  private FileStorage.Options options(long segmentSize) {
    return FileStorage.Options.defaults()
        .withIo(new FaultyDiskIo(disk))
        .withSegmentSize(segmentSize)
        .withCacheBytes(0)
        .withRetainedEntries(0)
        .withLogger(lines);
  }

  private static LogEntry entry(long index) {
    byte[] data = new byte[DATA];
    new Random(index).nextBytes(data);
    return new LogEntry(index, 1, data);
  }

  private static List<LogEntry> entries(long from, long to) {
    List<LogEntry> out = new ArrayList<>();
    for (long i = from; i <= to; i++) {
      out.add(entry(i));
    }
    return out;
  }

  /** Ten entries in one segment, each appended on its own; closed. */
  private List<Path> tenEntries(long segmentSize) {
    try (FileStorage s = FileStorage.open(DIR, options(segmentSize))) {
      for (long i = 1; i <= 10; i++) {
        s.append(List.of(entry(i)));
      }
      return s.segmentFiles();
    }
  }

  // the byte offset of entry i's record in a segment that starts at index 1 with no commit record
  private static long position(long index) {
    return HEADER_RECORD + (index - 1) * ENTRY_RECORD;
  }

  private void truncate(Path file, long size) throws IOException {
    try (FileChannel ch = disk.open(file, StandardOpenOption.WRITE)) {
      ch.truncate(size);
      ch.force(false);
    }
  }

  private void append(Path file, byte[] bytes) throws IOException {
    try (FileChannel ch = disk.open(file, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(bytes), ch.size());
      ch.force(false);
    }
  }

  private String warning() {
    List<String> w = lines.at(Level.WARNING);
    assertEquals(1, w.size(), "one warning: " + lines.lines);
    return w.get(0);
  }

  private StorageCorruptedException refused(long segmentSize) {
    return assertThrows(
        StorageCorruptedException.class, () -> FileStorage.open(DIR, options(segmentSize)));
  }

  private static void assertNames(StorageCorruptedException e, Path file, long offset) {
    assertEquals(file, e.file());
    assertEquals(offset, e.offset());
    assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("at byte " + offset), e.getMessage());
  }

  @Test
  void aLastRecordCutShortIsTruncatedWithAWarning() throws IOException {
    Path segment = tenEntries(1 << 20).get(0);
    truncate(segment, position(11) - 5);
    try (FileStorage s = FileStorage.open(DIR, options(1 << 20))) {
      assertEquals(9, s.lastIndex());
      assertEquals(entries(1, 9), s.entries(1, 10, Long.MAX_VALUE));
      String w = warning();
      assertTrue(w.contains(segment.toString()) && w.contains("torn tail"), w);
      assertTrue(w.contains("byte " + position(10)), w);
      s.append(List.of(entry(10))); // the log goes on where the valid prefix ends
    }
    try (FileStorage s = FileStorage.open(DIR, options(1 << 20))) {
      assertEquals(entries(1, 10), s.entries(1, 11, Long.MAX_VALUE));
    }
  }

  @Test
  void aLastRecordFailingItsChecksumIsTruncated() throws IOException {
    Path segment = tenEntries(1 << 20).get(0);
    disk.flipBit(segment, position(11) - 1, 0);
    try (FileStorage s = FileStorage.open(DIR, options(1 << 20))) {
      assertEquals(9, s.lastIndex());
      assertTrue(warning().contains("checksum"), warning());
    }
  }

  @Test
  void garbageAfterTheLastRecordIsTruncated() throws IOException {
    Path segment = tenEntries(1 << 20).get(0);
    byte[] garbage = new byte[300];
    new Random(3).nextBytes(garbage);
    append(segment, garbage);
    append(segment, new byte[100]); // and zeros, as a file system may leave
    try (FileStorage s = FileStorage.open(DIR, options(1 << 20))) {
      assertEquals(10, s.lastIndex());
      assertTrue(warning().contains("byte " + position(11)), warning());
    }
    assertEquals(position(11), disk.read(segment).length);
  }

  @Test
  void aBadRecordWithValidRecordsAfterItIsRefused() throws IOException {
    Path segment = tenEntries(1 << 20).get(0);
    disk.flipBit(segment, position(5) + 30, 4);
    StorageCorruptedException e = refused(1 << 20);
    assertNames(e, segment, position(5));
    assertTrue(e.getMessage().contains("checksum"), e.getMessage());
    assertTrue(
        e.getMessage().contains("valid record follows at byte " + position(6)), e.getMessage());
    assertTrue(lines.at(Level.WARNING).isEmpty(), "nothing was repaired");
    assertEquals(position(11), disk.read(segment).length, "nothing was truncated");
  }

  @Test
  void aDamagedLengthWithValidRecordsAfterItIsRefused() throws IOException {
    Path segment = tenEntries(1 << 20).get(0);
    disk.flipBit(segment, position(3), 6); // the length now runs past the end of the file
    assertNames(refused(1 << 20), segment, position(3));
  }

  @Test
  void damageAtTheEndOfAnEarlierSegmentIsRefused() throws IOException {
    List<Path> segments = tenEntries(4 * ENTRY_RECORD);
    assertTrue(segments.size() >= 3, segments.toString());
    Path first = segments.get(0);
    long size = disk.read(first).length;
    disk.flipBit(first, size - 1, 2); // its last record: a torn tail only in the last segment
    StorageCorruptedException e = refused(4 * ENTRY_RECORD);
    assertEquals(first, e.file());
    assertTrue(e.getMessage().contains("not the last segment"), e.getMessage());
  }

  @Test
  void aMissingSegmentIsRefused() throws IOException {
    assertRefusedWithout(1, 2, "segment 2 is missing");
  }

  @Test
  void aMissingFirstSegmentIsRefused() throws IOException {
    assertRefusedWithout(0, 1, "starts at index 4 but there is no snapshot");
  }

  private void assertRefusedWithout(int deleted, int named, String says) throws IOException {
    List<Path> segments = tenEntries(4 * ENTRY_RECORD);
    disk.delete(segments.get(deleted));
    StorageCorruptedException e = refused(4 * ENTRY_RECORD);
    assertNames(e, segments.get(named), 0);
    assertTrue(e.getMessage().contains(says), e.getMessage());
  }

  @Test
  void segmentsOutOfOrderAreRefused() throws IOException {
    List<Path> segments = tenEntries(4 * ENTRY_RECORD);
    Path temp = DIR.resolve("swap");
    disk.move(segments.get(0), temp);
    disk.move(segments.get(1), segments.get(0));
    disk.move(temp, segments.get(1));
    StorageCorruptedException e = refused(4 * ENTRY_RECORD);
    assertNames(e, segments.get(0), 0);
    assertTrue(e.getMessage().contains("the header says seq 2"), e.getMessage());
  }

  @Test
  void aDamagedHardStateIsRefused() throws IOException {
    tenEntries(1 << 20);
    Path hardState = DIR.resolve("hardstate");
    disk.flipBit(hardState, 12, 0);
    assertNames(refused(1 << 20), hardState, 0);
  }

  @Test
  void aMissingHardStateIsRefusedWhenThereIsALog() throws IOException {
    tenEntries(1 << 20);
    disk.delete(DIR.resolve("hardstate"));
    StorageCorruptedException e = refused(1 << 20);
    assertEquals(DIR.resolve("hardstate"), e.file());
    assertTrue(e.getMessage().contains("missing"), e.getMessage());
  }

  @Test
  void aDamagedSnapshotHeaderIsRefused() throws IOException {
    withSnapshot();
    Path snapshot = DIR.resolve("snapshot");
    disk.flipBit(snapshot, 20, 1);
    assertNames(refused(1 << 20), snapshot, 0);
  }

  @Test
  void aTruncatedSnapshotIsRefused() throws IOException {
    withSnapshot();
    Path snapshot = DIR.resolve("snapshot");
    truncate(snapshot, disk.read(snapshot).length - 1);
    StorageCorruptedException e = refused(1 << 20);
    assertEquals(snapshot, e.file());
  }

  @Test
  void aDamagedSnapshotChunkIsReportedWhenReadAndNeverReturned() throws IOException {
    byte[] state = withSnapshot();
    Path snapshot = DIR.resolve("snapshot");
    int size = disk.read(snapshot).length;
    disk.flipBit(snapshot, size - 1000, 5); // inside the second data chunk
    try (FileStorage s = FileStorage.open(DIR, options(1 << 20))) {
      assertEquals(new SnapshotMetadata(5, 1), s.snapshotMetadata()); // header and end are fine
      try (SnapshotReader r = s.openSnapshot()) {
        byte[] firstChunk = r.input().readNBytes(SnapshotFile.CHUNK);
        assertArrayEquals(java.util.Arrays.copyOf(state, SnapshotFile.CHUNK), firstChunk);
        StorageCorruptedException e =
            assertThrows(StorageCorruptedException.class, () -> r.input().readAllBytes());
        assertEquals(snapshot, e.file());
        assertTrue(e.getMessage().contains("checksum"), e.getMessage());
      }
      assertThrows(StorageCorruptedException.class, s::snapshot);
    }
  }

  private byte[] withSnapshot() {
    byte[] state = new byte[SnapshotFile.CHUNK + 5000];
    new Random(9).nextBytes(state);
    tenEntries(1 << 20);
    try (FileStorage s = FileStorage.open(DIR, options(1 << 20))) {
      s.saveSnapshot(new SnapshotMetadata(5, 1), new ByteArrayInputStream(state));
    }
    lines.lines.clear();
    return state;
  }

  @Test
  void aDamagedRecordIsNeverReturnedByALaterRead() throws IOException {
    Path segment = tenEntries(1 << 20).get(0);
    try (FileStorage s = FileStorage.open(DIR, options(1 << 20))) {
      disk.flipBit(segment, position(3) + 20, 0); // bit rot while the storage is open
      StorageCorruptedException e =
          assertThrows(StorageCorruptedException.class, () -> s.entries(1, 11, Long.MAX_VALUE));
      assertNames(e, segment, position(3));
      assertEquals(entries(4, 10), s.entries(4, 11, Long.MAX_VALUE)); // the rest still reads
    }
  }

  @Test
  void aTornHeaderOfANewLastSegmentIsDeleted() throws IOException {
    List<Path> segments = tenEntries(1 << 20);
    Path next = DIR.resolve(Segment.name(2));
    try (FileChannel ch =
        disk.open(next, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(new byte[] {0, 0, 0, 32, 1}), 0);
    }
    try (FileStorage s = FileStorage.open(DIR, options(1 << 20))) {
      assertEquals(10, s.lastIndex());
      assertEquals(segments, s.segmentFiles());
      assertTrue(warning().contains("torn segment header"), warning());
    }
    assertFalse(disk.exists(next));
  }

  @Test
  void leftoverTemporaryFilesAreDeletedWithANote() throws IOException {
    tenEntries(1 << 20);
    for (String name : List.of("hardstate.tmp", "snapshot-0-5.tmp")) {
      disk.open(DIR.resolve(name), StandardOpenOption.CREATE, StandardOpenOption.WRITE).close();
    }
    try (FileStorage s = FileStorage.open(DIR, options(1 << 20))) {
      assertEquals(10, s.lastIndex());
    }
    assertFalse(disk.exists(DIR.resolve("hardstate.tmp")));
    assertFalse(disk.exists(DIR.resolve("snapshot-0-5.tmp")));
    assertEquals(
        2, lines.at(Level.INFO).stream().filter(l -> l.contains("interrupted write")).count());
  }

  @Test
  void whatARestartReadsIsSyncedBeforeItIsUsed() throws IOException {
    // A commit index saved without a sync survives a crash of the process in the operating
    // system's cache; the restarted storage must make it durable before it reports it, or a
    // power loss later would take back what the node acted on.
    for (long seed = 0; seed < 30; seed++) {
      FaultyDisk d = new FaultyDisk(new Random(seed));
      FileStorage.Options o = options(1 << 20).withIo(new FaultyDiskIo(d));
      FileStorage s = FileStorage.open(DIR, o);
      s.save(new HardState(1, "a", 0), entries(1, 10));
      s.save(new HardState(1, "a", 8), List.of()); // no sync of its own
      d.crash();
      s = FileStorage.open(DIR, o);
      assertEquals(8, s.hardState().commit());
      d.powerLoss();
      s = FileStorage.open(DIR, o);
      assertEquals(8, s.hardState().commit(), "seed " + seed);
      s.close();
    }
  }

  // ---- the same rules on the real file system

  @Test
  void onDiskATornTailIsTruncatedAndMidLogDamageRefused(@TempDir Path dir) throws IOException {
    FileStorage.Options o = FileStorage.Options.defaults().withCacheBytes(0).withLogger(lines);
    Path segment;
    try (FileStorage s = FileStorage.open(dir, o)) {
      for (long i = 1; i <= 10; i++) {
        s.append(List.of(entry(i)));
      }
      segment = s.segmentFiles().get(0);
    }
    try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.WRITE)) {
      ch.truncate(position(11) - 3);
    }
    try (FileStorage s = FileStorage.open(dir, o)) {
      assertEquals(9, s.lastIndex());
      assertTrue(warning().contains("byte " + position(10)), warning());
    }
    try (RandomAccessFile f = new RandomAccessFile(segment.toFile(), "rw")) {
      f.seek(position(4) + 25);
      int b = f.read();
      f.seek(position(4) + 25);
      f.write(b ^ 0x10);
    }
    StorageCorruptedException e =
        assertThrows(StorageCorruptedException.class, () -> FileStorage.open(dir, o));
    assertEquals(segment, e.file());
    assertEquals(position(4), e.offset());
    assertTrue(Files.size(segment) == position(10), "nothing was truncated");
  }
}
