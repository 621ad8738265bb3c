package dev.weft.raft.server;

import static dev.weft.raft.server.Replicas.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.raft.HardState;
import dev.weft.raft.QuietLogger;
import dev.weft.raft.RaftConfig;
import dev.weft.raft.RaftMessage;
import dev.weft.raft.RaftMessage.AppendEntries;
import dev.weft.raft.RaftMessage.AppendEntriesResponse;
import dev.weft.raft.RaftMessage.Heartbeat;
import dev.weft.raft.RaftMessage.RequestVoteResponse;
import dev.weft.raft.RaftStorage;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Raft's persistence rule, checked on the driver (Raft §5.1 and Figure 2, "Persistent state ...
 * updated on stable storage before responding to RPCs"): no granted vote, no AppendEntries success
 * and no commit index leaves a replica before what it depends on is in storage. The check runs on
 * every envelope as {@link Replica#flush()} hands it out, against the storages as they are then.
 */
class PersistenceRuleTest {
  private static final long SEED = Long.getLong("weft.seed", System.nanoTime());

  @Test
  void nothingLeavesBeforeWhatItPromisesIsStored() {
    System.out.println(
        "PersistenceRuleTest seed " + SEED + " (replay with -Dweft.seed=" + SEED + ")");
    for (List<String> ids : List.of(List.of("a", "b", "c"), List.of("a", "b", "c", "d", "e"))) {
      Random random = new Random(SEED + ids.size());
      Replicas c = new Replicas(ids, Replicas.options(true), SaveCountingStorage::new);
      List<String> violations = new ArrayList<>();
      int[] checked = {0};
      c.onFlush = (r, out) -> checked[0] += check(c, r, out, violations);
      // Random drops make elections, rejections and catch-up happen, all under the check.
      c.hold = e -> random.nextInt(10) == 0;
      for (int step = 0; step < 400; step++) {
        Replica r = c.replicas.get(ids.get(random.nextInt(ids.size())));
        if (random.nextInt(3) == 0) {
          r.submit(bytes("c" + step));
        }
        if (random.nextInt(50) == 0) {
          c.start(ids.get(random.nextInt(ids.size()))); // a crash: restart from storage
        }
        c.tick(1);
      }
      assertEquals(List.of(), violations, "seed " + SEED);
      assertTrue(checked[0] > 100, "votes, acknowledgements and commits were seen: " + checked[0]);
    }
  }

  /** Checks one replica's outgoing envelopes; returns how many carried a promise. */
  private static int check(Replicas c, Replica r, List<Envelope> out, List<String> violations) {
    RaftStorage s = c.storages.get(r.id());
    int n = 0;
    for (Envelope e : out) {
      if (!(e instanceof Envelope.Raft raft)) {
        continue;
      }
      RaftMessage m = raft.message();
      String problem = null;
      if (m instanceof RequestVoteResponse v && v.granted() && !v.preVote()) {
        n++;
        HardState hs = s.hardState();
        if (hs.term() != v.term() || !v.to().equals(hs.votedFor())) {
          problem = "vote for " + v.to() + " in term " + v.term() + " but stored " + hs;
        }
      } else if (m instanceof AppendEntriesResponse a && a.success()) {
        n++;
        if (s.lastIndex() < a.index()) {
          problem = "acknowledged " + a.index() + " but stored up to " + s.lastIndex();
        }
      } else if (m instanceof AppendEntries a && a.leaderCommit() > 0) {
        n++;
        problem = commitProblem(c, s, a.leaderCommit());
      } else if (m instanceof Heartbeat h && h.commit() > 0) {
        n++;
        problem = commitProblem(c, s, h.commit());
      }
      if (problem != null) {
        violations.add(r.id() + " sent " + m + ": " + problem);
      }
    }
    return n;
  }

  /** A commit index reported by a leader: a majority must hold its entry there in storage. */
  private static String commitProblem(Replicas c, RaftStorage leader, long commit) {
    if (commit > leader.lastIndex()) {
      return "commit " + commit + " beyond its stored log, " + leader.lastIndex();
    }
    if (commit < leader.firstIndex() - 1) {
      return null; // compacted: covered by a snapshot of committed state
    }
    long term = leader.term(commit);
    int holders = 0;
    for (RaftStorage s : c.storages.values()) {
      if (s.lastIndex() >= commit && (commit < s.firstIndex() - 1 || s.term(commit) == term)) {
        holders++;
      }
    }
    return holders * 2 > c.ids.size()
        ? null
        : "commit " + commit + " stored on only " + holders + " of " + c.ids.size();
  }

  // Group commit: whatever a Ready carries (entries, a vote, a commit index), one save call.
  @Test
  void eachReadyIsSavedWithOneCall() {
    Replicas c =
        new Replicas(List.of("a", "b", "c"), Replicas.options(false), SaveCountingStorage::new);
    Replica leader = c.elect();
    SaveCountingStorage s = (SaveCountingStorage) c.storages.get(leader.id());
    int before = s.saves;
    for (int i = 0; i < 50; i++) {
      leader.submit(bytes("x" + i));
    }
    c.flush(leader);
    assertEquals(before + 1, s.saves, "fifty proposals, one save");
    assertEquals(leader.status().lastIndex(), s.lastIndex(), "all fifty are stored");
  }

  // A candidate whose vote for itself cannot be stored asks no one for a vote.
  @Test
  void aVoteThatCannotBeStoredIsNeverRequested() {
    FailingStorage s = new FailingStorage();
    s.failWrites = true;
    Replica a =
        new Replica(
            new RaftConfig("a", List.of("a", "b", "c"), 10, 1, 7)
                .withPreVote(false)
                .withLogger(QuietLogger.INSTANCE),
            s,
            new Replicas.Echo(),
            Replicas.options(false));
    List<Envelope> sent = new ArrayList<>();
    UncheckedIOException failure =
        assertThrows(
            UncheckedIOException.class,
            () -> {
              for (int i = 0; i < 100; i++) {
                a.tick();
                sent.addAll(a.flush());
              }
            });
    assertTrue(failure.getMessage().contains("disk failure"), failure.toString());
    assertEquals(List.of(), sent, "the RequestVote waited for the vote to be stored, which failed");
    assertEquals(HardState.EMPTY, s.hardState());
    assertTrue(a.status().term() > 0, "it did become a candidate");
  }
}
