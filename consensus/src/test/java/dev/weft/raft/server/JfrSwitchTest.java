package dev.weft.raft.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code -Ddev.weft.jfr=false} takes weft's events out: a child JVM runs {@link
 * ObservabilityTest}'s scenario (an election, commands, a snapshot stored and opened, on {@link
 * dev.weft.raft.storage.FileStorage}) under a recording that enables every weft event with no
 * threshold, and the recording holds none of them with the switch, each of them without it. The
 * property is read once, when an event class initialises, so each case needs its own JVM.
 */
class JfrSwitchTest {
  private static final List<String> EVENTS =
      List.of(
          "dev.weft.ChannelBlocked",
          "dev.weft.RaftElection",
          "dev.weft.RaftLeaderChange",
          "dev.weft.RaftCommitBatch",
          "dev.weft.StorageFsync",
          "dev.weft.RaftSnapshot");

  @TempDir Path dir;

  @Test
  @Timeout(120)
  void withoutTheSwitchARecordingHoldsEveryEventOfTheScenario() throws Exception {
    Map<String, Integer> seen = runChild(List.of());
    for (String name : EVENTS) {
      assertTrue(seen.getOrDefault(name, 0) > 0, name + " missing from " + seen);
    }
  }

  @Test
  @Timeout(120)
  void withTheSwitchARecordingHoldsNoWeftEvent() throws Exception {
    assertEquals(Map.of(), runChild(List.of("-Ddev.weft.jfr=false")));
  }

  /** Runs {@link Child} with {@code jvmArgs}; returns the weft events it recorded, by name. */
  private Map<String, Integer> runChild(List<String> jvmArgs) throws Exception {
    Path recording = dir.resolve("child.jfr");
    Path log = dir.resolve("child.log");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmArgs);
    command.addAll(
        List.of(
            "-cp",
            System.getProperty("java.class.path"),
            Child.class.getName(),
            dir.resolve("data").toString(),
            recording.toString()));
    Process child =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      if (!child.waitFor(90, TimeUnit.SECONDS)) {
        throw new AssertionError("the child did not finish; its output:\n" + Files.readString(log));
      }
      assertEquals(0, child.exitValue(), () -> "the child failed:\n" + readQuietly(log));
    } finally {
      child.destroyForcibly();
    }
    Map<String, Integer> seen = new TreeMap<>();
    for (RecordedEvent e : RecordingFile.readAllEvents(recording)) {
      String name = e.getEventType().getName();
      if (name.startsWith("dev.weft.")) {
        seen.merge(name, 1, Integer::sum);
      }
    }
    return seen;
  }

  private static String readQuietly(Path p) {
    try {
      return Files.readString(p);
    } catch (java.io.IOException e) {
      return "(unreadable: " + e + ")";
    }
  }

  /** The child JVM: records every weft event with no threshold while the scenario runs. */
  static final class Child {
    private Child() {}

    /**
     * Runs the scenario under a recording.
     *
     * @param args the data directory and the recording file to write
     * @throws Exception if the scenario fails
     */
    public static void main(String[] args) throws Exception {
      try (Recording r = new Recording()) {
        for (String name : EVENTS) {
          r.enable(name).withThreshold(Duration.ZERO);
        }
        r.start();
        ObservabilityTest scenario = new ObservabilityTest();
        scenario.dir = Files.createDirectories(Path.of(args[0]));
        scenario.runCluster(new ObservabilityTest.MapMetrics());
        r.stop();
        r.dump(Path.of(args[1]));
      }
    }
  }
}
