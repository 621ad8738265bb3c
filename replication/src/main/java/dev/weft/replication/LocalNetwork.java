package dev.weft.replication;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A network of named nodes inside one JVM, in real time: {@link #send} hands a message straight to
 * the addressee's receiver (which only queues it), unless a partition blocks the way or nobody is
 * attached under that name, in which case the message is dropped, as a network would. Partitions
 * can be set and healed at any time; {@link #sent()} counts messages, so that a benchmark can
 * report messages per operation.
 *
 * <p>Thread-safe. Messages are objects passed by reference: they must be immutable.
 */
public final class LocalNetwork {
  /**
   * What a node attached to the network does with a message. Called on the sender's thread; must
   * not block (queue and return).
   */
  @FunctionalInterface
  public interface Receiver {
    /**
     * A message has arrived.
     *
     * @param from the sender's id
     * @param message the message
     */
    void deliver(String from, Object message);
  }

  private final Map<String, Receiver> receivers = new ConcurrentHashMap<>();
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private volatile Map<String, Integer> groups = Map.of();
  private final Set<String> cut = ConcurrentHashMap.newKeySet();

  /** Creates a network with nobody attached and no partition. */
  public LocalNetwork() {}

  /**
   * Attaches a node under {@code id}, replacing whoever was attached under it.
   *
   * @param id the node's id
   * @param receiver where its messages go
   */
  public void attach(String id, Receiver receiver) {
    receivers.put(Objects.requireNonNull(id, "id"), Objects.requireNonNull(receiver, "receiver"));
  }

  /**
   * Detaches the node attached under {@code id} with {@code receiver}, if it still is: messages to
   * it are dropped from now on.
   *
   * @param id the node's id
   * @param receiver the receiver it was attached with
   */
  public void detach(String id, Receiver receiver) {
    receivers.remove(id, receiver);
  }

  /**
   * Sends a message, or drops it if {@code to} is not attached or cannot be reached from {@code
   * from}.
   *
   * @param from the sender's id
   * @param to the addressee's id
   * @param message the message, immutable
   */
  public void send(String from, String to, Object message) {
    Objects.requireNonNull(message, "message");
    sent.incrementAndGet();
    Receiver r = receivers.get(to);
    if (r == null || !reachable(from, to)) {
      dropped.incrementAndGet();
      return;
    }
    r.deliver(from, message);
  }

  private boolean reachable(String from, String to) {
    Map<String, Integer> g = groups;
    if (!g.isEmpty() && !g.getOrDefault(from, -1).equals(g.getOrDefault(to, -1))) {
      return false;
    }
    return cut.isEmpty() || !cut.contains(from + "\u0000" + to);
  }

  /**
   * Splits the nodes into groups that cannot reach each other; nodes named in no group form one
   * more group together. Replaces the partition set before (not the cuts).
   *
   * @param partition disjoint groups of node ids
   * @throws IllegalArgumentException if a node is in two groups
   */
  public void partition(List<? extends Collection<String>> partition) {
    Map<String, Integer> g = new HashMap<>();
    for (int i = 0; i < partition.size(); i++) {
      for (String id : partition.get(i)) {
        if (g.put(id, i) != null) {
          throw new IllegalArgumentException(id + " is in two groups");
        }
      }
    }
    groups = Map.copyOf(g);
  }

  /**
   * Cuts a node off from every other.
   *
   * @param id the node's id
   */
  public void isolate(String id) {
    partition(List.of(List.of(id)));
  }

  /**
   * Blocks the one direction {@code from -> to}, both ways if called twice.
   *
   * @param from the sender
   * @param to the addressee
   */
  public void cut(String from, String to) {
    cut.add(from + "\u0000" + to);
  }

  /** Removes every partition and cut. */
  public void heal() {
    groups = Map.of();
    cut.clear();
  }

  /**
   * Counts the messages sent so far, delivered or dropped.
   *
   * @return the count
   */
  public long sent() {
    return sent.get();
  }

  /**
   * Counts the messages dropped so far (partition, or nobody attached).
   *
   * @return the count
   */
  public long dropped() {
    return dropped.get();
  }
}
