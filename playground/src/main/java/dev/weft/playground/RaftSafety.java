package dev.weft.playground;

import dev.weft.raft.HardState;
import dev.weft.raft.LogEntry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongUnaryOperator;

/**
 * Raft's safety properties (Ongaro and Ousterhout, USENIX ATC 2014, Figure 3), checked from what
 * the playground sees of each node as the run goes: its persisted entries and hard state, the
 * entries it applies, and, after every event, which nodes lead and what they have committed. A
 * broken property throws {@link Lab.Violation} naming it.
 *
 * <p>It is fed plain values (ids, terms, entries, a function from index to term), not nodes, so its
 * tests can show it a broken history directly.
 */
final class RaftSafety {
  /** The properties checked, with the names the page shows. */
  enum Property {
    ELECTION_SAFETY("Election safety", "at most one leader per term"),
    LOG_MATCHING(
        "Log matching", "entries with the same index and term hold the same command and history"),
    LEADER_COMPLETENESS(
        "Leader completeness", "a committed entry is in the log of every later leader"),
    STATE_MACHINE_SAFETY(
        "State machine safety", "no two nodes apply different entries at one index"),
    VOTE_DURABILITY("Vote durability", "a node's term never goes back; one vote per term");

    final String title;
    final String meaning;

    Property(String title, String meaning) {
      this.title = title;
      this.meaning = meaning;
    }
  }

  /** What was first stored at an (index, term): the term before it and the command. */
  private record Stored(long prevTerm, byte[] data) {}

  private final Map<Long, String> leaderOfTerm = new HashMap<>();
  private final Map<String, Stored> stored = new HashMap<>();
  // committedTerm.get(i - 1): the term of the entry committed at index i; committedIn likewise the
  // term of the leader that first reported it committed.
  private final List<Long> committedTerm = new ArrayList<>();
  private final List<Long> committedIn = new ArrayList<>();
  private final List<LogEntry> applied = new ArrayList<>();
  private final Map<String, Long> completeUpTo = new HashMap<>();
  private long checks;

  /**
   * After an event: {@code id} is leader of {@code term} with commit index {@code commit}.
   *
   * @param termAt the term of the entry at an index of the leader's log, or -1 past its end
   */
  void leader(String id, long term, long commit, LongUnaryOperator termAt) {
    String other = leaderOfTerm.putIfAbsent(term, id);
    if (other != null && !other.equals(id)) {
      fail(Property.ELECTION_SAFETY, other + " and " + id + " are both leaders of term " + term);
    }
    for (long i = committedTerm.size() + 1; i <= commit; i++) {
      committedTerm.add(termAt.applyAsLong(i));
      committedIn.add(term);
    }
    String key = id + "/" + term;
    long from = completeUpTo.getOrDefault(key, 0L);
    for (long i = from + 1; i <= committedTerm.size(); i++) {
      long entryTerm = committedTerm.get((int) i - 1);
      if (committedIn.get((int) i - 1) < term && termAt.applyAsLong(i) != entryTerm) {
        fail(
            Property.LEADER_COMPLETENESS,
            "entry "
                + i
                + " of term "
                + entryTerm
                + " was committed in term "
                + committedIn.get((int) i - 1)
                + ", but "
                + id
                + ", leader of term "
                + term
                + ", does not hold it");
      }
    }
    completeUpTo.put(key, (long) committedTerm.size());
  }

  /**
   * {@code id} has persisted {@code entries}.
   *
   * @param prevTerm the term of the entry before an index in {@code id}'s log, now
   */
  void persisted(String id, List<LogEntry> entries, LongUnaryOperator prevTerm) {
    for (LogEntry e : entries) {
      long before = prevTerm.applyAsLong(e.index());
      Stored now = new Stored(before, e.data());
      Stored first = stored.putIfAbsent(e.index() + "/" + e.term(), now);
      if (first != null && (first.prevTerm() != before || !Arrays.equals(first.data(), e.data()))) {
        fail(
            Property.LOG_MATCHING,
            id
                + " stored entry "
                + e.index()
                + " of term "
                + e.term()
                + " with "
                + describe(e.data(), before)
                + ", but another node stored it with "
                + describe(first.data(), first.prevTerm()));
      }
    }
  }

  /** {@code id} has persisted a new hard state. */
  void hardState(String id, HardState before, HardState after) {
    if (after.term() < before.term()) {
      fail(
          Property.VOTE_DURABILITY,
          id + " went back from term " + before.term() + " to term " + after.term());
    }
    if (after.term() == before.term()
        && before.votedFor() != null
        && !before.votedFor().equals(after.votedFor())) {
      fail(
          Property.VOTE_DURABILITY,
          id
              + " voted for "
              + before.votedFor()
              + " and then for "
              + after.votedFor()
              + " in term "
              + after.term());
    }
  }

  /** {@code id} applies {@code e}, having applied {@code before} entries since it last started. */
  void applied(String id, LogEntry e, long before) {
    if (e.index() != before + 1) {
      fail(
          Property.STATE_MACHINE_SAFETY,
          id + " applied entry " + e.index() + " after applying " + before + " entries");
    }
    int i = (int) e.index() - 1;
    if (i < applied.size()) {
      LogEntry first = applied.get(i);
      if (first.term() != e.term() || !first.dataEquals(e.data())) {
        fail(
            Property.STATE_MACHINE_SAFETY,
            id + " applied " + e + " at index " + e.index() + ", where " + first + " was applied");
      }
    } else {
      applied.add(e);
    }
    if (i < committedTerm.size() && committedTerm.get(i) != e.term()) {
      fail(
          Property.STATE_MACHINE_SAFETY,
          id
              + " applied an entry of term "
              + e.term()
              + " at index "
              + e.index()
              + ", where a leader committed one of term "
              + committedTerm.get(i));
    }
  }

  /** Counts one round of checks (after an event or action). */
  void checked() {
    checks++;
  }

  long checks() {
    return checks;
  }

  /** The entries applied anywhere, entry {@code i} at position {@code i - 1}. */
  List<LogEntry> appliedEntries() {
    return List.copyOf(applied);
  }

  private static String describe(byte[] data, long prevTerm) {
    return (data.length == 0 ? "no command" : "command \"" + Commands.text(data) + "\"")
        + " after an entry of term "
        + prevTerm;
  }

  private static void fail(Property p, String detail) {
    throw new Lab.Violation(p.title, detail);
  }
}
