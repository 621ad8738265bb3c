package dev.weft.raft.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.raft.HardState;
import dev.weft.raft.LogEntry;
import dev.weft.raft.SnapshotMetadata;
import dev.weft.raft.SnapshotReader;
import dev.weft.testkit.sim.FaultyDisk;
import dev.weft.testkit.sim.Seeds;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * {@link FileStorage} on the simulated disk, under seeded random work (appends, conflicting
 * appends, hard states, snapshots that keep or replace the log, compaction) with power losses
 * between operations and in the middle of them, at any of their disk operations, and crashes of the
 * process. A model of what each operation promised checks every recovery:
 *
 * <ul>
 *   <li>after a power loss or crash between operations, the storage holds exactly what the model
 *       holds (only a commit index saved without a sync may fall back, to what was last synced);
 *   <li>after a power loss in the middle of an operation, it holds the state before or after it, or
 *       (for a conflicting append) the old log cut anywhere after the conflict; every entry it
 *       holds is one that was written at that index; nothing is invented.
 * </ul>
 *
 * <p>{@value #SEEDS} seeds by default; {@code -Dweft.storage.seeds=N} for more, {@code
 * -Dweft.seed=N} to replay one.
 */
class PowerLossTest {
  static final int SEEDS = 100;
  private static final Path DIR = Path.of("/sim/node");

  @Test
  void whatWasSyncedSurvivesAndNothingIsInvented() {
    long seeds = Long.getLong("weft.storage.seeds", SEEDS);
    long ran =
        Seeds.run(
            seeds,
            "mvn -q -pl consensus -am verify -Dsurefire.failIfNoSpecifiedTests=false"
                + " -Dtest=PowerLossTest -Dweft.seed={seed}",
            seed -> new Run(seed).run(120));
    assertTrue(ran > 0);
  }

  /** What the storage must hold. Entries below its first index are kept and never compared. */
  static final class Model {
    TreeMap<Long, LogEntry> log = new TreeMap<>();
    long last;
    SnapshotMetadata snapshot = SnapshotMetadata.EMPTY;
    byte[] snapshotData = new byte[0];
    HardState hardState = HardState.EMPTY;
    long syncedCommit; // what a power loss cannot take back

    Model copy() {
      Model m = new Model();
      m.log = new TreeMap<>(log);
      m.last = last;
      m.snapshot = snapshot;
      m.snapshotData = snapshotData;
      m.hardState = hardState;
      m.syncedCommit = syncedCommit;
      return m;
    }

    long commit() {
      return Math.max(hardState.commit(), snapshot.index());
    }

    long term(long index) {
      if (index == snapshot.index()) {
        return snapshot.term();
      }
      return index == 0 ? 0 : log.get(index).term();
    }
  }

  /** One operation: what it does to the storage, and what it promises (applied to a model). */
  interface Op {
    void perform(FileStorage s) throws IOException;

    void apply(Model m);

    /** The lowest index whose entry the operation may remove; Long.MAX_VALUE for none. */
    long touches();

    /** Whether a power loss leaves exactly the log before or after it (no partial effect). */
    default boolean atomic() {
      return touches() == Long.MAX_VALUE;
    }
  }

  static final class Run {
    final long seed;
    final Random random;
    final FaultyDisk disk;
    final FileStorage.Options options;
    final LogLines logLines = new LogLines();
    FileStorage storage;
    Model model = new Model();
    long term = 1;
    String vote;
    long losses;

    Run(long seed) {
      this.seed = seed;
      this.random = new Random(seed);
      this.disk = new FaultyDisk(new Random(seed ^ 0x5DEECE66DL));
      this.options =
          FileStorage.Options.defaults()
              .withIo(new FaultyDiskIo(disk))
              .withSegmentSize(256 + random.nextInt(4096))
              .withRetainedEntries(random.nextInt(3) == 0 ? 0 : random.nextInt(20))
              .withCacheBytes(random.nextInt(3) == 0 ? 0 : random.nextInt(4000))
              .withLogger(logLines);
    }

    final List<String> trace = new ArrayList<>();

    void run(int steps) throws IOException {
      try {
        steps(steps);
      } catch (AssertionError | RuntimeException e) {
        int from = Math.max(0, trace.size() - 12);
        throw new AssertionError(
            e.getMessage()
                + "\n  last steps:\n    "
                + String.join("\n    ", trace.subList(from, trace.size())),
            e);
      }
    }

