package dev.weft.replication;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Named nodes of one kind, each on its own {@link NodeHost}, that can be crashed and restarted: the
 * servers of a real-time cluster. A restart builds a new node with the factory (from whatever the
 * caller keeps as durable). Thread-safe.
 *
 * @param <N> the nodes' type
 */
public final class HostGroup<N extends Node> implements AutoCloseable {
  private final LocalNetwork network;
  private final Duration tick;
  private final Function<String, N> factory;
  private final Map<String, NodeHost<N>> hosts = new LinkedHashMap<>();

  /**
   * Creates an empty group.
   *
   * @param network the network its nodes join
   * @param tick the wall-clock time of one tick
   * @param factory makes the node for an id, at every start and restart
   */
  public HostGroup(LocalNetwork network, Duration tick, Function<String, N> factory) {
    this.network = Objects.requireNonNull(network, "network");
    this.tick = Objects.requireNonNull(tick, "tick");
    this.factory = Objects.requireNonNull(factory, "factory");
  }

  /**
   * Starts (or restarts) the node {@code id}, made by the factory.
   *
   * @param id the node's id
   * @return its host
   * @throws IllegalStateException if it is up
   */
  public synchronized NodeHost<N> start(String id) {
    if (hosts.containsKey(id)) {
      throw new IllegalStateException(id + " is up");
    }
    NodeHost<N> h = NodeHost.start(factory.apply(id), network, tick);
    hosts.put(id, h);
    return h;
  }

  /**
   * Stops a node as a crash would: its host stops and messages to it are dropped.
   *
   * @param id a node that is up
   * @throws IllegalStateException if it is down
   */
  public synchronized void crash(String id) {
    NodeHost<N> h = hosts.remove(id);
    if (h == null) {
      throw new IllegalStateException(id + " is down");
    }
    h.close();
  }

  /**
   * A node's host.
   *
   * @param id a node
   * @return its host, or null if it is down
   */
  public synchronized NodeHost<N> host(String id) {
    return hosts.get(id);
  }

  /**
   * The hosts of the nodes that are up.
   *
   * @return a copy, in the order they were started
   */
  public synchronized List<NodeHost<N>> hosts() {
    return new ArrayList<>(hosts.values());
  }

  /** Stops every node. */
  @Override
  public synchronized void close() {
    hosts.values().forEach(NodeHost::close);
    hosts.clear();
  }
}
