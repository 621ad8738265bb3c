package dev.weft.raft.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.raft.HardState;
import dev.weft.raft.LogEntry;
import dev.weft.raft.MutableStorage;
import dev.weft.raft.Snapshot;
import dev.weft.raft.SnapshotMetadata;
import dev.weft.raft.SnapshotReader;
import dev.weft.raft.SnapshotWriter;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The contract of {@link MutableStorage}, written once and run against every storage (STYLE.md item
 * 9): what {@code RaftStorage}'s Javadoc promises the core, what the writes promise the driver, and
 * for a durable storage, that all of it holds after a reopen.
 *
 * <p>Subclasses say how to create a storage and how to reopen it ({@code reopen} of a storage in
 * memory returns the same object: it is durable for as long as it lives).
 */
abstract class StorageContract {
  private final List<MutableStorage> open = new ArrayList<>();

  /** A new, empty storage. */
  abstract MutableStorage create() throws Exception;

  /** The same storage after a restart: for a durable one, closed and opened again. */
  abstract MutableStorage reopen(MutableStorage storage) throws Exception;

  /** Releases what the subclass created (temporary directories). */
  void cleanUp() throws Exception {}

  private MutableStorage fresh() throws Exception {
    MutableStorage s = create();
    open.add(s);
    return s;
  }

  private MutableStorage restart(MutableStorage s) throws Exception {
    MutableStorage r = reopen(s);
    open.add(r);
    return r;
  }

  @AfterEach
  void closeAll() throws Exception {
    for (MutableStorage s : open) {
      if (s instanceof AutoCloseable c) {
        c.close();
      }
    }
    cleanUp();
  }

  static LogEntry entry(long index, long term) {
    return new LogEntry(
        index, term, ("entry " + index + "/" + term).getBytes(StandardCharsets.UTF_8));
  }

  static List<LogEntry> entries(long from, long to, long term) {
    List<LogEntry> out = new ArrayList<>();
    for (long i = from; i <= to; i++) {
      out.add(entry(i, term));
    }
    return out;
  }

  static List<LogEntry> all(MutableStorage s) {
    return s.entries(s.firstIndex(), s.lastIndex() + 1, Long.MAX_VALUE);
  }

