package dev.weft.snapshot;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/**
 * A JDK Flight Recorder event: a process's local Chandy-Lamport snapshot completed (a marker had
 * arrived on every incoming channel). No stack trace by default.
 */
@Name("dev.weft.ChandyLamportFinished")
@Label("Chandy-Lamport Snapshot Finished")
@Category({"weft", "Snapshots"})
@Description("A process's local Chandy-Lamport snapshot completed")
@StackTrace(false)
final class SnapshotFinishedEvent extends Event {
  @Label("Process")
  String process;

  @Label("Snapshot Id")
  long snapshotId;

  @Label("Channels")
  @Description("Incoming channels recorded")
  int channels;

  @Label("Recorded Messages")
  @Description("Messages recorded in flight on the incoming channels")
  int recordedMessages;

  @Label("Recording Time")
  @Description("From recording the local state to the last marker")
  @Timespan(Timespan.NANOSECONDS)
  long recordingTime;

  /** False where the JVM runs with {@code -Ddev.weft.jfr=false}: no event is made at all. */
  static final boolean ENABLED = !"false".equals(System.getProperty("dev.weft.jfr"));

  static void emit(String process, long snapshotId, int channels, int messages, long nanos) {
    if (!ENABLED) {
      return;
    }
    SnapshotFinishedEvent event = new SnapshotFinishedEvent();
    if (event.shouldCommit()) {
      event.process = process;
      event.snapshotId = snapshotId;
      event.channels = channels;
      event.recordedMessages = messages;
      event.recordingTime = nanos;
      event.commit();
    }
  }
}
