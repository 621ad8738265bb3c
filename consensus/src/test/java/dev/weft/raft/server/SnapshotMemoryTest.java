package dev.weft.raft.server;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.raft.MemoryStorage;
import dev.weft.raft.QuietLogger;
import dev.weft.raft.RaftConfig;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Opt-in measurement: memory stays bounded with snapshots. Three {@link Replica}s on {@link
 * MemoryStorage}, driven on one thread, apply {@code -Dweft.memory.commands} 64-byte commands
 * (20,000,000 for the figure) with a snapshot every 100,000 entries (5,000 kept behind it);
 * the live heap after a full GC is printed at 1,000,000 commands and at the end, and the end must
 * not exceed the first by more than 10% (GC noise).
 *
 * {@snippet lang = "sh" :
 * mvn -q -pl consensus -am verify -Dsurefire.failIfNoSpecifiedTests=false \
 *   -Dtest=SnapshotMemoryTest -Dweft.memory.commands=20000000
 * }
 */
@EnabledIfSystemProperty(named = "weft.memory.commands", matches = "\\d+")
class SnapshotMemoryTest {
  /** Counts commands; holds nothing, so the heap measured is the log's and the driver's. */
  private static final class Counter implements StateMachine {
    long count;

    @Override
    public byte[] apply(long index, byte[] command) {
      count++;
      return null;
    }

    @Override
    public byte[] snapshot() {
      return java.nio.ByteBuffer.allocate(8).putLong(count).array();
    }

    @Override
    public void restore(byte[] snapshot) {
      count = java.nio.ByteBuffer.wrap(snapshot).getLong();
    }
  }

  @Test
  void liveHeapAtTheEndIsNoLargerThanAtOneMillionCommands() {
    long total = Long.getLong("weft.memory.commands");
    long mark = Math.min(1_000_000, total / 2);
    List<String> ids = List.of("a", "b", "c");
    ServerOptions options =
        ServerOptions.defaults()
            .withProposalTimeout(java.time.Duration.ofHours(1))
            .withSnapshots(SnapshotPolicy.every(100_000).withRetainedEntries(5_000));
    Map<String, Replica> replicas = new LinkedHashMap<>();
    for (String id : ids) {
      replicas.put(
          id,
          new Replica(
              new RaftConfig(id, ids, 10, 1, id.hashCode()).withLogger(QuietLogger.INSTANCE),
              new MemoryStorage(),
              new Counter(),
              options));
    }
    ArrayDeque<Envelope> wire = new ArrayDeque<>();
    Replica leader = null;
    while (leader == null) {
      for (Replica r : replicas.values()) {
        r.tick();
        wire.addAll(r.flush());
      }
      deliver(replicas, wire);
      leader = replicas.values().stream().filter(Replica::isLeader).findFirst().orElse(null);
    }
    byte[] command = new byte[64];
    long submitted = 0;
    long atMark = -1;
    long start = System.nanoTime();
    while (leader.applied() < total) {
      for (int i = 0; i < 1000 && submitted < total; i++, submitted++) {
        leader.submit(command);
      }
      wire.addAll(leader.flush());
      deliver(replicas, wire);
      if (atMark < 0 && leader.applied() >= mark) {
        atMark = liveHeap();
        System.out.printf(
            "SnapshotMemoryTest: live heap at %,d commands: %,d bytes%n", mark, atMark);
      }
    }
    long atEnd = liveHeap();
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf(
        "SnapshotMemoryTest: live heap at %,d commands: %,d bytes (%.2fx; %.0f s, %,.0f"
            + " commands/s)%n",
        total, atEnd, (double) atEnd / atMark, seconds, total / seconds);
    assertTrue(atEnd <= atMark * 1.1, "the heap grew from " + atMark + " to " + atEnd);
  }

  private static void deliver(Map<String, Replica> replicas, ArrayDeque<Envelope> wire) {
    while (!wire.isEmpty()) {
      Envelope e = wire.poll();
      Replica to = replicas.get(e.to());
      to.receive(e);
      wire.addAll(to.flush());
    }
  }

  private static long liveHeap() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    Runtime r = Runtime.getRuntime();
    return r.totalMemory() - r.freeMemory();
  }
}