  static byte[] bytes(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  static byte[] readAll(SnapshotReader reader) throws IOException {
    return reader.input().readAllBytes();
  }

  @Test
  void aNewStorageIsEmpty() throws Exception {
    MutableStorage s = fresh();
    assertEquals(HardState.EMPTY, s.hardState());
    assertEquals(1, s.firstIndex());
    assertEquals(0, s.lastIndex());
    assertEquals(0, s.term(0));
    assertEquals(List.of(), s.entries(1, 1, 100));
    assertEquals(Snapshot.EMPTY, s.snapshot());
    assertEquals(SnapshotMetadata.EMPTY, s.snapshotMetadata());
    assertThrows(IndexOutOfBoundsException.class, () -> s.term(1));
    assertThrows(IllegalStateException.class, s::openSnapshot);
  }

  @Test
  void appendedEntriesAreReadBackAfterARestart() throws Exception {
    MutableStorage s = fresh();
    s.append(entries(1, 3, 1));
    s.append(entries(4, 9, 2));
    s.append(List.of());
    s = restart(s);
    assertEquals(1, s.firstIndex());
    assertEquals(9, s.lastIndex());
    assertEquals(1, s.term(3));
    assertEquals(2, s.term(4));
    List<LogEntry> expected = new ArrayList<>(entries(1, 3, 1));
    expected.addAll(entries(4, 9, 2));
    assertEquals(expected, all(s));
    assertEquals(entries(5, 7, 2), s.entries(5, 8, Long.MAX_VALUE));
  }

  @Test
  void anAppendAtAnExistingIndexReplacesTheSuffix() throws Exception {
    MutableStorage s = fresh();
    s.append(entries(1, 10, 1));
    s.append(entries(6, 7, 2)); // Raft §5.3: a conflicting entry and all that follow go
    assertEquals(7, s.lastIndex());
    assertEquals(2, s.term(6));
    s = restart(s);
    List<LogEntry> expected = new ArrayList<>(entries(1, 5, 1));
    expected.addAll(entries(6, 7, 2));
    assertEquals(expected, all(s));
    s.append(entries(1, 2, 3)); // from the very start
    s = restart(s);
    assertEquals(entries(1, 2, 3), all(s));
  }

  @Test
  void badAppendsAreRefusedAndChangeNothing() throws Exception {
    MutableStorage s = fresh();
    s.append(entries(1, 3, 1));
    assertThrows(IllegalArgumentException.class, () -> s.append(entries(5, 6, 1)));
    assertThrows(IllegalArgumentException.class, () -> s.append(List.of(entry(4, 1), entry(6, 1))));
    assertThrows(NullPointerException.class, () -> s.append(null));
    assertThrows(NullPointerException.class, () -> s.setHardState(null));
    assertEquals(entries(1, 3, 1), all(s));
    assertEquals(HardState.EMPTY, s.hardState());
  }

  @Test
  void entriesKeepToTheByteBudgetButReturnAtLeastOne() throws Exception {
    MutableStorage s = fresh();
    s.append(entries(1, 20, 1));
    int size = entry(1, 1).size();
    assertEquals(1, s.entries(1, 21, 0).size());
    assertEquals(3, s.entries(1, 21, 3L * size).size());
    assertEquals(3, s.entries(1, 21, 4L * size - 1).size());
    assertEquals(entries(10, 20, 1), s.entries(10, 21, Long.MAX_VALUE));
  }

  @Test
  void readsOutsideTheLogThrow() throws Exception {
    MutableStorage s = fresh();
    s.append(entries(1, 5, 1));
    assertThrows(IndexOutOfBoundsException.class, () -> s.term(6));
    assertThrows(IndexOutOfBoundsException.class, () -> s.term(-1));
    assertThrows(IndexOutOfBoundsException.class, () -> s.entries(0, 2, 100));
    assertThrows(IndexOutOfBoundsException.class, () -> s.entries(3, 2, 100));
    assertThrows(IndexOutOfBoundsException.class, () -> s.entries(1, 7, 100));
  }

  @Test
  void theHardStateIsStoredBySetAndBySave() throws Exception {
    MutableStorage s = fresh();
    s.setHardState(new HardState(3, "b", 0));
    assertEquals(new HardState(3, "b", 0), s.hardState());
    s.save(new HardState(4, null, 2), entries(1, 2, 4));
    s = restart(s);
    assertEquals(new HardState(4, null, 2), s.hardState());
    assertEquals(entries(1, 2, 4), all(s));
    s.setHardState(new HardState(4, "é-ünïcode", 2)); // a vote alone
    s.save(new HardState(4, "é-ünïcode", 2), List.of()); // unchanged: nothing to do
    s = restart(s);
    assertEquals(new HardState(4, "é-ünïcode", 2), s.hardState());
  }

  @Test
  void saveOfACommitAloneIsKeptOnAnOrderlyClose() throws Exception {
    MutableStorage s = fresh();
    s.save(new HardState(1, "a", 0), entries(1, 4, 1));
    s.save(new HardState(1, "a", 3), List.of());
    assertEquals(new HardState(1, "a", 3), s.hardState());
    s = restart(s);
    assertEquals(new HardState(1, "a", 3), s.hardState());
  }

  @Test
  void aSnapshotIsStoredAndStreamedBack() throws Exception {
    MutableStorage s = fresh();
    s.append(entries(1, 10, 2));
    byte[] state = bytes(700_000, 1); // several chunks of the file format
    byte[] configuration = "a,b,c".getBytes(StandardCharsets.UTF_8);
    SnapshotMetadata meta = new SnapshotMetadata(7, 2, configuration);
    try (SnapshotWriter w = s.beginSnapshot(meta)) {
      assertEquals(meta, w.metadata());
      w.output().write(state, 0, 100);
      w.output().write(state[100]);
      w.output().write(state, 101, state.length - 101);
      w.commit();
    }
    for (int round = 0; round < 2; round++) {
      assertEquals(meta, s.snapshotMetadata());
      try (SnapshotReader r = s.openSnapshot()) {
        assertEquals(meta, r.metadata());
        assertEquals(state.length, r.size());
        assertArrayEquals(state, readAll(r));
      }
      assertEquals(new Snapshot(7, 2, state), s.snapshot());
      assertEquals(7, s.hardState().commit()); // a snapshot holds only committed entries
      s = restart(s);
    }
  }

  @Test
  void anEmptySnapshotStateIsAllowed() throws Exception {
    MutableStorage s = fresh();
    s.append(entries(1, 3, 1));
    s.saveSnapshot(new SnapshotMetadata(2, 1), new ByteArrayInputStream(new byte[0]));
    s = restart(s);
    try (SnapshotReader r = s.openSnapshot()) {
      assertEquals(0, r.size());
      assertEquals(-1, r.input().read());
    }
  }

  @Test
  void aSnapshotOfAnEntryTheLogHoldsKeepsTheLog() throws Exception {
    MutableStorage s = fresh();
    s.append(entries(1, 10, 1));
    s.saveSnapshot(new SnapshotMetadata(5, 1), new ByteArrayInputStream(bytes(10, 2)));
    assertEquals(1, s.firstIndex()); // not compacted until asked
    assertEquals(10, s.lastIndex());
    s = restart(s);
    assertEquals(entries(1, 10, 1), all(s));
    assertEquals(new SnapshotMetadata(5, 1), s.snapshotMetadata());
  }

  @Test
  void aSnapshotOfAnEntryTheLogLacksReplacesTheLog() throws Exception {
    MutableStorage s = fresh();
    s.append(entries(1, 10, 1));
    // Raft Figure 13, step 7: the log does not hold the snapshot's last entry: discard it
    s.saveSnapshot(new SnapshotMetadata(20, 3), new ByteArrayInputStream(bytes(10, 3)));
    for (int round = 0; round < 2; round++) {
      assertEquals(21, s.firstIndex());
      assertEquals(20, s.lastIndex());
      assertEquals(3, s.term(20));
      assertEquals(List.of(), s.entries(21, 21, 100));
      s = restart(s);
    }
    s.append(entries(21, 23, 3));
    s = restart(s);
    assertEquals(entries(21, 23, 3), all(s));
    assertEquals(3, s.term(20));
  }

  @Test
  void aSnapshotWhoseTermDiffersAtItsIndexReplacesTheLog() throws Exception {
    MutableStorage s = fresh();
    s.append(entries(1, 10, 1));
    s.saveSnapshot(new SnapshotMetadata(8, 2), new ByteArrayInputStream(bytes(10, 4)));
    s = restart(s);
    assertEquals(9, s.firstIndex());
    assertEquals(8, s.lastIndex());
    assertEquals(2, s.term(8));
  }

  @Test
  void compactionKeepsTheIndexesConsistent() throws Exception {
    MutableStorage s = fresh();
    s.append(entries(1, 40, 1));
    s.append(entries(41, 100, 2));
    s.saveSnapshot(new SnapshotMetadata(60, 2), new ByteArrayInputStream(bytes(10, 5)));
    assertThrows(IllegalArgumentException.class, () -> s.compact(61));
    assertThrows(IllegalArgumentException.class, () -> s.compact(-1));
    s.compact(60);
    MutableStorage r = s;
    for (int round = 0; round < 2; round++) {
      MutableStorage now = r;
      long first = now.firstIndex();
      assertTrue(first <= 61, "first index " + first + " after compacting to 60");
      assertEquals(first == 1 ? 0 : first - 1 <= 40 ? 1 : 2, now.term(first - 1));
      assertEquals(100, now.lastIndex());
      assertEquals(entries(61, 100, 2), now.entries(61, 101, Long.MAX_VALUE));
      if (first > 1) {
        assertThrows(IndexOutOfBoundsException.class, () -> now.term(first - 2));
      }
      r = restart(r);
    }
    long before = r.firstIndex();
    r.compact(10); // behind what is compacted: nothing happens
    assertEquals(before, r.firstIndex());
    r.append(entries(101, 105, 3));
    assertEquals(105, r.lastIndex());
  }

  @Test
  void entriesTheSnapshotCoversAreSkippedOnAppend() throws Exception {
    MutableStorage s = fresh();
    s.append(entries(1, 10, 1));
    s.saveSnapshot(new SnapshotMetadata(5, 1), new ByteArrayInputStream(bytes(10, 6)));
    s.append(entries(3, 12, 1)); // a leader's retransmission: 3..5 are committed, skipped
    s = restart(s);
    assertEquals(12, s.lastIndex());
    assertEquals(entries(6, 12, 1), s.entries(6, 13, Long.MAX_VALUE));
  }

  @Test
  void onlyANewerSnapshotIsStored() throws Exception {
    MutableStorage s = fresh();
    s.append(entries(1, 10, 1));
    assertThrows(IllegalArgumentException.class, () -> s.beginSnapshot(SnapshotMetadata.EMPTY));
    s.saveSnapshot(new SnapshotMetadata(5, 1), new ByteArrayInputStream(bytes(10, 7)));
    assertThrows(IllegalArgumentException.class, () -> s.beginSnapshot(new SnapshotMetadata(5, 1)));
    assertThrows(IllegalArgumentException.class, () -> s.beginSnapshot(new SnapshotMetadata(4, 1)));
    // two writers race: the later index wins, the other is refused on commit
    SnapshotWriter six = s.beginSnapshot(new SnapshotMetadata(6, 1));
    SnapshotWriter seven = s.beginSnapshot(new SnapshotMetadata(7, 1));
    seven.output().write(bytes(10, 8));
    seven.commit();
    six.output().write(bytes(10, 9));
    assertThrows(IllegalStateException.class, six::commit);
    six.close();
    seven.close();
    assertThrows(IllegalStateException.class, seven::commit);
    MutableStorage r = restart(s);
    assertEquals(new SnapshotMetadata(7, 1), r.snapshotMetadata());
    try (SnapshotReader reader = r.openSnapshot()) {
      assertArrayEquals(bytes(10, 8), readAll(reader));
    }
  }

  @Test
  void aSnapshotClosedWithoutCommitChangesNothing() throws Exception {
    MutableStorage s = fresh();
    s.append(entries(1, 10, 1));
    try (SnapshotWriter w = s.beginSnapshot(new SnapshotMetadata(20, 2))) {
      w.output().write(bytes(1000, 10));
    }
    s = restart(s);
    assertEquals(SnapshotMetadata.EMPTY, s.snapshotMetadata());
    assertEquals(entries(1, 10, 1), all(s));
  }

  @Test
  void theCommitIndexIsAtLeastTheSnapshotIndex() throws Exception {
    MutableStorage s = fresh();
    s.save(new HardState(2, "a", 1), entries(1, 10, 2));
    s.saveSnapshot(new SnapshotMetadata(6, 2), new ByteArrayInputStream(new byte[1]));
    assertEquals(new HardState(2, "a", 6), s.hardState());
    s = restart(s);
    assertEquals(new HardState(2, "a", 6), s.hardState());
  }
}
