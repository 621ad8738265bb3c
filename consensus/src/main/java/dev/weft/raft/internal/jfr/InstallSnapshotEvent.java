package dev.weft.raft.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * An InstallSnapshot transfer between a leader and a follower, on either side: on the leader
 * ({@code send}) from the start of the transfer to its last acknowledged chunk, or to the point it
 * was abandoned (the follower went quiet, the leader stepped down, or the core asked again); on the
 * follower ({@code receive}) from the first chunk to the last, or to the point it was dropped (a
 * new transfer began, a write failed, the driver closed). {@code bytes} is what the follower
 * acknowledged (send) or wrote (receive).
 */
@Name("dev.weft.RaftInstallSnapshot")
@Label("Raft InstallSnapshot")
@Category({"weft", "Raft"})
@Description("A snapshot sent to, or received from, a peer")
@StackTrace(false)
public final class InstallSnapshotEvent extends Event {
  @Label("Node")
  public String node;

  @Label("Peer")
  public String peer;

  @Label("Direction")
  @Description("send (on the leader) or receive (on the follower)")
  public String direction;

  @Label("Index")
  public long index;

  @Label("Term")
  public long term;

  @Label("Bytes")
  @DataAmount
  public long bytes;

  @Label("Completed")
  @Description("False if the transfer was abandoned")
  public boolean completed;

  /**
   * Fills in and commits the event, if a recording wants it; the caller has begun and ended it.
   *
   * @param node this node
   * @param peer the other side
   * @param direction send or receive
   * @param index the snapshot's index
   * @param term the snapshot's term
   * @param bytes the bytes transferred
   * @param completed whether the transfer completed
   */
  public void finish(
      String node,
      String peer,
      String direction,
      long index,
      long term,
      long bytes,
      boolean completed) {
    if (WeftJfr.ENABLED && shouldCommit()) {
      this.node = node;
      this.peer = peer;
      this.direction = direction;
      this.index = index;
      this.term = term;
      this.bytes = bytes;
      this.completed = completed;
      commit();
    }
  }
}
