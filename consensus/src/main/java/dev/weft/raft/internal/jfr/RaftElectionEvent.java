package dev.weft.raft.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/** An election this node ran as (pre-)candidate, from its first campaign to its outcome. */
@Name("dev.weft.RaftElection")
@Label("Raft Election")
@Category({"weft", "Raft"})
@Description("An election a node ran: from becoming (pre-)candidate until it led or followed")
@StackTrace(false)
public final class RaftElectionEvent extends Event {
  @Label("Node")
  public String node;

  @Label("Term")
  @Description("The node's term when the election ended")
  public long term;

  @Label("Won")
  public boolean won;

  @Label("Leader")
  @Description("The leader the node knows of when the election ended, if any")
  public String leader;

  @Label("Election Time")
  @Description("As seen by the event loop: from the turn it first saw the node campaign")
  @Timespan(Timespan.NANOSECONDS)
  public long electionTime;

  /**
   * Commits an election event if a recording wants it.
   *
   * @param node the node's id
   * @param term its term at the end
   * @param won whether it became leader
   * @param leader the leader it knows of, or null
   * @param nanos how long the election took
   */
  public static void emit(String node, long term, boolean won, String leader, long nanos) {
    if (!WeftJfr.ENABLED) {
      return;
    }
    RaftElectionEvent e = new RaftElectionEvent();
    if (e.shouldCommit()) {
      e.node = node;
      e.term = term;
      e.won = won;
      e.leader = leader;
      e.electionTime = nanos;
      e.commit();
    }
  }
}