    private void steps(int steps) throws IOException {
      storage = FileStorage.open(DIR, options);
      for (int step = 0; step < steps; step++) {
        int fault = random.nextInt(20);
        if (fault == 0) {
          trace.add(step + ": power loss");
          disk.powerLoss();
          reopenAndCheckExactly(false);
          continue;
        }
        if (fault == 1) {
          trace.add(step + ": crash");
          disk.crash();
          reopenAndCheckExactly(true);
          continue;
        }
        if (fault < 5) {
          disk.powerLossAfter(1 + random.nextInt(12));
        }
        Op op = next();
        trace.add(
            step
                + ": "
                + op
                + (fault < 5 ? " (power loss armed)" : "")
                + " on log "
                + model.last
                + ", commit "
                + model.commit()
                + ", snapshot "
                + model.snapshot.index());
        Model before = model.copy();
        Model after = model.copy();
        op.apply(after);
        long lossesBefore = disk.powerLosses();
        try {
          op.perform(storage);
          model = after;
          checkLive();
        } catch (UncheckedIOException | IOException e) {
          assertTrue(disk.powerLosses() > lossesBefore, "an I/O error without a power loss: " + e);
          trace.add("  interrupted: " + e.getMessage());
          reopenAndCheckInterrupted(before, after, op);
        }
      }
      disk.disarm();
      storage.close();
    }

    // ---- the operations a node's driver performs, with Raft's rules on terms and indexes

    private Op next() {
      int kind = random.nextInt(100);
      long floor = Math.max(model.commit(), model.snapshot.index());
      if (kind < 45) {
        long from = model.last + 1;
        if (random.nextInt(5) == 0 && model.last > floor) {
          from = floor + 1 + random.nextInt((int) (model.last - floor)); // a conflicting append
        }
        if (random.nextInt(6) == 0) {
          term++;
        }
        List<LogEntry> batch = new ArrayList<>();
        int n = 1 + random.nextInt(random.nextBoolean() ? 4 : 40);
        for (int i = 0; i < n; i++) {
          byte[] data = new byte[random.nextInt(random.nextInt(8) == 0 ? 600 : 40)];
          random.nextBytes(data);
          batch.add(new LogEntry(from + i, term, data));
        }
        HardState hs = null;
        if (random.nextBoolean()) {
          long commit = Math.max(model.hardState.commit(), from - 1 + random.nextInt(n + 1));
          hs = new HardState(Math.max(term, model.hardState.term()), vote, commit);
        }
        return save(hs, batch);
      }
      if (kind < 60) {
        long commit = model.hardState.commit();
        if (model.last > commit) {
          commit += random.nextInt((int) (model.last - commit) + 1);
        }
        long t = model.hardState.term();
        String v = model.hardState.votedFor();
        if (random.nextInt(4) == 0) {
          t = Math.max(t + 1, term);
          term = t;
          v = random.nextBoolean() ? null : "n" + random.nextInt(5);
          vote = v;
        }
        HardState hs = new HardState(t, v, commit);
        return random.nextBoolean() ? save(hs, List.of()) : setHardState(hs);
      }
      if (kind < 75 && model.commit() > model.snapshot.index()) {
        long index =
            model.snapshot.index()
                + 1
                + random.nextInt((int) (model.commit() - model.snapshot.index()));
        return snapshot(new SnapshotMetadata(index, model.term(index)));
      }
      if (kind < 82) {
        long index = Math.max(model.snapshot.index(), model.commit()) + 1 + random.nextInt(10);
        term++;
        return snapshot(new SnapshotMetadata(index, term)); // from a leader: replaces the log
      }
      return compact(random.nextInt((int) model.snapshot.index() + 1));
    }

