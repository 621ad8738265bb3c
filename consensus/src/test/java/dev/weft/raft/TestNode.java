package dev.weft.raft;

import dev.weft.raft.RaftMessage.RequestVote;
import dev.weft.raft.RaftMessage.RequestVoteResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * One node driven by hand, for paper-conformance and unit tests: a {@link RaftNode}, its storage,
 * the entries it applied, and a recording logger. {@link #drain()} handles every Ready the way an
 * application must (persist, then collect the messages, apply, advance).
 */
final class TestNode {
  final String id;
  final List<String> voters;
  final MemoryStorage storage;
  final RecordingLogger logger = new RecordingLogger();
  final List<LogEntry> applied = new ArrayList<>();
  final List<Ready> readies = new ArrayList<>();
  private final UnaryOperator<RaftConfig> options;
  RaftNode node;

  /** The snapshot bytes this node's application has gathered, stored when a Ready asks. */
  byte[] received = new byte[0];

  private TestNode(
      String id, List<String> voters, MemoryStorage storage, UnaryOperator<RaftConfig> options) {
    this.id = id;
    this.voters = voters;
    this.storage = storage;
    this.options = options;
    this.node = RaftNode.start(config(), storage);
  }

  /** A fresh node with election 10 ticks, heartbeat 1, PreVote and CheckQuorum off. */
  static TestNode create(String id, List<String> voters) {
    return create(id, voters, c -> c);
  }

  static TestNode create(String id, List<String> voters, UnaryOperator<RaftConfig> options) {
    return new TestNode(id, voters, new MemoryStorage(), options);
  }

  /**
   * A node whose storage already holds a log with the given entry terms (index 1, 2, ...) and the
   * given term, as if it had run before.
   */
  static TestNode withLog(String id, List<String> voters, long term, long... entryTerms) {
    MemoryStorage storage = new MemoryStorage();
    storage.append(entries(1, entryTerms));
    storage.setHardState(new HardState(term, null, 0));
    return new TestNode(id, voters, storage, c -> c);
  }

  static List<LogEntry> entries(long firstIndex, long... terms) {
    List<LogEntry> out = new ArrayList<>();
    for (int i = 0; i < terms.length; i++) {
      out.add(new LogEntry(firstIndex + i, terms[i], new byte[] {(byte) i}));
    }
    return out;
  }

  private RaftConfig config() {
    RaftConfig base =
        new RaftConfig(id, voters, 10, 1, id.hashCode())
            .withPreVote(false)
            .withCheckQuorum(false)
            .withLogger(logger);
    return options.apply(base);
  }

  /** Throws away the node (a crash) and starts a new one on the same storage. */
  TestNode restart() {
    applied.clear();
    node = RaftNode.start(config(), storage);
    return this;
  }

  /** Handles every Ready; returns the messages, in order. */
  List<RaftMessage> drain() {
    List<RaftMessage> out = new ArrayList<>();
    while (node.hasReady()) {
      Ready r = node.ready();
      readies.add(r);
      if (r.snapshot() != null) {
        // the application gathered the chunks; here the test hands over the state it "received"
        storage.saveSnapshot(r.snapshot(), new java.io.ByteArrayInputStream(received));
      }
      storage.append(r.entries());
      if (r.hardState() != null) {
        storage.setHardState(r.hardState());
      }
      out.addAll(r.messages());
      applied.addAll(r.committedEntries());
      node.advance(r);
    }
    return out;
  }

  void tick(int times) {
    for (int i = 0; i < times; i++) {
      node.tick();
    }
  }

  void step(RaftMessage m) {
    node.step(m);
  }

  /** The node's status without its configuration (see {@link RaftNode#membership()}). */
  RaftStatus status() {
    RaftStatus s = node.status();
    return new RaftStatus(s.id(), s.term(), s.role(), s.leader(), s.commitIndex(), s.lastIndex());
  }

  /** Ticks until the node starts a (pre-)election; fails if it does not within 2 timeouts. */
  void campaign() {
    for (int i = 0; i < 20 && node.status().role() == Role.FOLLOWER; i++) {
      node.tick();
    }
    if (node.status().role() == Role.FOLLOWER) {
      throw new AssertionError(id + " did not campaign: " + node.status());
    }
  }

  /** Ticks until the node campaigns, then grants every vote it asks for, until it leads. */
  List<RaftMessage> becomeLeader() {
    campaign();
    for (int round = 0; round < 3 && node.status().role() != Role.LEADER; round++) {
      for (RaftMessage m : drain()) {
        if (m instanceof RequestVote v) {
          node.step(new RequestVoteResponse(v.to(), id, v.term(), true, v.preVote()));
        }
      }
    }
    if (node.status().role() != Role.LEADER) {
      throw new AssertionError(id + " did not become leader: " + node.status());
    }
    return drain();
  }

  /** The terms of the entries in storage, from index 1. */
  List<Long> logTerms() {
    List<Long> terms = new ArrayList<>();
    for (long i = storage.firstIndex(); i <= storage.lastIndex(); i++) {
      terms.add(storage.term(i));
    }
    return terms;
  }

  /** Messages of type {@code type} in {@code messages}. */
  static <T extends RaftMessage> List<T> only(Class<T> type, List<RaftMessage> messages) {
    List<T> out = new ArrayList<>();
    for (RaftMessage m : messages) {
      if (type.isInstance(m)) {
        out.add(type.cast(m));
      }
    }
    return out;
  }
}
