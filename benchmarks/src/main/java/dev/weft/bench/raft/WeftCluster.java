package dev.weft.bench.raft;

import dev.weft.raft.MemoryStorage;
import dev.weft.raft.RaftConfig;
import dev.weft.raft.Role;
import dev.weft.raft.server.InProcessNetwork;
import dev.weft.raft.server.RaftServer;
import dev.weft.raft.server.ServerOptions;
import dev.weft.raft.server.StateMachine;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Three weft {@link RaftServer}s with memory storage over an {@link InProcessNetwork}. */
final class WeftCluster implements Cluster {
  /** Counts commands and returns an empty result: the cost of applying is not what is measured. */
  static final class CountingMachine implements StateMachine {
    long applied;

    @Override
    public byte[] apply(long index, byte[] command) {
      applied++;
      return null;
    }

    @Override
    public byte[] snapshot() {
      return new byte[0];
    }

    @Override
    public void restore(byte[] snapshot) {}
  }

  private final InProcessNetwork network = new InProcessNetwork();
  private final List<RaftServer> servers = new ArrayList<>();
  private final RaftServer leader;

  WeftCluster() throws InterruptedException {
    List<String> ids = List.of("a", "b", "c");
    ServerOptions options = ServerOptions.defaults().withTickInterval(Duration.ofMillis(10));
    for (String id : ids) {
      servers.add(
          RaftServer.start(
              // election timeout 1-2 s and heartbeats every 100 ms, near MicroRaft's settings, so
              // that a long GC pause under load does not depose the leader mid-measurement
              new RaftConfig(id, ids, 100, 10, id.hashCode()),
              new MemoryStorage(),
              new CountingMachine(),
              network.endpoint(id),
              options));
    }
    leader = awaitLeader(servers);
  }

  /** Waits until every server names the same leader, and that leader has committed a command. */
  static RaftServer awaitLeader(List<RaftServer> servers) throws InterruptedException {
    for (int i = 0; i < 2000; i++) {
      for (RaftServer s : servers) {
        if (s.status().role() == Role.LEADER
            && servers.stream().allMatch(o -> s.id().equals(o.status().leader()))
            && s.submit(new byte[1]).handle((r, e) -> e == null).join()) {
          return s;
        }
      }
      Thread.sleep(5);
    }
    throw new IllegalStateException("no leader elected");
  }

  @Override
  public CompletableFuture<?> submit(byte[] command) {
    return leader.submit(command);
  }

  @Override
  public void close() {
    for (RaftServer s : servers) {
      s.close();
    }
    network.close();
  }
}