    private Op save(HardState hs, List<LogEntry> batch) {
      return new Op() {
        @Override
        public void perform(FileStorage s) {
          s.save(hs, batch);
        }

        @Override
        public void apply(Model m) {
          if (!batch.isEmpty()) {
            long from = batch.get(0).index();
            m.log.tailMap(from, true).clear();
            for (LogEntry e : batch) {
              m.log.put(e.index(), e);
            }
            m.last = batch.get(batch.size() - 1).index();
          }
          if (hs != null) {
            m.hardState = hs;
          }
          if (!batch.isEmpty() || (hs != null && !sameTermAndVote(hs, m))) {
            m.syncedCommit = m.hardState.commit(); // synced with the entries, or in the file
          }
        }

        @Override
        public long touches() {
          return batch.isEmpty() ? Long.MAX_VALUE : batch.get(0).index();
        }

        @Override
        public String toString() {
          return "save "
              + hs
              + (batch.isEmpty()
                  ? ""
                  : " "
                      + batch.get(0).index()
                      + ".."
                      + batch.get(batch.size() - 1).index()
                      + "/"
                      + batch.get(0).term());
        }
      };
    }

    private boolean sameTermAndVote(HardState hs, Model m) {
      return hs.term() == m.hardState.term()
          && Objects.equals(hs.votedFor(), m.hardState.votedFor());
    }

    private Op setHardState(HardState hs) {
      return new Op() {
        @Override
        public void perform(FileStorage s) {
          s.setHardState(hs);
        }

        @Override
        public void apply(Model m) {
          m.hardState = hs;
          m.syncedCommit = hs.commit();
        }

        @Override
        public long touches() {
          return Long.MAX_VALUE;
        }

        @Override
        public String toString() {
          return "setHardState " + hs;
        }
      };
    }

    private Op snapshot(SnapshotMetadata meta) {
      byte[] data = new byte[random.nextInt(3000)];
      random.nextBytes(data);
      return new Op() {
        @Override
        public void perform(FileStorage s) {
          s.saveSnapshot(meta, new ByteArrayInputStream(data));
        }

        @Override
        public void apply(Model m) {
          long i = meta.index();
          boolean holds = i <= m.last && m.term(i) == meta.term();
          if (!holds) {
            m.log.clear();
            m.log.put(i, new LogEntry(i, meta.term(), new byte[0])); // only its term is compared
            m.last = i;
          }
          m.snapshot = meta;
          m.snapshotData = data;
        }

        @Override
        public long touches() {
          return 0; // a snapshot the log lacks replaces all of it
        }

        @Override
        public boolean atomic() {
          return true; // the log is changed only once the snapshot is in place
        }

        @Override
        public String toString() {
          return "snapshot " + meta.index() + "/" + meta.term();
        }
      };
    }

    private Op compact(long index) {
      return new Op() {
        @Override
        public void perform(FileStorage s) {
          s.compact(index);
        }

        @Override
        public void apply(Model m) {}

        @Override
        public long touches() {
          return Long.MAX_VALUE; // what it deletes is below the first index, never compared
        }

        @Override
        public String toString() {
          return "compact " + index;
        }
      };
    }

    // ---- checks

    private void checkLive() {
      assertEquals(model.last, storage.lastIndex(), "last index");
      assertEquals(model.term(model.last), storage.term(model.last), "last term");
      assertEquals(model.snapshot, storage.snapshotMetadata());
      HardState hs = storage.hardState();
      assertEquals(model.hardState.term(), hs.term());
      assertEquals(model.commit(), hs.commit());
    }

    private void reopenAndCheckExactly(boolean crashOnly) throws IOException {
      losses++;
      disk.disarm();
      storage = FileStorage.open(DIR, options);
      assertEquals(model.snapshot, storage.snapshotMetadata(), "snapshot");
      checkSnapshotData(model);
      assertEquals(model.last, storage.lastIndex(), "last index after a loss");
      checkEntries(List.of(model));
      HardState hs = storage.hardState();
      assertEquals(model.hardState.term(), hs.term(), "term");
      assertEquals(model.hardState.votedFor(), hs.votedFor(), "vote");
      long lowest =
          crashOnly ? model.commit() : Math.max(model.syncedCommit, model.snapshot.index());
      assertTrue(
          hs.commit() >= lowest && hs.commit() <= model.commit(),
          "commit " + hs.commit() + " outside [" + lowest + ", " + model.commit() + "]");
      checkCommitted(hs.commit(), List.of(model));
      adoptRecovered(model);
    }

