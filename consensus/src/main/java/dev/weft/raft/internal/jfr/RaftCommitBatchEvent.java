package dev.weft.raft.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * One turn of a server's event loop that applied committed entries: its duration is the turn's
 * persist, send and apply step.
 */
@Name("dev.weft.RaftCommitBatch")
@Label("Raft Commit Batch")
@Category({"weft", "Raft"})
@Description("Committed entries applied in one turn of a server's event loop")
@StackTrace(false)
public final class RaftCommitBatchEvent extends Event {
  @Label("Node")
  public String node;

  @Label("Term")
  public long term;

  @Label("First Index")
  public long firstIndex;

  @Label("Last Index")
  public long lastIndex;

  @Label("Entries")
  public long entries;

  @Label("Bytes")
  @Description("Command bytes applied")
  @DataAmount
  public long bytes;

  /**
   * Fills in and commits the event, if a recording wants it; the caller has begun and ended it.
   *
   * @param node the node's id
   * @param term its term
   * @param first the first index applied
   * @param last the last index applied
   * @param bytes the command bytes applied
   */
  public void finish(String node, long term, long first, long last, long bytes) {
    if (WeftJfr.ENABLED && shouldCommit()) {
      this.node = node;
      this.term = term;
      this.firstIndex = first;
      this.lastIndex = last;
      this.entries = last - first + 1;
      this.bytes = bytes;
      commit();
    }
  }
}
