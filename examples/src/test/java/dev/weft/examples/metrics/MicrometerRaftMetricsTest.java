package dev.weft.examples.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.raft.MemoryStorage;
import dev.weft.raft.RaftConfig;
import dev.weft.raft.Role;
import dev.weft.raft.server.InProcessNetwork;
import dev.weft.raft.server.RaftServer;
import dev.weft.raft.server.ServerOptions;
import dev.weft.raft.server.StateMachine;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A three-server cluster's meters, read from a Micrometer registry through the adapter. */
class MicrometerRaftMetricsTest {
  /** Applies nothing but counts. */
  static final class Counting implements StateMachine {
    @Override
    public byte[] apply(long index, byte[] command) {
      return command;
    }

    @Override
    public byte[] snapshot() {
      return new byte[0];
    }

    @Override
    public void restore(byte[] snapshot) {}
  }

  @Test
  void aClustersMetersReachTheRegistry() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    InProcessNetwork network = new InProcessNetwork();
    List<String> ids = List.of("a", "b", "c");
    List<RaftServer> servers = new ArrayList<>();
    try {
      for (String id : ids) {
        servers.add(
            RaftServer.start(
                new RaftConfig(id, ids, 10, 1, id.hashCode()),
                new MemoryStorage(),
                new Counting(),
                network.endpoint(id),
                ServerOptions.defaults().withTickInterval(Duration.ofMillis(5)),
                new MicrometerRaftMetrics(registry)));
      }
      RaftServer leader = null;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (leader == null) {
        assertTrue(System.nanoTime() < deadline, "no leader");
        for (RaftServer s : servers) {
          if (s.status().role() == Role.LEADER) {
            leader = s;
          }
        }
        Thread.sleep(5);
      }
      for (int i = 0; i < 10; i++) {
        leader.submit(new byte[] {(byte) i}).get(20, TimeUnit.SECONDS);
      }
      String node = leader.id();
      assertEquals(1.0, registry.get("weft.raft.leader").tag("node", node).gauge().value());
      assertTrue(
          registry.get("weft.raft.applied.entries").tag("node", node).counter().count() >= 10);
      assertEquals(
          (double) leader.status().term(),
          registry.get("weft.raft.term").tag("node", node).gauge().value());
      assertEquals(33, registry.getMeters().size(), "11 meters for each of 3 servers");
    } finally {
      for (RaftServer s : servers) {
        s.close();
      }
      network.close();
    }
  }
}
