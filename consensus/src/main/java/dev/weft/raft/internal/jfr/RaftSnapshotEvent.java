package dev.weft.raft.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * A Raft snapshot stored or opened by the storage: saved (from the writer's creation to its commit,
 * synced and renamed into place) or opened for reading (to apply it, or to send it to a follower).
 */
@Name("dev.weft.RaftSnapshot")
@Label("Raft Snapshot")
@Category({"weft", "Raft", "Storage"})
@Description("A snapshot saved to, or opened from, durable storage")
@StackTrace(false)
public final class RaftSnapshotEvent extends Event {
  @Label("Operation")
  @Description("save or open")
  public String operation;

  @Label("Directory")
  public String directory;

  @Label("Index")
  @Description("The last log index the snapshot covers")
  public long index;

  @Label("Term")
  public long term;

  @Label("Bytes")
  @Description("The snapshot's data")
  @DataAmount
  public long bytes;

  /**
   * Fills in and commits the event, if a recording wants it; the caller has begun and ended it.
   *
   * @param operation save or open
   * @param directory the storage's directory
   * @param index the snapshot's index
   * @param term the snapshot's term
   * @param bytes its data's length
   */
  public void finish(String operation, String directory, long index, long term, long bytes) {
    if (WeftJfr.ENABLED && shouldCommit()) {
      this.operation = operation;
      this.directory = directory;
      this.index = index;
      this.term = term;
      this.bytes = bytes;
      commit();
    }
  }
}
