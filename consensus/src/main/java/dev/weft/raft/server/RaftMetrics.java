package dev.weft.raft.server;

import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Where a {@link RaftServer} reports its counters and gauges: a few lines of adapter connect it to
 * Micrometer, Prometheus's client or any other registry (the examples module has one for
 * Micrometer); weft depends on none of them. The server registers its meters once, when it starts,
 * from the starting thread; it then adds to counters on its event loop's thread, and the registry
 * reads gauges from whatever thread it scrapes on.
 *
 * <p>Meter names are dotted, lower case, as Micrometer writes them ({@code weft.raft.elections}); a
 * Prometheus adapter turns the dots into underscores. Every meter has the tag {@code node} (the
 * server's id). The names, with what they count, are:
 *
 * <table class="striped">
 *   <caption>Meters of a RaftServer</caption>
 *   <thead><tr><th>name</th><th>kind</th><th>what</th></tr></thead>
 *   <tbody>
 *   <tr><td>{@code weft.raft.elections}</td><td>counter</td><td>elections this node started</td>
 *   <tr><td>{@code weft.raft.elections.won}</td><td>counter</td><td>elections it won</td>
 *   <tr><td>{@code weft.raft.leader.changes}</td><td>counter</td><td>changes of the leader it
 *       knows of</td>
 *   <tr><td>{@code weft.raft.commit.batches}</td><td>counter</td><td>loop turns that applied
 *       committed entries</td>
 *   <tr><td>{@code weft.raft.applied.entries}</td><td>counter</td><td>entries applied</td>
 *   <tr><td>{@code weft.raft.applied.bytes}</td><td>counter</td><td>command bytes applied</td>
 *   <tr><td>{@code weft.raft.term}</td><td>gauge</td><td>current term</td>
 *   <tr><td>{@code weft.raft.commit.index}</td><td>gauge</td><td>commit index</td>
 *   <tr><td>{@code weft.raft.last.index}</td><td>gauge</td><td>last log index</td>
 *   <tr><td>{@code weft.raft.applied.index}</td><td>gauge</td><td>last applied index</td>
 *   <tr><td>{@code weft.raft.leader}</td><td>gauge</td><td>1 while this node leads, else 0</td>
 *   </tbody>
 * </table>
 */
public interface RaftMetrics {
  /** A monotonically increasing count. */
  @FunctionalInterface
  interface Counter {
    /**
     * Adds to the count.
     *
     * @param amount how much, at least 0
     */
    void add(long amount);
  }

  /**
   * Registers a counter.
   *
   * @param name the meter's dotted name
   * @param description what it counts
   * @param tags its tags (for a server: {@code node})
   * @return the counter to add to
   */
  Counter counter(String name, String description, Map<String, String> tags);

  /**
   * Registers a gauge, read whenever the registry wants it.
   *
   * @param name the meter's dotted name
   * @param description what it measures
   * @param tags its tags (for a server: {@code node})
   * @param value returns the current value; safe to call from any thread
   */
  void gauge(String name, String description, Map<String, String> tags, LongSupplier value);

  /**
   * Metrics that go nowhere: the default.
   *
   * @return a registry that ignores everything
   */
  static RaftMetrics none() {
    return NoMetrics.INSTANCE;
  }
}
