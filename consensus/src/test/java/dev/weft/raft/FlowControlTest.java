package dev.weft.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.raft.RaftMessage.AppendEntries;
import dev.weft.raft.RaftMessage.AppendEntriesResponse;
import dev.weft.raft.RaftMessage.HeartbeatResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Flow control on the leader (docs/adr/0013): a follower whose log position is unknown is probed
 * one message at a time; once it matches, entries are batched into messages of at most {@code
 * maxSizePerMessage} bytes and pipelined, with at most {@code maxInflightMessages} messages and
 * (about) {@code maxInflightBytes} bytes unacknowledged per follower.
 */
class FlowControlTest {
  private static final List<String> ABC = List.of("a", "b", "c");

  /** A leader of term 1 whose no-op (index 1) is unacknowledged by both followers. */
  private static TestNode leader(UnaryOperator<RaftConfig> options) {
    TestNode a = TestNode.create("a", ABC, options);
    a.becomeLeader();
    return a;
  }

  private static void propose(TestNode a, int count, int bytes) {
    for (int i = 0; i < count; i++) {
      a.node.propose(new byte[bytes]);
    }
  }

  private static List<AppendEntries> appendsTo(String to, List<RaftMessage> messages) {
    List<AppendEntries> out = new ArrayList<>();
    for (AppendEntries m : TestNode.only(AppendEntries.class, messages)) {
      if (m.to().equals(to) && !m.entries().isEmpty()) {
        out.add(m);
      }
    }
    return out;
  }

  private static long bytes(AppendEntries m) {
    return m.entries().stream().mapToLong(LogEntry::size).sum();
  }

  private static AppendEntriesResponse ack(String from, long index) {
    return new AppendEntriesResponse(from, "a", 1, true, index, 0, 0);
  }

  @Test
  void aProbedFollowerGetsOneMessageUntilItAnswers() {
    TestNode a = leader(c -> c);
    propose(a, 5, 1);
    assertEquals(List.of(), appendsTo("b", a.drain()), "the no-op's probe is unanswered");
    a.step(new HeartbeatResponse("b", "a", 1));
    List<AppendEntries> sent = appendsTo("b", a.drain());
    assertEquals(1, sent.size(), "a heartbeat answer allows one more probe: " + sent);
    assertEquals(0, sent.get(0).prevLogIndex(), "still from where the follower may match");
    assertEquals(6, sent.get(0).entries().size(), "the probe carries the entries, batched");
  }

  @Test
  void entriesAreBatchedWithinTheSizeLimitAndPipelined() {
    TestNode a = leader(c -> c.withMaxSizePerMessage(10));
    propose(a, 6, 4);
    a.drain();
    a.step(ack("b", 1));
    List<AppendEntries> sent = appendsTo("b", a.drain());
    assertEquals(3, sent.size(), "six 4-byte entries in messages of at most 10 bytes: " + sent);
    long next = 2;
    for (AppendEntries m : sent) {
      assertTrue(bytes(m) <= 10, m + " carries " + bytes(m) + " bytes");
      assertEquals(next - 1, m.prevLogIndex(), "pipelined: each follows the previous one");
      next += m.entries().size();
    }
    assertEquals(8, next, "every entry sent without waiting for an answer");
  }

  @Test
  void anEntryLargerThanTheSizeLimitTravelsAlone() {
    TestNode a = leader(c -> c.withMaxSizePerMessage(10));
    propose(a, 2, 50);
    a.drain();
    a.step(ack("b", 1));
    List<AppendEntries> sent = appendsTo("b", a.drain());
    assertEquals(List.of(1, 1), sent.stream().map(m -> m.entries().size()).toList());
  }

  @Test
  void atMostMaxInflightMessagesAreUnacknowledged() {
    TestNode a = leader(c -> c.withMaxInflightMessages(2));
    a.drain();
    a.step(ack("b", 1));
    a.drain();
    List<AppendEntries> sent = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      propose(a, 1, 1);
      sent.addAll(appendsTo("b", a.drain()));
    }
    assertEquals(2, sent.size(), "the window of two is full: " + sent);
    assertEquals(List.of(2L), sent.get(0).entries().stream().map(LogEntry::index).toList());
    assertEquals(List.of(3L), sent.get(1).entries().stream().map(LogEntry::index).toList());

    a.step(ack("b", 2));
    List<AppendEntries> more = appendsTo("b", a.drain());
    assertEquals(1, more.size(), "one acknowledged, one more may leave: " + more);
    assertEquals(
        List.of(4L, 5L, 6L, 7L), more.get(0).entries().stream().map(LogEntry::index).toList());
    assertEquals(7, a.status().lastIndex());
  }

  @Test
  void noNewMessageOnceMaxInflightBytesAreUnacknowledged() {
    TestNode a = leader(c -> c.withMaxInflightBytes(10));
    a.drain();
    a.step(ack("b", 1));
    a.drain();
    List<AppendEntries> sent = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      propose(a, 1, 4);
      sent.addAll(appendsTo("b", a.drain()));
    }
    assertEquals(
        List.of(4L, 4L, 4L),
        sent.stream().map(FlowControlTest::bytes).toList(),
        "4 + 4 bytes leave room for one more; 12 bytes fill the budget of 10");

    a.step(ack("b", 4));
    List<AppendEntries> more = appendsTo("b", a.drain());
    assertEquals(
        List.of(List.of(5L, 6L), List.of(7L)),
        more.stream().map(m -> m.entries().stream().map(LogEntry::index).toList()).toList(),
        "the acknowledgement freed the budget: 8 bytes, then one entry in the last 2 bytes");
  }

  @Test
  void aRejectionWhileStreamingFallsBackToProbing() {
    TestNode a = leader(c -> c);
    a.drain();
    a.step(ack("b", 1));
    a.drain();
    propose(a, 3, 1);
    assertEquals(3, appendsTo("b", a.drain()).size(), "streaming, one message per proposal");
    // b lost its messages (say it restarted before storing them) and rejects index 3.
    a.step(new AppendEntriesResponse("b", "a", 1, false, 3, 1, 1));
    List<AppendEntries> probe = appendsTo("b", a.drain());
    assertEquals(1, probe.size(), "one probe: " + probe);
    assertEquals(1, probe.get(0).prevLogIndex(), "from the follower's hint");
    propose(a, 1, 1);
    assertEquals(List.of(), appendsTo("b", a.drain()), "nothing more until the probe is answered");
  }
}
