package dev.weft.raft;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The safety properties of Raft (Ongaro and Ousterhout, Figure 3), checked as a simulated cluster
 * runs: after every event, and on every entry persisted or applied. Each failure throws {@link
 * AssertionError} naming the property.
 *
 * <ul>
 *   <li>Election safety: at most one leader per term.
 *   <li>Log matching: two entries with the same index and term have the same data and the same
 *       previous term (which by induction makes the logs identical up to them), over every entry
 *       any node ever persisted.
 *   <li>Leader completeness: every entry committed in a term is in the log of every leader of a
 *       later term, for as long as it leads.
 *   <li>State machine safety: no two nodes apply different entries at one index; each node applies
 *       consecutive indexes from 1 (again from 1 after a restart); what nodes apply is what a
 *       leader committed.
 *   <li>Durable votes: a node's persisted term never decreases, and its vote never changes within a
 *       term, across restarts.
 * </ul>
 */
final class Invariants {
  /** A log position. */
  private record Position(long index, long term) {}

  /** What an entry at a position was first seen to hold. */
  private record Content(long prevTerm, LogEntry entry) {}

  /** An index a leader committed: the entry's term and the term of the leader that committed it. */
  private record Commit(long entryTerm, long commitTerm) {}

  private final Map<Long, String> leaders = new HashMap<>();
  private final Map<Position, Content> positions = new HashMap<>();
  private final List<Commit> commits = new ArrayList<>();
  private final List<LogEntry> applied = new ArrayList<>();
  private final Map<String, Long> verifiedUpTo = new HashMap<>();
  private long checks;

  /**
   * Checks what can be seen after an event: leaders, and what they committed.
   *
   * @param members the cluster's members, up or down
   */
  void afterEvent(Iterable<Cluster.Member> members) {
    checks++;
    for (Cluster.Member m : members) {
      if (!m.isUp()) {
        continue;
      }
      RaftStatus s = m.node().status();
      if (s.role() != Role.LEADER) {
        continue;
      }
      String other = leaders.putIfAbsent(s.term(), s.id());
      if (other != null && !other.equals(s.id())) {
        throw new AssertionError(
            "election safety: " + other + " and " + s.id() + " both lead term " + s.term());
      }
      recordCommits(m, s);
      checkCompleteness(m, s);
    }
  }

  private void recordCommits(Cluster.Member leader, RaftStatus s) {
    for (long i = commits.size() + 1; i <= s.commitIndex(); i++) {
      commits.add(new Commit(leader.storage().term(i), s.term()));
    }
  }

  private void checkCompleteness(Cluster.Member leader, RaftStatus s) {
    String key = leader.id() + "@" + s.term();
    long from = verifiedUpTo.getOrDefault(key, 0L);
    for (long i = from + 1; i <= commits.size(); i++) {
      Commit c = commits.get((int) (i - 1));
      if (c.commitTerm() >= s.term()) {
        continue;
      }
      MemoryStorage st = leader.storage();
      if (i > st.lastIndex() || st.term(i) != c.entryTerm()) {
        throw new AssertionError(
            "leader completeness: entry "
                + i
                + "/"
                + c.entryTerm()
                + " committed in term "
                + c.commitTerm()
                + " is missing from "
                + leader.id()
                + ", leader of term "
                + s.term());
      }
    }
    verifiedUpTo.put(key, (long) commits.size());
  }

  /**
   * Checks entries just persisted by {@code member} (its storage already holds them).
   *
   * @param member the node
   * @param entries the entries it stored
   */
  void onPersist(Cluster.Member member, List<LogEntry> entries) {
    MemoryStorage st = member.storage();
    for (LogEntry e : entries) {
      long prevTerm = st.term(e.index() - 1);
      Content c = new Content(prevTerm, e);
      Content seen = positions.putIfAbsent(new Position(e.index(), e.term()), c);
      if (seen != null && (seen.prevTerm() != prevTerm || !seen.entry().dataEquals(e.data()))) {
        throw new AssertionError(
            "log matching: "
                + member.id()
                + " stored "
                + e
                + " after term "
                + prevTerm
                + ", but "
                + seen.entry()
                + " after term "
                + seen.prevTerm()
                + " was stored before");
      }
    }
  }

  /**
   * Checks a hard state just persisted by {@code member}.
   *
   * @param member the node
   * @param before its previous durable hard state
   * @param after the new one
   */
  void onHardState(Cluster.Member member, HardState before, HardState after) {
    if (after.term() < before.term()) {
      throw new AssertionError(
          member.id() + " persisted term " + after.term() + " after " + before);
    }
    if (after.term() == before.term()
        && before.votedFor() != null
        && !before.votedFor().equals(after.votedFor())) {
      throw new AssertionError(
          "one vote per term: "
              + member.id()
              + " voted for "
              + before.votedFor()
              + " then "
              + after.votedFor()
              + " in term "
              + after.term());
    }
  }

  /**
   * Checks an entry {@code member} applies, as its {@code position}-th since it (re)started.
   *
   * @param member the node
   * @param e the entry
   * @param position how many entries it applied before this one, since its last start
   */
  void onApply(Cluster.Member member, LogEntry e, long position) {
    if (e.index() != position + 1) {
      throw new AssertionError(
          member.id() + " applied index " + e.index() + " after " + position + " entries");
    }
    int i = (int) (e.index() - 1);
    if (i < applied.size()) {
      LogEntry first = applied.get(i);
      if (first.term() != e.term() || !first.dataEquals(e.data())) {
        throw new AssertionError(
            "state machine safety: "
                + member.id()
                + " applied "
                + e
                + " where "
                + first
                + " was applied");
      }
    } else {
      applied.add(e);
    }
    if (i < commits.size() && commits.get(i).entryTerm() != e.term()) {
      throw new AssertionError(
          "state machine safety: "
              + member.id()
              + " applied "
              + e
              + " but a leader committed an entry of term "
              + commits.get(i).entryTerm()
              + " there");
    }
  }

  /**
   * Returns the entries applied anywhere, by index.
   *
   * @return the list, entry {@code i} at position {@code i - 1}
   */
  List<LogEntry> applied() {
    return applied;
  }

  /**
   * Returns how many terms had a leader.
   *
   * @return the number of distinct terms seen with a leader
   */
  int termsWithLeader() {
    return leaders.size();
  }

  /**
   * Returns how many times {@link #afterEvent} ran.
   *
   * @return the count
   */
  long checks() {
    return checks;
  }
}
