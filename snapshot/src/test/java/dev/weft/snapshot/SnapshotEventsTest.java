package dev.weft.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Chandy-Lamport start and finish as JDK Flight Recorder events, read back from a recording file:
 * one start per process that records (initiator or not), one finish per completed local snapshot,
 * with the recorded message count.
 */
class SnapshotEventsTest {
  @TempDir Path dir;

  @Test
  void startAndFinishAreRecordedPerProcess() throws Exception {
    List<String> log = new ArrayList<>();
    SnapshotNode<String, String> a =
        new SnapshotNode<>("a", List.of("b"), List.of("b"), () -> "sa", (to, id) -> {}, l -> {});
    SnapshotNode<String, String> b =
        new SnapshotNode<>(
            "b", List.of("a"), List.of("a"), () -> "sb", (to, id) -> log.add(to), l -> {});
    Path file = dir.resolve("snapshot.jfr");
    try (Recording recording = new Recording()) {
      recording.enable("dev.weft.ChandyLamportStarted");
      recording.enable("dev.weft.ChandyLamportFinished");
      recording.start();
      a.startSnapshot(42); // a records and sends a marker to b
      a.onMessage("b", "in flight"); // sent by b before b saw the marker: recorded by a
      b.onMarker("a", 42); // b records, and completes at once (one incoming channel)
      a.onMarker("b", 42); // a completes
      recording.stop();
      recording.dump(file);
    }
    assertEquals(List.of("a"), log);
    List<String> seen = new ArrayList<>();
    for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
      String name = e.getEventType().getName();
      if (!name.startsWith("dev.weft.")) {
        continue;
      }
      assertNull(e.getStackTrace(), "stack traces are off by default");
      assertEquals(42, e.getLong("snapshotId"));
      if (name.equals("dev.weft.ChandyLamportStarted")) {
        seen.add("start " + e.getString("process") + " " + e.getBoolean("initiated"));
      } else {
        assertEquals(1, e.getInt("channels"));
        long nanos = e.getLong("recordingTime");
        assertTrue(nanos >= 0 && nanos < 10_000_000_000L, "recording time " + nanos);
        seen.add("finish " + e.getString("process") + " " + e.getInt("recordedMessages"));
      }
    }
    assertEquals(List.of("start a true", "start b false", "finish b 0", "finish a 1"), seen);
  }
}
