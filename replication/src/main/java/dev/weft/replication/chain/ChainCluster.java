package dev.weft.replication.chain;

import dev.weft.replication.HostGroup;
import dev.weft.replication.LocalNetwork;
import dev.weft.replication.NodeHost;
import dev.weft.replication.View;
import dev.weft.replication.config.ConfigService;
import dev.weft.replication.kv.BlockingKvClient;
import dev.weft.replication.kv.KvClientNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * A chain-replicated key-value service in real time, in one JVM: a {@link ConfigService} of three
 * members, a {@link ChainMaster}, and {@code n} {@link ChainServer}s, each on its own {@link
 * NodeHost}, all on one {@link LocalNetwork}.
 *
 * {@snippet :
 * try (ChainCluster chain = ChainCluster.start(4, 3, ChainServer.ReadMode.TAIL,
 *         Duration.ofMillis(5), 42);
 *     BlockingKvClient kv = chain.client("client-1", Duration.ofSeconds(5))) {
 *   kv.put("x", "1");                          // head s1 -> s2 -> tail s3, answered by s3
 *   chain.crash("s2");                         // the master joins s1 to s3; s4 joins as tail
 *   chain.awaitView(v -> v.members().size() == 3 && !v.contains("s2"), Duration.ofSeconds(10));
 *   kv.get("x");                               // "1"
 *   chain.checkInvariants();                   // [] : both invariants hold
 * }
 * }
 *
 * <p>Thread-safe.
 */
public final class ChainCluster implements AutoCloseable {
  private final LocalNetwork network;
  private final ConfigService config;
  private final List<String> servers;
  private final ChainServer.ReadMode mode;
  private final Duration tick;
  private final Random ids;
  private final HostGroup<ChainServer> hosts;
  private final NodeHost<ChainMaster> master;
  private final List<BlockingKvClient> clients = new ArrayList<>();

  private ChainCluster(
      int n, int chainLength, ChainServer.ReadMode mode, Duration tick, long seed) {
    this.network = new LocalNetwork();
    this.mode = Objects.requireNonNull(mode, "mode");
    this.tick = Objects.requireNonNull(tick, "tick");
    this.ids = new Random(seed);
    this.config = ConfigService.start(List.of("cfg1", "cfg2", "cfg3"), network, tick, seed);
    List<String> s = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      s.add("s" + i);
    }
    this.servers = List.copyOf(s);
    List<String> first = servers.subList(0, chainLength);
    this.hosts = new HostGroup<>(network, tick, this::newServer);
    for (String id : servers) {
      NodeHost<ChainServer> h = hosts.start(id);
      if (first.contains(id)) {
        h.execute(ChainServer::bootstrap).join(); // before it can learn the first view
      }
    }
    ChainMaster.Options options =
        new ChainMaster.Options(12, ChainServer.Options.defaults().leaseTicks(), 4, chainLength);
    this.master =
        NodeHost.start(
            new ChainMaster("master", servers, config.members(), ids.nextLong(), options, first),
            network,
            tick);
  }

  private synchronized ChainServer newServer(String id) {
    return new ChainServer(
        id, "master", config.members(), ids.nextLong(), mode, ChainServer.Options.defaults());
  }

  /**
   * Starts a service whose first chain is {@code s1 .. s<chainLength>}; the other servers are
   * spares.
   *
   * @param servers how many servers, at least {@code chainLength}
   * @param chainLength how many the master keeps in the chain
   * @param mode where reads are answered
   * @param tick the wall-clock time of one tick (failure detection takes 12 ticks, leases 10)
   * @param seed the seed of client ids and election timeouts
   * @return the running service
   * @throws IllegalArgumentException if {@code chainLength} is below 1 or above {@code servers}
   */
  public static ChainCluster start(
      int servers, int chainLength, ChainServer.ReadMode mode, Duration tick, long seed) {
    if (chainLength < 1 || chainLength > servers) {
      throw new IllegalArgumentException("need 1 <= chainLength <= servers: " + chainLength);
    }
    return new ChainCluster(servers, chainLength, mode, tick, seed);
  }

  /**
   * The servers' ids.
   *
   * @return s1, s2, ...
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
   * Connects a new client, routed for this chain's read mode.
   *
   * @param name its name on the network
   * @param deadline how long one operation may take
   * @return the client, closed with the cluster
   */
  public synchronized BlockingKvClient client(String name, Duration deadline) {
    KvClientNode.Routing routing =
        mode == ChainServer.ReadMode.CRAQ
            ? KvClientNode.Routing.CHAIN_CRAQ
            : KvClientNode.Routing.CHAIN_TAIL;
    BlockingKvClient c =
        BlockingKvClient.connect(
            name, ids.nextLong(), config.members(), routing, network, tick, deadline);
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
   * Restarts a crashed server, empty: a spare that the master may add as a new tail.
   *
   * @param server a server that is down
   * @throws IllegalStateException if it is up
   */
  public void restart(String server) {
    hosts.start(server);
  }

  /**
   * The chain as the master knows it.
   *
   * @return the view, or null before the first
   */
  public View view() {
    return master.call(ChainMaster::view).join();
  }

  /**
   * Waits until the master's view satisfies {@code condition}.
   *
   * @param condition what to wait for
   * @param timeout how long
   * @return the view that satisfied it
   * @throws TimeoutException if none did in time
   * @throws InterruptedException if interrupted
   */
  public View awaitView(Predicate<View> condition, Duration timeout)
      throws TimeoutException, InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    while (true) {
      View v = view();
      if (v != null && condition.test(v)) {
        return v;
      }
      if (System.nanoTime() - end > 0) {
        throw new TimeoutException("the chain did not reach the view waited for; it is " + v);
      }
      Thread.sleep(Math.max(1, tick.toMillis()));
    }
  }

  /**
   * Inspects every server that is up.
   *
   * @return each server's replication state, by id
   */
  public Map<String, ChainServer.Inspection> inspect() {
    Map<String, ChainServer.Inspection> out = new LinkedHashMap<>();
    for (NodeHost<ChainServer> h : hosts.hosts()) {
      ChainServer.Inspection i = h.call(ChainServer::inspect).join();
      out.put(i.id(), i);
    }
    return out;
  }

  /**
   * Checks the chain's two invariants on the servers' current states. Each server is inspected on
   * its own loop, from the tail towards the head, so the inspections are not one instant: call it
   * while no update is in flight (as the demonstration does) for an exact check. (The simulated
   * tests check after every event, where the states are one instant.)
   *
   * @return the violations found; empty if both invariants hold
   */
  public List<String> checkInvariants() {
    View v = view();
    if (v == null) {
      return List.of();
    }
    List<String> order = new ArrayList<>(v.members());
    if (v.joining() != null) {
      order.add(v.joining());
    }
    java.util.Collections.reverse(order);
    Map<String, ChainServer.Inspection> states = new LinkedHashMap<>();
    for (String id : order) {
      NodeHost<ChainServer> h = host(id);
      if (h != null) {
        states.put(id, h.call(ChainServer::inspect).join());
      }
    }
    return ChainInvariants.check(v, states);
  }

  /**
   * A server's host, to inspect it (through {@link NodeHost#call}).
   *
   * @param server a server
   * @return its host, or null if it is down
   */
  public NodeHost<ChainServer> host(String server) {
    return hosts.host(server);
  }

  /** Stops the clients, the master, the servers and the configuration service. */
  @Override
  public synchronized void close() {
    clients.forEach(BlockingKvClient::close);
    master.close();
    hosts.close();
    config.close();
  }
}
