package dev.weft.raft.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.raft.HardState;
import dev.weft.raft.LogEntry;
import dev.weft.raft.SnapshotReader;
import dev.weft.testkit.ThreadKind;
import dev.weft.testkit.Workers;
import dev.weft.testkit.sim.Seeds;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real crashes: a child JVM runs a single-node server on a {@link FileStorage} ({@link
 * CrashChild}), acknowledging commands on its standard output as their futures complete, and is
 * killed with SIGKILL ({@code ProcessHandle.destroyForcibly}) at a random moment; then it is
 * restarted on the same directory, and so on. After each kill, the directory is opened here and
 * checked: every command ever acknowledged is there at its index, byte for byte, in the order
 * acknowledged; the log is consistent (consecutive, terms never decreasing, the commit index within
 * it); and the restarted child's state machine, rebuilt from the snapshot and the log, matches the
 * storage.
 *
 * <p>{@value #DEFAULT_ROUNDS} rounds by default (a few seconds each); {@code
 * -Dweft.crash.rounds=100} for the long run. The seed (printed; {@code -Dweft.seed=N} to replay)
 * picks the commands and when to kill; the kills land wherever the child is at that moment, so a
 * replay is close, not exact.
 */
class CrashTest {
  static final int DEFAULT_ROUNDS = 3;

  @Test
  @Timeout(value = 60, unit = TimeUnit.MINUTES)
  void everyAcknowledgedCommandSurvivesSigkill(@TempDir Path dir) throws Exception {
    int rounds = Integer.getInteger("weft.crash.rounds", DEFAULT_ROUNDS);
    String named = System.getProperty(Seeds.SEED_PROPERTY);
    long seed = named != null ? Long.parseLong(named.strip()) : System.nanoTime();
    System.out.println(
        "CrashTest: seed "
            + seed
            + " (replay with -Dweft.seed="
            + seed
            + "), "
            + rounds
            + " rounds");
    Random random = new Random(seed);
    TreeMap<Long, byte[]> acked = new TreeMap<>();
    long checked = 0;
    for (int round = 0; round < rounds; round++) {
      Path log = dir.resolve("child-" + round + ".log");
      Round r = new Round(dir.resolve("data"), seed + round, round, log);
      try {
        r.runAndKill(random.nextInt(700));
      } catch (AssertionError | Exception e) {
        throw new AssertionError(
            "round "
                + round
                + " (seed "
                + seed
                + "): "
                + e.getMessage()
                + "\nchild's log:\n"
                + tail(log),
            e);
      }
      long last = acked.isEmpty() ? 0 : acked.lastKey();
      for (var a : r.acked) {
        assertTrue(a.index() > last, "acknowledged out of order: " + a.index() + " after " + last);
        last = a.index();
        acked.put(a.index(), a.command());
      }
      Stored back = readBack(dir.resolve("data"));
      TreeMap<Long, byte[]> stored = back.commands();
      if (r.readyApplied >= 0) {
        List<byte[]> upTo = new ArrayList<>(stored.headMap(r.readyApplied, true).values());
        assertEquals(
            r.readyCrc,
            CrashChild.History.crc(upTo),
            "round " + round + ": the restarted state machine differs from the storage");
      }
      for (var a : acked.entrySet()) {
        byte[] there = stored.get(a.getKey());
        assertNotNull(
            there, "acknowledged command at " + a.getKey() + " is gone (round " + round + ")");
        assertArrayEquals(
            a.getValue(), there, "command at " + a.getKey() + " (round " + round + ")");
      }
      checked += acked.size();
      System.out.printf(
          "CrashTest: round %d killed after %d acknowledgements; %d acknowledged in all, all there"
              + " (log %d..%d, snapshot at %d)%n",
          round, r.acked.size(), acked.size(), back.first(), back.last(), back.snapshot());
    }
    System.out.printf(
        "CrashTest: %d rounds, %d acknowledged commands checked (%d distinct), seed %d%n",
        rounds, checked, acked.size(), seed);
    assertTrue(acked.size() > 0, "no command was acknowledged at all");
  }

  record Ack(long index, byte[] command) {}

  /** One life of the child: started, watched, killed. */
  static final class Round {
    final Path data;
    final long seed;
    final int round;
    final Path log;
    final List<Ack> acked = new ArrayList<>();
    long readyApplied = -1;
    long readyCrc;

