package dev.weft.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The value types and storage of the API: configs, entries, hard states, MemoryStorage. */
class ApiTypesTest {
  private static final List<String> ABC = List.of("a", "b", "c");

  @Test
  void theFiveArgumentConfigHasDefaultsForEveryOption() {
    RaftConfig c = new RaftConfig("a", ABC, 10, 2, 7);
    assertEquals("a", c.id());
    assertEquals(ABC, c.voters());
    assertEquals(10, c.electionTicks());
    assertEquals(2, c.heartbeatTicks());
    assertEquals(7, c.randomSeed());
    assertTrue(c.preVote());
    assertTrue(c.checkQuorum());
    assertEquals(1 << 20, c.maxSizePerMessage());
    assertEquals(256, c.maxInflightMessages());
    assertEquals(32L << 20, c.maxInflightBytes());
    assertEquals(1 << 20, c.maxCommittedSizePerReady());
    assertEquals(0, c.appliedIndex());
    assertEquals(RaftConfig.LOGGER_NAME, c.logger().getName());
  }

  @Test
  void optionsComeFromWithMethodsAndConfigsAreValues() {
    RaftConfig c =
        new RaftConfig("a", ABC, 10, 2, 7)
            .withPreVote(false)
            .withCheckQuorum(false)
            .withMaxSizePerMessage(100)
            .withMaxInflightMessages(3)
            .withMaxInflightBytes(1_000)
            .withAppliedIndex(5);
    assertFalse(c.preVote());
    assertFalse(c.checkQuorum());
    assertEquals(100, c.maxSizePerMessage());
    assertEquals(3, c.maxInflightMessages());
    assertEquals(1_000, c.maxInflightBytes());
    assertEquals(5, c.appliedIndex());
    assertEquals(4, c.withHeartbeatTicks(4).withElectionTicks(20).heartbeatTicks());
    RaftConfig same =
        new RaftConfig("a", ABC, 10, 2, 7, false, false, 100, 3, 1_000, 1 << 20, 5, null);
    assertEquals(c, same);
    assertEquals(c.hashCode(), same.hashCode());
    assertNotEquals(c, c.withRandomSeed(8));
    assertTrue(c.toString().contains("maxInflightMessages=3"), c.toString());
    assertEquals(RaftConfig.LOGGER_NAME, c.logger().getName(), "the default logger");
  }

