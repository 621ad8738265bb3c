package dev.weft.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.weft.testkit.ScenarioFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Scenarios written as data files in {@code src/test/resources/testdata}: commands over a simulated
 * {@link Cluster}, a line {@code ----}, and the output expected. The whole run is a function of the
 * seed, so the output (who wins which term, at which index a command lands) is exact. Run with
 * {@code -Dweft.rewrite=true} to write the actual output into the files instead of checking it
 * (then review the diff).
 *
 * <pre>
 * cluster 3 seed 7       n1..n3 on reliable links of latency 1..5 (a tick is 10)
 * elect                  run until a stable leader; names it $leader (the previous one: $old)
 * propose x [at N]       propose at the leader (or at N); prints the index
 * one x N                the 6.824 helper: x committed on at least N nodes
 * isolate N...           cut each N off (replaces earlier cuts); partition N: add a cut
 * heal / crash N / restart N / run T (ticks)
 * status                 every node's role, term, leader, commit and last index
 * applied                every node's applied commands
 * </pre>
 */
class ScenarioFileTest {
  private static final Path DATA = Path.of("src", "test", "resources", "testdata");

  @TestFactory
  Stream<DynamicTest> scenarios() throws IOException {
    return ScenarioFiles.list(DATA).stream()
        .map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> check(file)));
  }

  private static void check(Path file) throws IOException {
    ScenarioFiles.Outcome outcome =
        ScenarioFiles.run(
            file,
            commands -> {
              Story story = new Story();
              commands.forEach(story::run);
              return story.output;
            });
    assertEquals(outcome.expected(), outcome.actual(), file.toString());
  }

  /** A cluster driven by commands, and what it printed. */
  private static final class Story {
    final List<String> output = new ArrayList<>();
    final Map<String, String> names = new HashMap<>();
    Cluster cluster;

    void run(String command) {
      String[] w = command.split("\\s+");
      for (int i = 1; i < w.length; i++) {
        if (w[i].startsWith("$")) {
          String bound = names.get(w[i]);
          if (bound == null) {
            throw new IllegalArgumentException("unbound " + w[i] + " in: " + command);
          }
          w[i] = bound;
        }
      }
      output.add("> " + String.join(" ", w));
      try {
        event(w);
      } catch (RuntimeException | AssertionError e) {
        output.add("error: " + e.getClass().getSimpleName() + ": " + e.getMessage());
      }
    }

    private void event(String[] w) {
      switch (w[0]) {
        case "cluster" -> cluster = new Cluster(Integer.parseInt(w[1]), Long.parseLong(w[3]));
        case "elect" -> {
          long before = cluster.sim.now();
          String leader = cluster.tickUntil(cluster.oneLeader());
          if (names.containsKey("$leader")) {
            names.put("$old", names.get("$leader"));
          }
          names.put("$leader", leader);
          output.add(
              "leader "
                  + leader
                  + " at term "
                  + cluster.term(leader)
                  + " after "
                  + (cluster.sim.now() - before + Cluster.TICK - 1) / Cluster.TICK
                  + " ticks");
        }
        case "propose" -> {
          String at = w.length > 3 ? w[3] : names.get("$leader");
          output.add("index " + cluster.proposeAt(at, w[1]) + " at " + at);
        }
        case "one" -> {
          long index = cluster.one(w[1], Integer.parseInt(w[2]), true);
          output.add(w[1] + " committed at index " + index);
        }
        case "isolate" -> cluster.isolate(java.util.Arrays.copyOfRange(w, 1, w.length));
        case "partition" -> cluster.partition(w[1]);
        case "heal" -> cluster.heal();
        case "crash" -> cluster.crash(w[1]);
        case "restart" -> cluster.restart(w[1]);
        case "run" -> cluster.runFor(Long.parseLong(w[1]));
        case "status" -> {
          for (Cluster.Member m : cluster.members()) {
            RaftStatus s = m.status();
            output.add(
                "  "
                    + s.id()
                    + (m.isUp() ? "" : " (down)")
                    + " "
                    + s.role()
                    + " term "
                    + s.term()
                    + " leader "
                    + s.leader()
                    + " commit "
                    + s.commitIndex()
                    + " last "
                    + s.lastIndex());
          }
        }
        case "applied" -> {
          for (Cluster.Member m : cluster.members()) {
            output.add("  " + m.id() + " " + Cluster.commandsOf(m));
          }
        }
        default -> throw new IllegalArgumentException("unknown command " + w[0]);
      }
    }
  }
}
