package dev.weft.snapshot;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * A JDK Flight Recorder event: a process recorded its state for a Chandy-Lamport snapshot, because
 * it initiated the snapshot or because the snapshot's first marker reached it. No stack trace by
 * default.
 */
@Name("dev.weft.ChandyLamportStarted")
@Label("Chandy-Lamport Snapshot Started")
@Category({"weft", "Snapshots"})
@Description("A process recorded its local state for a Chandy-Lamport snapshot")
@StackTrace(false)
final class SnapshotStartedEvent extends Event {
  @Label("Process")
  String process;

  @Label("Snapshot Id")
  long snapshotId;

  @Label("Initiated")
  @Description("True if this process initiated the snapshot, false if a marker started it here")
  boolean initiated;

  /** False where the JVM runs with {@code -Ddev.weft.jfr=false}: no event is made at all. */
  static final boolean ENABLED = !"false".equals(System.getProperty("dev.weft.jfr"));

  static void emit(String process, long snapshotId, boolean initiated) {
    if (!ENABLED) {
      return;
    }
    SnapshotStartedEvent event = new SnapshotStartedEvent();
    if (event.shouldCommit()) {
      event.process = process;
      event.snapshotId = snapshotId;
      event.initiated = initiated;
      event.commit();
    }
  }
}
