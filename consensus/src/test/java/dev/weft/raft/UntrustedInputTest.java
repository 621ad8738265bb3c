package dev.weft.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.raft.RaftMessage.AppendEntries;
import dev.weft.raft.RaftMessage.AppendEntriesResponse;
import dev.weft.raft.RaftMessage.Heartbeat;
import dev.weft.raft.RaftMessage.HeartbeatResponse;
import dev.weft.raft.RaftMessage.RequestVote;
import dev.weft.raft.RaftMessage.RequestVoteResponse;
import java.lang.System.Logger.Level;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Messages from the network are not trusted: malformed or impossible ones are dropped with no
 * change of state, counted, and logged at WARNING without their data; stale, duplicated and
 * reordered ones are handled.
 */
class UntrustedInputTest {
  private static final List<String> ABC = List.of("a", "b", "c");
  private static final byte[] SECRET =
      "secret-payload".getBytes(java.nio.charset.StandardCharsets.UTF_8);

  /** A follower at term 2 with log [1/1, 2/2], commit 1, following b. */
  private static TestNode follower() {
    TestNode a = TestNode.withLog("a", ABC, 2, 1, 2);
    a.step(new AppendEntries("b", "a", 2, 2, 2, List.of(), 1));
    a.drain();
    return a;
  }

  @Test
  void malformedMessagesAreDroppedWithoutAnyChange() {
    List<RaftMessage> malformed =
        List.of(
            new AppendEntries("b", "a", -1, 0, 0, List.of(), 0),
            new AppendEntries("b", "a", 3, -1, 0, List.of(), 0),
            new AppendEntries("b", "a", 3, 2, 2, List.of(), -5),
            new AppendEntries("b", "a", 3, 2, 0, List.of(), 0),
            new AppendEntries("b", "a", 3, 0, 1, List.of(), 0),
            new AppendEntries("b", "a", 3, 2, 4, List.of(), 0),
            new AppendEntries(
                "b",
                "a",
                3,
                2,
                2,
                List.of(new LogEntry(4, 3, SECRET), new LogEntry(3, 3, SECRET)),
                0),
            new AppendEntries("b", "a", 3, 2, 2, List.of(new LogEntry(3, 1, SECRET)), 0),
            new AppendEntries("b", "a", 3, 2, 2, List.of(new LogEntry(3, 4, SECRET)), 0),
            new AppendEntries(
                "b",
                "a",
                3,
                Long.MAX_VALUE,
                2,
                List.of(new LogEntry(Long.MIN_VALUE, 3, SECRET)),
                0),
            new Heartbeat("b", "a", 2, -1),
            new Heartbeat("b", "a", 2, 99),
            new Heartbeat("c", "a", 2, 0),
            new RequestVote("c", "a", 3, -1, 0, false),
            new RequestVote("c", "a", 3, 5, 4, false),
            new RequestVote("c", "a", 3, 0, 2, true),
            new AppendEntriesResponse("c", "a", 2, false, 3, 4, 1),
            new AppendEntriesResponse("c", "a", 2, false, 3, 1, 7),
            new AppendEntriesResponse("c", "a", 2, true, -3, 0, 0),
            new HeartbeatResponse("c", "a", -2),
            new RequestVoteResponse("c", "a", -1, true, false),
            new AppendEntries(
                "b",
                "a",
                3,
                2,
                2,
                List.of(new LogEntry(3, 3, LogEntry.Kind.MEMBERSHIP, SECRET)),
                0),
            new Heartbeat("a", "a", 9, 0));
    for (RaftMessage m : malformed) {
      TestNode a = follower();
      RaftStatus before = a.status();
      HardState hs = a.storage.hardState();
      List<Long> log = a.logTerms();
      int warnings = a.logger.at(Level.WARNING).size();
      a.step(m);
      assertEquals(List.of(), a.drain(), "no answer to " + m);
      assertEquals(before, a.status(), "state unchanged by " + m);
      assertEquals(hs, a.storage.hardState());
      assertEquals(log, a.logTerms());
      assertEquals(1, a.node.malformedMessages(), m.toString());
      List<RecordingLogger.Line> lines = a.logger.at(Level.WARNING);
      assertEquals(warnings + 1, lines.size(), "one warning for " + m);
      String line = lines.get(lines.size() - 1).message();
      assertTrue(line.contains("dropped malformed"), line);
      assertFalse(line.contains("secret") || line.contains("736563726574"), "no data: " + line);
    }
  }

