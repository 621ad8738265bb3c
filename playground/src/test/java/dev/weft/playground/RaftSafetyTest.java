package dev.weft.playground;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.raft.HardState;
import dev.weft.raft.LogEntry;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each property of the monitor, shown a history that breaks it (and one that does not). */
class RaftSafetyTest {
  private static LogEntry entry(long index, long term, String command) {
    return new LogEntry(index, term, Commands.bytes(command));
  }

  private static void assertBroken(String property, Runnable r) {
    Lab.Violation v = assertThrows(Lab.Violation.class, r::run);
    assertTrue(v.getMessage().startsWith(property + ": "), v.getMessage());
  }

  @Test
  void twoLeadersInOneTerm() {
    RaftSafety s = new RaftSafety();
    s.leader("n1", 2, 0, i -> -1);
    s.leader("n1", 2, 0, i -> -1);
    s.leader("n2", 3, 0, i -> -1);
    assertBroken("Election safety", () -> s.leader("n3", 2, 0, i -> -1));
  }

  @Test
  void twoEntriesWithOneIndexAndTermButDifferentCommands() {
    RaftSafety s = new RaftSafety();
    s.persisted("n1", List.of(entry(1, 1, "a")), i -> 0);
    s.persisted("n2", List.of(entry(1, 1, "a")), i -> 0);
    assertBroken("Log matching", () -> s.persisted("n3", List.of(entry(1, 1, "b")), i -> 0));
    assertBroken("Log matching", () -> s.persisted("n3", List.of(entry(1, 1, "a")), i -> 7));
  }

  @Test
  void aLaterLeaderWithoutACommittedEntry() {
    RaftSafety s = new RaftSafety();
    s.leader("n1", 1, 2, i -> 1); // commits indexes 1 and 2, both of term 1
    s.leader("n2", 2, 2, i -> 1); // holds them
    assertBroken("Leader completeness", () -> s.leader("n3", 3, 0, i -> i == 1 ? 1 : -1));
  }

  @Test
  void twoDifferentEntriesAppliedAtOneIndex() {
    RaftSafety s = new RaftSafety();
    s.applied("n1", entry(1, 1, "a"), 0);
    s.applied("n2", entry(1, 1, "a"), 0);
    assertBroken("State machine safety", () -> s.applied("n3", entry(1, 1, "b"), 0));
    assertBroken("State machine safety", () -> s.applied("n3", entry(2, 1, "c"), 0));
  }

  @Test
  void aVoteChangedWithinATermOrATermGoingBack() {
    RaftSafety s = new RaftSafety();
    s.hardState("n1", HardState.EMPTY, new HardState(2, "n2", 0));
    assertBroken(
        "Vote durability",
        () -> s.hardState("n1", new HardState(2, "n2", 0), new HardState(2, "n3", 0)));
    assertBroken(
        "Vote durability",
        () -> s.hardState("n1", new HardState(2, "n2", 0), new HardState(1, null, 0)));
    s.hardState("n1", new HardState(2, "n2", 0), new HardState(3, "n1", 0));
  }
}