  @Test
  void badConfigsAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> new RaftConfig("d", ABC, 10, 1, 0));
    assertThrows(
        IllegalArgumentException.class, () -> new RaftConfig("a", List.of("a", "a"), 10, 1, 0));
    assertThrows(IllegalArgumentException.class, () -> new RaftConfig("a", ABC, 10, 0, 0));
    assertThrows(IllegalArgumentException.class, () -> new RaftConfig("a", ABC, 3, 3, 0));
    assertThrows(NullPointerException.class, () -> new RaftConfig(null, ABC, 10, 1, 0));
    RaftConfig ok = new RaftConfig("a", ABC, 10, 1, 0);
    assertThrows(IllegalArgumentException.class, () -> ok.withMaxInflightMessages(0));
    assertThrows(IllegalArgumentException.class, () -> ok.withMaxSizePerMessage(0));
    assertThrows(IllegalArgumentException.class, () -> ok.withAppliedIndex(-1));
    assertThrows(IllegalArgumentException.class, () -> ok.withHeartbeatTicks(10));
    assertThrows(IllegalArgumentException.class, () -> ok.withElectionTicks(1));
  }

  @Test
  void logEntriesAreValuesThatHoldTheirDataWithoutCopies() {
    byte[] data = {1, 2, 3};
    LogEntry e = new LogEntry(4, 2, data);
    assertSame(data, e.data(), "the entry holds the array it was given and hands it out");
    assertSame(e.data(), e.data());
    assertThrows(NullPointerException.class, () -> new LogEntry(1, 1, null));
    assertEquals(new LogEntry(4, 2, new byte[] {1, 2, 3}), e);
    assertEquals(new LogEntry(4, 2, new byte[] {1, 2, 3}).hashCode(), e.hashCode());
    assertNotEquals(new LogEntry(4, 2, new byte[] {1, 2}), e);
    assertEquals("4/2:010203", e.toString());
    assertEquals("1/1", new LogEntry(1, 1, new byte[0]).toString());
    assertEquals(3, e.size());
    assertTrue(e.dataEquals(new byte[] {1, 2, 3}));
    assertTrue(new LogEntry(1, 1, new byte[0]).isEmpty());
    assertTrue(new LogEntry(1, 1, new byte[40]).toString().endsWith("..+24"));
  }

  @Test
  void hardStatesRejectNegatives() {
    assertTrue(HardState.EMPTY.isEmpty());
    assertFalse(new HardState(1, null, 0).isEmpty());
    assertThrows(IllegalArgumentException.class, () -> new HardState(-1, null, 0));
    assertThrows(IllegalArgumentException.class, () -> new HardState(0, null, -1));
  }

  @Test
  void memoryStorageAppendReplacesTheSuffixFromTheFirstNewIndex() {
    MemoryStorage s = new MemoryStorage();
    assertEquals(1, s.firstIndex());
    assertEquals(0, s.lastIndex());
    assertEquals(0, s.term(0));
    assertEquals(HardState.EMPTY, s.hardState());
    assertEquals(Snapshot.EMPTY, s.snapshot());
    s.append(TestNode.entries(1, 1, 1, 2, 2));
    s.append(TestNode.entries(3, 3));
    assertEquals(3, s.lastIndex(), "entry 3 and everything after it were replaced");
    assertEquals(List.of(1L, 1L, 3L), terms(s));
    s.append(List.of());
    s.append(TestNode.entries(4, 3, 3));
    assertEquals(List.of(1L, 1L, 3L, 3L, 3L), terms(s));
    assertThrows(IllegalArgumentException.class, () -> s.append(TestNode.entries(7, 3)));
    assertThrows(
        IllegalArgumentException.class,
        () -> s.append(List.of(new LogEntry(6, 3, new byte[0]), new LogEntry(8, 3, new byte[0]))));
    assertThrows(IndexOutOfBoundsException.class, () -> s.term(6));
    assertThrows(IndexOutOfBoundsException.class, () -> s.entries(0, 2, 10));
    assertEquals(2, s.entries(1, 6, 2).size(), "data of one byte each: a budget of two");
    assertEquals(1, s.entries(1, 6, 0).size(), "at least one entry");
    s.setHardState(new HardState(3, "b", 2));
    assertEquals(new HardState(3, "b", 2), s.hardState());
    assertTrue(s.toString().contains("entries 1..5"), s.toString());
  }

  @Test
  void readiesAndStatusesAreValues() {
    Ready r = new Ready(null, List.of(), List.of(), List.of());
    assertTrue(r.isEmpty());
    assertNull(r.snapshot());
    List<LogEntry> entries = new ArrayList<>(TestNode.entries(1, 1));
    Ready s = new Ready(new HardState(1, "a", 0), entries, List.of(), List.of());
    entries.clear();
    assertEquals(1, s.entries().size(), "copied");
    assertFalse(s.isEmpty());
    Snapshot snap = new Snapshot(3, 2, new byte[] {1});
    assertEquals(new Snapshot(3, 2, new byte[] {1}), snap);
    assertThrows(IllegalArgumentException.class, () -> new Snapshot(-1, 0, new byte[0]));
  }

  private static List<Long> terms(MemoryStorage s) {
    List<Long> out = new ArrayList<>();
    for (long i = s.firstIndex(); i <= s.lastIndex(); i++) {
      out.add(s.term(i));
    }
    return out;
  }
}