  @Test
  void aLeaderDropsImpossibleAcknowledgements() {
    TestNode a = TestNode.create("a", ABC);
    a.becomeLeader();
    a.step(new AppendEntriesResponse("b", "a", 1, true, 1_000, 0, 0));
    a.drain();
    assertEquals(0, a.status().commitIndex());
    assertEquals(1, a.node.malformedMessages());
    a.step(new AppendEntries("b", "a", 1, 0, 0, List.of(), 0));
    assertEquals(2, a.node.malformedMessages(), "a second leader in the same term");
    assertEquals(Role.LEADER, a.status().role());
  }

  @Test
  void duplicatedAndReorderedAppendsLeaveTheSameLog() {
    List<RaftMessage> appends =
        List.of(
            new AppendEntries("b", "a", 1, 0, 0, TestNode.entries(1, 1), 0),
            new AppendEntries("b", "a", 1, 1, 1, TestNode.entries(2, 1), 1),
            new AppendEntries("b", "a", 1, 2, 1, TestNode.entries(3, 1), 2));
    int[][] orders = {{0, 1, 2}, {2, 1, 0, 2, 1, 0}, {1, 0, 0, 2, 1, 2}, {0, 2, 1, 1, 2}};
    for (int[] order : orders) {
      TestNode a = TestNode.create("a", ABC);
      for (int i : order) {
        a.step(appends.get(i));
        a.drain();
      }
      // Whatever arrived out of order was refused, then the leader would retry: deliver in order.
      for (RaftMessage m : appends) {
        a.step(m);
        a.drain();
      }
      assertEquals(List.of(1L, 1L, 1L), a.logTerms(), java.util.Arrays.toString(order));
      assertEquals(2, a.status().commitIndex());
      assertEquals(0, a.node.malformedMessages());
    }
  }

  @Test
  void aLateAppendDoesNotTruncateWhatALaterOneAdded() {
    TestNode a = TestNode.create("a", ABC);
    a.step(new AppendEntries("b", "a", 1, 0, 0, TestNode.entries(1, 1, 1, 1), 0));
    a.drain();
    a.step(new AppendEntries("b", "a", 1, 0, 0, TestNode.entries(1, 1), 0));
    a.drain();
    assertEquals(List.of(1L, 1L, 1L), a.logTerms(), "a stale prefix does not cut the log");
  }

  @Test
  void staleMessagesAreLoggedAtDebugOnly() {
    TestNode a = follower();
    a.step(new AppendEntries("c", "a", 1, 0, 0, List.of(), 0));
    a.step(new RequestVoteResponse("c", "a", 2, true, false));
    a.drain();
    assertEquals(0, a.node.malformedMessages());
    assertEquals(0, a.logger.at(Level.WARNING).size());
    assertTrue(a.logger.at(Level.DEBUG).size() >= 2);
  }

  // Defect (issue 12): the DEBUG line for a rejected AppendEntries printed the whole message,
  // whose entries' data appeared in hexadecimal; ADR 14 promises log lines never carry entry data.
  @Test
  void noLogLineCarriesEntryData() {
    TestNode a = follower();
    // prevLogIndex 5 is beyond a's log: rejected, and logged at DEBUG
    a.step(new AppendEntries("b", "a", 2, 5, 2, List.of(new LogEntry(6, 2, SECRET)), 1));
    List<RaftMessage> out = a.drain();
    assertFalse(TestNode.only(RaftMessage.AppendEntriesResponse.class, out).get(0).success());
    assertTrue(a.logger.at(Level.DEBUG).size() > 0, "the rejection was logged");
    for (RecordingLogger.Line line : a.logger.lines) {
      assertFalse(
          line.message().contains("secret") || line.message().contains("736563726574"),
          "entry data in a log line: " + line);
    }
  }
}