    private void reopenAndCheckInterrupted(Model before, Model after, Op op) throws IOException {
      long touches = op.touches();
      boolean atomic = op.atomic();
      String what = op.toString();
      losses++;
      disk.disarm();
      storage = FileStorage.open(DIR, options);
      SnapshotMetadata snap = storage.snapshotMetadata();
      Model basis = snap.equals(after.snapshot) ? after : before;
      assertTrue(
          snap.equals(before.snapshot) || snap.equals(after.snapshot),
          "snapshot " + snap + " is neither " + before.snapshot + " nor " + after.snapshot);
      checkSnapshotData(basis);
      long last = storage.lastIndex();
      if (atomic) {
        assertEquals(basis.last, last, "last index after an interrupted " + what);
        checkEntries(List.of(basis));
      } else {
        long required = Math.min(Math.min(before.last, after.last), touches - 1);
        assertTrue(last >= required, "last index " + last + " below " + required);
        checkEntries(List.of(before, after));
      }
      assertTrue(storage.firstIndex() <= snap.index() + 1, "a gap after the snapshot");
      HardState hs = storage.hardState();
      boolean isBefore =
          hs.term() == before.hardState.term()
              && Objects.equals(hs.votedFor(), before.hardState.votedFor());
      boolean isAfter =
          hs.term() == after.hardState.term()
              && Objects.equals(hs.votedFor(), after.hardState.votedFor());
      assertTrue(isBefore || isAfter, "hard state " + hs + " is neither before nor after");
      long highest = Math.max(Math.max(before.commit(), after.commit()), snap.index());
      assertTrue(
          hs.commit() >= Math.max(before.syncedCommit, snap.index()) && hs.commit() <= highest,
          "commit " + hs.commit());
      checkCommitted(hs.commit(), List.of(before, after));
      Model recovered = basis.copy();
      recovered.hardState = new HardState(hs.term(), hs.votedFor(), hs.commit());
      for (long i = storage.firstIndex(); i <= last; i++) {
        recovered.log.put(i, storage.entries(i, i + 1, Long.MAX_VALUE).get(0));
      }
      recovered.log.tailMap(last, false).clear();
      recovered.last = last;
      adoptRecovered(recovered);
    }

    // Every entry held must be one the models hold at that index.
    private void checkEntries(List<Model> candidates) {
      long first = storage.firstIndex();
      long last = storage.lastIndex();
      List<LogEntry> held =
          last >= first ? storage.entries(first, last + 1, Long.MAX_VALUE) : List.of();
      assertEquals(last - first + 1, held.size(), "entries " + first + ".." + last);
      for (LogEntry e : held) {
        boolean known = false;
        for (Model m : candidates) {
          known |= e.equals(m.log.get(e.index()));
        }
        assertTrue(known, "entry " + e + " was never written at index " + e.index());
      }
      if (first - 1 > 0 && last >= first - 1) {
        long t = storage.term(first - 1);
        boolean known = false;
        for (Model m : candidates) {
          LogEntry e = m.log.get(first - 1);
          known |=
              (e != null && e.term() == t)
                  || (m.snapshot.index() == first - 1 && m.snapshot.term() == t);
        }
        assertTrue(known, "term " + t + " of index " + (first - 1) + " is unknown");
      }
    }

    // An entry the recovered commit index covers was committed, with that content, in a model.
    private void checkCommitted(long commit, List<Model> candidates) {
      long last = storage.lastIndex();
      assertTrue(
          commit <= Math.max(last, storage.snapshotMetadata().index()),
          "commit " + commit + " beyond the log's end " + last);
      for (long i = storage.firstIndex(); i <= Math.min(commit, last); i++) {
        LogEntry e = storage.entries(i, i + 1, Long.MAX_VALUE).get(0);
        boolean committed = false;
        for (Model m : candidates) {
          committed |= i <= m.commit() && e.equals(m.log.get(i));
        }
        assertTrue(committed, "entry " + e + " is reported committed but never was");
      }
    }

    private void checkSnapshotData(Model m) throws IOException {
      if (m.snapshot.isEmpty()) {
        return;
      }
      try (SnapshotReader r = storage.openSnapshot()) {
        assertArrayEquals(m.snapshotData, r.input().readAllBytes(), "snapshot data");
      }
    }

    // What was recovered is durable now (open syncs it): it is the new model.
    private void adoptRecovered(Model m) {
      HardState hs = storage.hardState();
      m.hardState = new HardState(hs.term(), hs.votedFor(), hs.commit());
      m.syncedCommit = hs.commit();
      model = m;
      term = Math.max(term, Math.max(hs.term(), storage.term(storage.lastIndex())));
      vote = hs.votedFor();
    }
  }
}
