package dev.weft.raft;

import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A hand-driven network of {@link TestNode}s, after etcd raft's test {@code network}: messages
 * queue in one FIFO and are delivered by {@link #deliverAll()}, except on cut links.
 */
final class Pipe {
  final Map<String, TestNode> nodes = new LinkedHashMap<>();
  private final ArrayDeque<RaftMessage> queue = new ArrayDeque<>();
  private final Set<String> cut = new HashSet<>();
  long delivered;

  Pipe(TestNode... members) {
    for (TestNode n : members) {
      nodes.put(n.id, n);
    }
  }

  TestNode node(String id) {
    return nodes.get(id);
  }

  /** Queues what every node has to send. */
  void collect() {
    for (TestNode n : nodes.values()) {
      queue.addAll(n.drain());
    }
  }

  /** Queues {@code messages}. */
  void send(List<RaftMessage> messages) {
    queue.addAll(messages);
  }

  /** Delivers until no node has anything to send; returns how many messages were delivered. */
  long deliverAll() {
    long before = delivered;
    collect();
    for (int guard = 0; !queue.isEmpty(); guard++) {
      if (guard > 1_000_000) {
        throw new AssertionError("the network never went quiet");
      }
      RaftMessage m = queue.poll();
      if (cut.contains(m.from() + ">" + m.to()) || !nodes.containsKey(m.to())) {
        continue;
      }
      TestNode to = nodes.get(m.to());
      to.step(m);
      delivered++;
      queue.addAll(to.drain());
    }
    return delivered - before;
  }

  void isolate(String id) {
    for (String other : nodes.keySet()) {
      cut.add(id + ">" + other);
      cut.add(other + ">" + id);
    }
  }

  void heal() {
    cut.clear();
  }

  void tick(String id, int times) {
    nodes.get(id).tick(times);
  }
}
