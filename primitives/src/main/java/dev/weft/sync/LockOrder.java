package dev.weft.sync;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Lock-order checking: a global graph of "acquired while holding" edges between checked locks, and
 * the locks each thread holds.
 *
 * <p>Acquiring lock B while holding A records the edge A → B, with the stack where it was first
 * seen. If B → ... → A is already in the graph, adding A → B would close a cycle: two threads
 * following the two orders can deadlock, so the acquisition is refused with {@link
 * PotentialDeadlockException} before it blocks. The idea is that of Guava's {@code
 * CycleDetectingLockFactory} and of go-deadlock; unlike Guava, weft checks only blocking
 * acquisitions, because a {@code tryLock} that backs off cannot deadlock.
 *
 * <p>Edges are held weakly by their target, so a checked lock that is no longer referenced can be
 * collected. The graph is guarded by one lock: checking is a debugging aid, and its cost (a
 * thread-local lookup and a graph walk on the first sight of each new order) is paid only by locks
 * that switch it on.
 */
final class LockOrder {
  private static final ReentrantLock GRAPH_LOCK = new ReentrantLock();
  private static final ThreadLocal<List<Node>> HELD = ThreadLocal.withInitial(ArrayList::new);

  private LockOrder() {}

  /** A checked lock in the graph. Identity matters, not the name. */
  static final class Node {
    final String name;

    /** Edges this → later: {@code later} was acquired while this was held, first at the site. */
    private final Map<Node, Site> later = new WeakHashMap<>();

    Node(String name) {
      this.name = name;
    }

    @Override
    public String toString() {
      return name;
    }
  }

  /** Where an edge was first recorded: the acquiring thread's name and stack. */
  record Site(String thread, StackTraceElement[] stack) {
    static Site here() {
      return new Site(Thread.currentThread().getName(), new Throwable().getStackTrace());
    }
  }

  /**
   * Checks, before a blocking acquisition of {@code acquiring}, that it closes no cycle with every
   * lock the thread holds, and records the new edges. Re-acquiring a held lock is left to the
   * lock's own reentrancy check.
   */
  static void beforeBlockingAcquire(Node acquiring) {
    List<Node> held = HELD.get();
    if (held.isEmpty() || held.contains(acquiring)) {
      return;
    }
    GRAPH_LOCK.lock();
    try {
      List<Node> fresh = new ArrayList<>();
      for (Node before : held) {
        if (before.later.containsKey(acquiring)) {
          continue;
        }
        List<Node> cycle = path(acquiring, before);
        if (cycle != null) {
          throw conflict(before, acquiring, cycle); // nothing recorded for a refused acquisition
        }
        fresh.add(before);
      }
      if (!fresh.isEmpty()) {
        Site here = Site.here();
        for (Node before : fresh) {
          before.later.put(acquiring, here);
        }
      }
    } finally {
      GRAPH_LOCK.unlock();
    }
  }

  /** Records that the calling thread now holds {@code node}. */
  static void acquired(Node node) {
    HELD.get().add(node);
  }

  /** Records that the calling thread released {@code node} (the latest hold, if several). */
  static void released(Node node) {
    List<Node> held = HELD.get();
    for (int i = held.size() - 1; i >= 0; i--) {
      if (held.get(i) == node) {
        held.remove(i);
        return;
      }
    }
  }

  /** The locks the calling thread holds, oldest first; for tests and reports. */
  static List<Node> heldByCurrentThread() {
    return Collections.unmodifiableList(new ArrayList<>(HELD.get()));
  }

  /** A path from {@code from} to {@code to} along recorded edges, or null; breadth first. */
  private static List<Node> path(Node from, Node to) {
    Map<Node, Node> parent = new IdentityHashMap<>();
    Set<Node> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    ArrayDeque<Node> queue = new ArrayDeque<>();
    queue.add(from);
    seen.add(from);
    while (!queue.isEmpty()) {
      Node n = queue.poll();
      if (n == to) {
        List<Node> path = new ArrayList<>();
        for (Node at = to; at != null; at = parent.get(at)) {
          path.add(0, at);
        }
        return path;
      }
      for (Node next : n.later.keySet()) {
        if (seen.add(next)) {
          parent.put(next, n);
          queue.add(next);
        }
      }
    }
    return null;
  }

  private static PotentialDeadlockException conflict(
      Node holding, Node acquiring, List<Node> cycle) {
    // cycle runs acquiring -> ... -> holding; each consecutive pair is an edge with a site.
    StringBuilder order = new StringBuilder();
    for (Node n : cycle) {
      order.append(n.name).append(" -> ");
    }
    order.append(acquiring.name);
    String message =
        "potential deadlock: acquiring "
            + acquiring.name
            + " while holding "
            + holding.name
            + ", but "
            + holding.name
            + " was earlier acquired while holding "
            + acquiring.name
            + (cycle.size() > 2 ? " (through " + (cycle.size() - 2) + " other locks)" : "")
            + "; lock order cycle: "
            + order;
    PotentialDeadlockException e = new PotentialDeadlockException(message);
    Throwable tail = e;
    for (int i = 0; i + 1 < cycle.size(); i++) {
      Node a = cycle.get(i);
      Node b = cycle.get(i + 1);
      Site site = a.later.get(b);
      Throwable earlier =
          new PotentialDeadlockException.EarlierAcquisition(
              b.name
                  + " acquired while holding "
                  + a.name
                  + ", first seen on thread \""
                  + site.thread()
                  + "\"",
              site.stack());
      tail.initCause(earlier);
      tail = earlier;
    }
    return e;
  }
}
