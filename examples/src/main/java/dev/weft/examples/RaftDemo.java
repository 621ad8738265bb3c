package dev.weft.examples;

import dev.weft.raft.LogEntry;
import dev.weft.raft.MemoryStorage;
import dev.weft.raft.RaftConfig;
import dev.weft.raft.RaftMessage;
import dev.weft.raft.RaftNode;
import dev.weft.raft.RaftStatus;
import dev.weft.raft.Ready;
import dev.weft.raft.Role;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ResourceBundle;
import java.util.function.BooleanSupplier;

/**
 * dev.weft.raft: five Raft cores driven by hand on one thread (section 9 runs them under the driver
 * instead): they elect a leader, replicate commands, survive the leader's crash, and the old
 * leader, restarted from its storage, rebuilds its state and catches up.
 */
final class RaftDemo {
  private static final List<String> IDS = List.of("n1", "n2", "n3", "n4", "n5");

  private final Map<String, MemoryStorage> disks = new LinkedHashMap<>();
  private final Map<String, RaftNode> up = new LinkedHashMap<>();
  private final Map<String, List<String>> applied = new LinkedHashMap<>();
  private final ArrayDeque<RaftMessage> wire = new ArrayDeque<>();
  private long ticks;

  private RaftDemo() {
    for (String id : IDS) {
      disks.put(id, new MemoryStorage());
      start(id);
    }
  }

  static void run(PrintStream out) {
    Demo.heading(out, "8. Raft core: election, replication, a leader crash and a recovery");
    out.println(
        "  Five Raft cores on one thread; a tick is one logical clock step, the election timeout");
    out.println("  10 to 19 ticks. Each Ready is persisted, then its messages sent, then applied.");
    out.println();
    RaftDemo demo = new RaftDemo();

    demo.tickUntil(() -> demo.leader() != null);
    String first = demo.leader();
    out.printf(
        "  tick %3d: %s is elected leader of term %d%n",
        demo.ticks, first, demo.up.get(first).status().term());

    for (String command : List.of("x=1", "y=2", "x=3")) {
      long index = demo.propose(command);
      out.printf("  tick %3d: %s proposes %s at index %d%n", demo.ticks, first, command, index);
    }
    demo.tickUntil(() -> demo.everyUpNodeApplied(3));
    out.printf("  tick %3d: every node applied %s%n", demo.ticks, demo.applied.get(first));

    demo.crash(first);
    out.printf(
        "  tick %3d: %s crashes (its memory is lost, its storage kept)%n", demo.ticks, first);
    long before = demo.ticks;
    demo.tickUntil(() -> demo.leader() != null);
    String second = demo.leader();
    out.printf(
        "  tick %3d: %s is elected leader of term %d, %d ticks later%n",
        demo.ticks, second, demo.up.get(second).status().term(), demo.ticks - before);
    for (String command : List.of("y=4", "z=5")) {
      long index = demo.propose(command);
      out.printf("  tick %3d: %s proposes %s at index %d%n", demo.ticks, second, command, index);
    }
    demo.tickUntil(() -> demo.everyUpNodeApplied(5));
    out.printf(
        "  tick %3d: the four live nodes applied %s%n", demo.ticks, demo.applied.get(second));

    demo.start(first);
    RaftStatus restarted = demo.up.get(first).status();
    out.printf(
        "  tick %3d: %s restarts from its storage at term %d with %d entries%n",
        demo.ticks, first, restarted.term(), restarted.lastIndex());
    demo.tickUntil(() -> demo.everyUpNodeApplied(5));
    out.printf(
        "  tick %3d: %s rebuilt its state and caught up: %s%n",
        demo.ticks, first, demo.applied.get(first));
    out.println();
    for (String id : IDS) {
      RaftStatus s = demo.up.get(id).status();
      out.printf(
          "    %s  %-9s term %d  commit %d  applied %s%n",
          id, s.role(), s.term(), s.commitIndex(), demo.applied.get(id));
    }
    out.println();
  }

  private void start(String id) {
    applied.put(id, new ArrayList<>());
    RaftConfig config = new RaftConfig(id, IDS, 10, 1, id.hashCode()).withLogger(Silent.INSTANCE);
    up.put(id, RaftNode.start(config, disks.get(id)));
    handle(id);
  }

  private void crash(String id) {
    up.remove(id);
  }

  private long propose(String command) {
    String leader = leader();
    long index = up.get(leader).propose(command.getBytes(StandardCharsets.UTF_8));
    handle(leader);
    deliver();
    return index;
  }

  /** What the application does with each Ready: persist, send, apply, advance. */
  private void handle(String id) {
    RaftNode node = up.get(id);
    MemoryStorage disk = disks.get(id);
    while (node.hasReady()) {
      Ready ready = node.ready();
      disk.append(ready.entries());
      if (ready.hardState() != null) {
        disk.setHardState(ready.hardState());
      }
      wire.addAll(ready.messages());
      for (LogEntry e : ready.committedEntries()) {
        if (e.isCommand()) {
          applied.get(id).add(new String(e.data(), StandardCharsets.UTF_8));
        }
      }
      node.advance(ready);
    }
  }

  /**
   * Delivers every message in flight, and those they cause; messages to a crashed node are lost.
   */
  private void deliver() {
    while (!wire.isEmpty()) {
      RaftMessage m = wire.poll();
      if (up.containsKey(m.to())) {
        up.get(m.to()).step(m);
        handle(m.to());
      }
    }
  }

  private void tickUntil(BooleanSupplier done) {
    for (int i = 0; i < 1_000 && !done.getAsBoolean(); i++) {
      ticks++;
      for (String id : up.keySet()) {
        up.get(id).tick();
        handle(id);
      }
      deliver();
    }
    if (!done.getAsBoolean()) {
      throw new IllegalStateException("the Raft demo did not converge");
    }
  }

  private String leader() {
    for (Map.Entry<String, RaftNode> e : up.entrySet()) {
      if (e.getValue().status().role() == Role.LEADER) {
        return e.getKey();
      }
    }
    return null;
  }

  private boolean everyUpNodeApplied(int commands) {
    for (String id : up.keySet()) {
      if (applied.get(id).size() < commands) {
        return false;
      }
    }
    return true;
  }

  /** The demo prints its own story; the cores' INFO lines would only repeat it. */
  enum Silent implements System.Logger {
    INSTANCE;

    @Override
    public String getName() {
      return "raft-demo";
    }

    @Override
    public boolean isLoggable(Level level) {
      return false;
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {}

    @Override
    public void log(Level level, ResourceBundle bundle, String format, Object... params) {}
  }
}
