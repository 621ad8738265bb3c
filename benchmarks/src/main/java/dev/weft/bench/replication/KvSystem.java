package dev.weft.bench.replication;

import dev.weft.examples.kv.KvClient;
import dev.weft.examples.kv.KvStateMachine;
import dev.weft.raft.MemoryStorage;
import dev.weft.raft.RaftConfig;
import dev.weft.raft.Role;
import dev.weft.raft.server.InProcessNetwork;
import dev.weft.raft.server.RaftServer;
import dev.weft.raft.server.ServerOptions;
import dev.weft.replication.LocalNetwork;
import dev.weft.replication.chain.ChainCluster;
import dev.weft.replication.chain.ChainServer;
import dev.weft.replication.kv.KeyValueClient;
import dev.weft.replication.pb.PbCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

/**
 * One replicated key-value service for {@link ReplicationBench}, in one process: clients, and a
 * count of the messages its network has carried (everything: requests, forwards, acknowledgments,
 * heartbeats, leases, and the Raft traffic of the configuration service where there is one).
 */
interface KvSystem extends AutoCloseable {
  /** The wall-clock time of one tick in every scheme. */
  Duration TICK = Duration.ofMillis(10);

  /** How long one operation may take before it fails the benchmark. */
  Duration DEADLINE = Duration.ofSeconds(30);

  /**
   * A new client.
   *
   * @param n a number, unique per client
   * @return the client
   */
  KeyValueClient client(int n);

  /**
   * Counts the messages sent so far.
   *
   * @return the count
   */
  long messages();

  @Override
  void close();

  /**
   * Starts a service and waits until it answers.
   *
   * @param scheme raft, primary-backup, chain-tail or chain-craq
   * @return the running service
   * @throws Exception if it cannot start
   */
  static KvSystem start(String scheme) throws Exception {
    KvSystem s =
        switch (scheme) {
          case "raft" -> new RaftKv();
          case "primary-backup" -> Hosted.primaryBackup();
          case "chain-tail" -> Hosted.chain(ChainServer.ReadMode.TAIL);
          case "chain-craq" -> Hosted.chain(ChainServer.ReadMode.CRAQ);
          default -> throw new IllegalArgumentException("unknown scheme " + scheme);
        };
    KeyValueClient probe = s.client(-1);
    probe.put("warm", "up"); // the first answer means a leader, a view or a chain is in place
    return s;
  }

  /** The Raft key-value example: three servers, the map deduplicating by client sessions. */
  final class RaftKv implements KvSystem {
    private final InProcessNetwork network = new InProcessNetwork();
    private final List<RaftServer> servers = new ArrayList<>();

    RaftKv() throws InterruptedException {
      List<String> ids = List.of("a", "b", "c");
      ServerOptions options = ServerOptions.defaults().withTickInterval(TICK);
      for (String id : ids) {
        servers.add(
            RaftServer.start(
                new RaftConfig(id, ids, 10, 1, id.hashCode()),
                new MemoryStorage(),
                new KvStateMachine(),
                network.endpoint(id),
                options));
      }
      for (int i = 0; i < 1000 && servers.stream().noneMatch(this::leads); i++) {
        Thread.sleep(5);
      }
    }

    private boolean leads(RaftServer s) {
      return s.status().role() == Role.LEADER;
    }

    @Override
    public KeyValueClient client(int n) {
      return new KvClient(servers, Duration.ofSeconds(1), DEADLINE);
    }

    @Override
    public long messages() {
      return network.sent();
    }

    @Override
    public void close() {
      servers.forEach(RaftServer::close);
      network.close();
    }
  }

  /**
   * Primary-backup (a primary, a backup and a spare) or a chain of three and a spare, each with a
   * configuration group of three, on a {@link LocalNetwork}.
   */
  final class Hosted implements KvSystem {
    private final BiFunction<String, Duration, KeyValueClient> clients;
    private final LocalNetwork network;
    private final AutoCloseable cluster;

    private Hosted(
        BiFunction<String, Duration, KeyValueClient> clients,
        LocalNetwork network,
        AutoCloseable cluster) {
      this.clients = clients;
      this.network = network;
      this.cluster = cluster;
    }

    static Hosted primaryBackup() {
      PbCluster c = PbCluster.start(3, TICK, 42);
      return new Hosted(c::client, c.network(), c);
    }

    static Hosted chain(ChainServer.ReadMode mode) {
      ChainCluster c = ChainCluster.start(4, 3, mode, TICK, 42);
      return new Hosted(c::client, c.network(), c);
    }

    @Override
    public KeyValueClient client(int n) {
      return clients.apply("client-" + n, DEADLINE);
    }

    @Override
    public long messages() {
      return network.sent();
    }

    @Override
    public void close() {
      try {
        cluster.close();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
