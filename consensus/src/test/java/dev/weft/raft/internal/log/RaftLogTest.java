package dev.weft.raft.internal.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.weft.raft.LogEntry;
import dev.weft.raft.MemoryStorage;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link RaftLog} (with {@link Unstable} in front of a {@link dev.weft.raft.MemoryStorage}) against
 * a naive oracle, a plain list of the entries the log should hold, over random appends, follower
 * appends with conflicts, persists (some of them late, after the log changed again), commits and
 * applies.
 */
class RaftLogTest {
  @Test
  void matchesAPlainListUnderRandomOperations() {
    Random r = new Random(4);
    for (int trial = 0; trial < 300; trial++) {
      MemoryStorage storage = new MemoryStorage();
      RaftLog log = new RaftLog(storage, 0, 0);
      List<LogEntry> oracle = new ArrayList<>();
      long committed = 0;
      long applied = 0;
      long term = 1;
      List<LogEntry> handedOut = null;
      for (int op = 0; op < 150; op++) {
        switch (r.nextInt(7)) {
          case 0 -> {
            // a leader appends
            term += r.nextInt(2);
            List<LogEntry> add = new ArrayList<>();
            for (int k = r.nextInt(3); k >= 0; k--) {
              add.add(entry(oracle.size() + add.size() + 1, term, r));
            }
            log.append(add);
            oracle.addAll(add);
          }
          case 1 -> {
            // a follower append, matching or not
            long prev = committed + r.nextInt((int) (oracle.size() - committed) + 2);
            long prevTerm = prev == 0 ? 0 : prev <= oracle.size() ? termAt(oracle, prev) : 1;
            if (r.nextInt(4) == 0 && prev > 0) {
              prevTerm++;
            }
            // A new leader's entries: a new term, so that no (index, term) is ever created twice
            // with different contents (Raft's Log Matching Property, which stableTo relies on).
            term++;
            List<LogEntry> add = new ArrayList<>();
            // A prefix of entries the log may already hold, then new ones: terms never decrease
            // along a log, which is what lets stableTo trust (index, term).
            boolean fresh = false;
            for (int k = r.nextInt(4); k > 0; k--) {
              long i = prev + add.size() + 1;
              fresh |= i > oracle.size() || r.nextBoolean();
              add.add(fresh ? entry(i, term, r) : oracle.get((int) i - 1));
            }
            long leaderCommit = r.nextInt((int) prev + add.size() + 1);
            long got = log.maybeAppend(prev, prevTerm, leaderCommit, add);
            boolean matches =
                prev == 0 || (prev <= oracle.size() && termAt(oracle, prev) == prevTerm);
            assertEquals(matches ? prev + add.size() : -1, got);
            if (matches) {
              for (LogEntry e : add) {
                if (e.index() <= oracle.size() && termAt(oracle, e.index()) == e.term()) {
                  continue;
                }
                oracle.subList((int) e.index() - 1, oracle.size()).clear();
                oracle.add(e);
              }
              committed = Math.max(committed, Math.min(leaderCommit, prev + add.size()));
            }
          }
          case 2 -> handedOut = log.unstableEntries();
          case 3 -> {
            // the application persists what the last Ready handed out (possibly stale by now)
            if (handedOut != null) {
              storage.append(handedOut);
              if (!handedOut.isEmpty()) {
                LogEntry last = handedOut.get(handedOut.size() - 1);
                log.stableTo(last.index(), last.term());
              }
              handedOut = null;
            }
          }
          case 4 -> {
            long c = committed + r.nextInt((int) (oracle.size() - committed) + 1);
            log.commitTo(c);
            committed = c;
          }
          case 5 -> {
            if (committed > applied) {
              List<LogEntry> next = log.nextCommittedEntries(r.nextInt(20));
              assertEquals(oracle.subList((int) applied, (int) applied + next.size()), next);
              applied += next.size();
              log.appliedTo(applied);
            }
          }
          default -> {
            long from = 1 + r.nextInt(oracle.size() + 1);
            assertEquals(
                oracle.subList((int) from - 1, oracle.size()), log.entries(from, Long.MAX_VALUE));
          }
        }
        check(log, oracle, committed, applied, r);
      }
      // Once everything is persisted, the storage holds exactly the log.
      storage.append(log.unstableEntries());
      if (!oracle.isEmpty()) {
        log.stableTo(oracle.size(), termAt(oracle, oracle.size()));
      }
      assertEquals(oracle, storage.entries(1, storage.lastIndex() + 1, Long.MAX_VALUE));
    }
  }

  private static void check(
      RaftLog log, List<LogEntry> oracle, long committed, long applied, Random r) {
    assertEquals(oracle.size(), log.lastIndex());
    assertEquals(committed, log.committed());
    assertEquals(applied, log.applied());
    for (long i = 0; i <= oracle.size(); i++) {
      assertEquals(i == 0 ? 0 : termAt(oracle, i), log.term(i));
    }
    long index = r.nextInt(oracle.size() + 1);
    long term = r.nextInt(6);
    long expect = Math.min(index, oracle.size());
    while (expect > 0 && termAt(oracle, expect) > term) {
      expect--;
    }
    assertEquals(expect, log.findConflictByTerm(index, term));
    long lastTerm = oracle.isEmpty() ? 0 : termAt(oracle, oracle.size());
    long otherIndex = r.nextInt(oracle.size() + 2);
    long otherTerm = r.nextInt(6);
    assertEquals(
        otherTerm > lastTerm || (otherTerm == lastTerm && otherIndex >= oracle.size()),
        log.isUpToDate(otherIndex, otherTerm));
    if (!oracle.isEmpty()) {
      long lo = 1 + r.nextInt(oracle.size());
      long hi = lo + r.nextInt((int) (oracle.size() - lo) + 2);
      long budget = r.nextInt(8);
      List<LogEntry> got = log.slice(lo, hi, budget);
      List<LogEntry> want = new ArrayList<>();
      long used = 0;
      for (long i = lo; i < hi; i++) {
        LogEntry e = oracle.get((int) i - 1);
        used += e.size();
        if (!want.isEmpty() && used > budget) {
          break;
        }
        want.add(e);
      }
      assertEquals(want, got);
    }
  }

  private static long termAt(List<LogEntry> oracle, long index) {
    return oracle.get((int) index - 1).term();
  }

  private static LogEntry entry(long index, long term, Random r) {
    return new LogEntry(index, term, new byte[r.nextInt(4)]);
  }

  @Test
  void committedEntriesCannotBeOverwrittenNorTheCommitIndexPassTheLog() {
    RaftLog log = new RaftLog(new MemoryStorage(), 0, 0);
    log.append(List.of(new LogEntry(1, 1, new byte[0]), new LogEntry(2, 1, new byte[0])));
    log.commitTo(2);
    assertThrows(
        IllegalStateException.class, () -> log.append(List.of(new LogEntry(2, 2, new byte[0]))));
    assertThrows(IllegalStateException.class, () -> log.commitTo(3));
    assertThrows(IllegalStateException.class, () -> log.appliedTo(3));
    assertThrows(IndexOutOfBoundsException.class, () -> log.term(3));
    assertThrows(IllegalArgumentException.class, () -> new RaftLog(new MemoryStorage(), 1, 0));
  }
}
