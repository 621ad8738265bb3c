package dev.weft.replication.pb;

import dev.weft.replication.HostGroup;
import dev.weft.replication.LocalNetwork;
import dev.weft.replication.NodeHost;
import dev.weft.replication.View;
import dev.weft.replication.config.ConfigService;
import dev.weft.replication.kv.BlockingKvClient;
import dev.weft.replication.kv.KvClientNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;

/**
 * A primary-backup key-value service in real time, in one JVM: a {@link ConfigService} of three
 * members, {@code n} {@link PbServer}s (a primary, a backup and spares), each on its own {@link
 * NodeHost}, all on one {@link LocalNetwork}.
 *
 * {@snippet :
 * try (PbCluster pb = PbCluster.start(3, Duration.ofMillis(5), 42);
 *     BlockingKvClient kv = pb.client("client-1", Duration.ofSeconds(5))) {
 *   kv.put("x", "1");
 *   pb.crash(pb.view().first());   // the backup takes over, a spare becomes the new backup
 *   kv.get("x");                   // "1"
 * }
 * }
 *
 * <p>Thread-safe.
 */
public final class PbCluster implements AutoCloseable {
  private final LocalNetwork network;
  private final ConfigService config;
  private final List<String> servers;
  private final Duration tick;
  private final Random ids;
  private final HostGroup<PbServer> hosts;
  private final List<BlockingKvClient> clients = new ArrayList<>();

  private PbCluster(int n, Duration tick, long seed) {
    this.network = new LocalNetwork();
    this.tick = Objects.requireNonNull(tick, "tick");
    this.ids = new Random(seed);
    this.config = ConfigService.start(List.of("cfg1", "cfg2", "cfg3"), network, tick, seed);
    List<String> s = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      s.add("pb" + i);
    }
    this.servers = List.copyOf(s);
    this.hosts = new HostGroup<>(network, tick, this::newServer);
  }

  private synchronized PbServer newServer(String id) {
    return new PbServer(id, servers, config.members(), ids.nextLong(), PbServer.Options.defaults());
  }

  /**
   * Starts a service: the configuration service, then {@code servers} servers; the first view is
   * {@code [pb1, pb2]} (or {@code [pb1]} for one server).
   *
   * @param servers how many servers, at least 1 (2 for a backup, 3 or more for spares)
   * @param tick the wall-clock time of one tick (failure detection takes 20 ticks)
   * @param seed the seed of client ids and election timeouts
   * @return the running service
   * @throws IllegalArgumentException if {@code servers} is below 1
   */
  public static PbCluster start(int servers, Duration tick, long seed) {
    if (servers < 1) {
      throw new IllegalArgumentException("need a server: " + servers);
    }
    PbCluster c = new PbCluster(servers, tick, seed);
    for (String s : c.servers) {
      c.hosts.start(s);
    }
    c.hosts
        .host(c.servers.get(0))
        .execute(p -> p.bootstrap(c.servers.subList(0, Math.min(2, servers))));
    return c;
  }

  /**
   * The servers' ids.
   *
   * @return pb1, pb2, ...
   */
  public List<String> servers() {
    return servers;
  }

  /**
   * The network, for partitions and message counts.
   *
   * @return the network
   */
  public LocalNetwork network() {
    return network;
  }

  /**
   * The configuration service.
   *
   * @return the service
   */
  public ConfigService config() {
    return config;
  }

  /**
   * Connects a new client.
   *
   * @param name its name on the network
   * @param deadline how long one operation may take
   * @return the client, closed with the cluster
   */
  public synchronized BlockingKvClient client(String name, Duration deadline) {
    BlockingKvClient c =
        BlockingKvClient.connect(
            name,
            ids.nextLong(),
            config.members(),
            KvClientNode.Routing.PRIMARY,
            network,
            tick,
            deadline);
    clients.add(c);
    return c;
  }

  /**
   * Crashes a server: its state is lost.
   *
   * @param server a server that is up
   * @throws IllegalStateException if it is down
   */
  public void crash(String server) {
    hosts.crash(server);
  }

  /**
   * Restarts a crashed server, empty: it is a spare until a view makes it backup.
   *
   * @param server a server that is down
   * @throws IllegalStateException if it is up
   */
  public void restart(String server) {
    hosts.start(server);
  }

  /**
   * The newest view a running server knows.
   *
   * @return the view, or null if none is known yet
   */
  public synchronized View view() {
    View best = null;
    for (NodeHost<PbServer> h : hosts.hosts()) {
      View v = h.call(PbServer::view).join();
      if (v != null && (best == null || v.number() > best.number())) {
        best = v;
      }
    }
    return best;
  }

  /**
   * A server's host, to inspect it (through {@link NodeHost#call}).
   *
   * @param server a server that is up
   * @return its host, or null if it is down
   */
  public NodeHost<PbServer> host(String server) {
    return hosts.host(server);
  }

  /** Stops the clients, the servers and the configuration service. */
  @Override
  public synchronized void close() {
    clients.forEach(BlockingKvClient::close);
    hosts.close();
    config.close();
  }
}
