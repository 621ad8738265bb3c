package dev.weft.raft.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** The leader a node knows of changed (to another node, to itself, or to none). */
@Name("dev.weft.RaftLeaderChange")
@Label("Raft Leader Change")
@Category({"weft", "Raft"})
@Description("The leader a node knows of changed")
@StackTrace(false)
public final class RaftLeaderChangeEvent extends Event {
  @Label("Node")
  public String node;

  @Label("Term")
  public long term;

  @Label("Previous Leader")
  public String previousLeader;

  @Label("Leader")
  @Description("The new leader, or null if the node knows of none")
  public String leader;

  /**
   * Commits a leader-change event if a recording wants it.
   *
   * @param node the node's id
   * @param term its term now
   * @param previous the leader it knew of before, or null
   * @param leader the leader it knows of now, or null
   */
  public static void emit(String node, long term, String previous, String leader) {
    if (!WeftJfr.ENABLED) {
      return;
    }
    RaftLeaderChangeEvent e = new RaftLeaderChangeEvent();
    if (e.shouldCommit()) {
      e.node = node;
      e.term = term;
      e.previousLeader = previous;
      e.leader = leader;
      e.commit();
    }
  }
}