    Round(Path data, long seed, int round, Path log) {
      this.data = data;
      this.seed = seed;
      this.round = round;
      this.log = log;
    }

    void runAndKill(int millisAfterReady) throws Exception {
      List<String> command =
          List.of(
              Path.of(System.getProperty("java.home"), "bin", "java").toString(),
              "-cp",
              System.getProperty("java.class.path"),
              CrashChild.class.getName(),
              data.toString(),
              Long.toString(seed),
              Integer.toString(round));
      Process child = new ProcessBuilder(command).redirectError(log.toFile()).start();
      List<String> lines = new ArrayList<>();
      Object ready = new Object();
      try (Workers workers = new Workers(ThreadKind.PLATFORM, Duration.ofSeconds(60))) {
        workers.start(
            "stdout",
            () -> {
              try (BufferedReader in =
                  new BufferedReader(
                      new InputStreamReader(child.getInputStream(), StandardCharsets.US_ASCII))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                  synchronized (ready) {
                    lines.add(line);
                    ready.notifyAll();
                  }
                }
              }
            });
        try {
          long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
          synchronized (ready) {
            while (lines.isEmpty() && child.isAlive() && System.nanoTime() < deadline) {
              ready.wait(100);
            }
          }
          Thread.sleep(millisAfterReady);
        } finally {
          // SIGKILL, through the process handle: Process.destroyForcibly also closes this side
          // of the pipes, which would lose acknowledgements the child wrote just before it died
          child.toHandle().destroyForcibly();
          assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the child did not die");
        }
      }
      parse(lines);
    }

    private void parse(List<String> lines) {
      assertTrue(!lines.isEmpty() && lines.get(0).startsWith("READY "), "no READY line: " + lines);
      String[] r = lines.get(0).split(" ");
      readyApplied = Long.parseLong(r[1]);
      readyCrc = Long.parseLong(r[2]);
      for (String line : lines.subList(1, lines.size())) {
        String[] f = line.split(" ");
        if (f.length != 4 || !f[0].equals("ACK") || !f[3].equals(".")) {
          continue; // the last line, cut short by the kill
        }
        acked.add(new Ack(Long.parseLong(f[1]), HexFormat.of().parseHex(f[2])));
      }
    }
  }

  /** What the directory holds: every command by index, and the log's and snapshot's extent. */
  record Stored(TreeMap<Long, byte[]> commands, long first, long last, long snapshot) {}

  /**
   * Opens the directory the child left and returns every command it holds by index (from the
   * snapshot and the log), after checking the log's consistency.
   */
  static Stored readBack(Path data) throws IOException {
    TreeMap<Long, byte[]> commands = new TreeMap<>();
    try (FileStorage s = FileStorage.open(data, CrashChild.options())) {
      if (!s.snapshotMetadata().isEmpty()) {
        List<Long> indexes = new ArrayList<>();
        List<byte[]> held = new ArrayList<>();
        try (SnapshotReader r = s.openSnapshot()) {
          CrashChild.History.read(r.input(), indexes, held);
        }
        for (int i = 0; i < indexes.size(); i++) {
          commands.put(indexes.get(i), held.get(i));
        }
        assertTrue(
            indexes.isEmpty() || indexes.get(indexes.size() - 1) <= s.snapshotMetadata().index());
      }
      long previousTerm = s.term(s.firstIndex() - 1);
      List<LogEntry> log = s.entries(s.firstIndex(), s.lastIndex() + 1, Long.MAX_VALUE);
      long expected = s.firstIndex();
      for (LogEntry e : log) {
        assertEquals(expected++, e.index(), "the log is not consecutive");
        assertTrue(e.term() >= previousTerm, "terms go back at " + e.index());
        previousTerm = e.term();
        if (!e.isEmpty()) {
          byte[] before = commands.put(e.index(), e.data());
          if (before != null) {
            assertArrayEquals(before, e.data(), "the snapshot and the log differ at " + e.index());
          }
        }
      }
      HardState hs = s.hardState();
      assertTrue(hs.commit() <= s.lastIndex(), "commit " + hs.commit() + " beyond the log");
      assertTrue(hs.term() >= previousTerm, "the hard state's term is behind the log's");
      return new Stored(commands, s.firstIndex(), s.lastIndex(), s.snapshotMetadata().index());
    }
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }
}
