package dev.weft.examples.kv.grpc;

import dev.weft.examples.kv.KvStateMachine;
import dev.weft.grpc.GrpcTransport;
import dev.weft.grpc.Security;
import dev.weft.grpc.rpc.AtMostOnceServer;
import dev.weft.raft.RaftConfig;
import dev.weft.raft.RaftStatus;
import dev.weft.raft.server.RaftServer;
import dev.weft.raft.server.ServerOptions;
import dev.weft.raft.server.SnapshotPolicy;
import dev.weft.raft.storage.FileStorage;
import io.grpc.ServerInterceptors;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One node of the key-value cluster as a process runs it: the replicated map ({@link
 * KvStateMachine}) on a {@link RaftServer}, its log and hard state durable in a {@link FileStorage}
 * directory, its Raft messages on a {@link GrpcTransport}, and on the same port the client-facing
 * {@code weft.kv.v1.KeyValue} service behind an {@link AtMostOnceServer}.
 *
 * {@snippet :
 * Peers peers = Peers.parse("a=127.0.0.1:7001,b=127.0.0.1:7002,c=127.0.0.1:7003");
 * try (KvNode node = KvNode.start(KvNode.Settings.of("a", peers, Path.of("data-a"), Security.plaintext()))) {
 *   node.awaitClose();
 * }
 * }
 *
 * <p>A node restarted on the same directory recovers its log and hard state, and the map is rebuilt
 * by applying the committed log again (there are no snapshots yet, so the whole log).
 */
public final class KvNode implements AutoCloseable {
  private final RaftServer server;
  private final GrpcTransport transport;
  private final FileStorage storage;
  private final AtMostOnceServer atMostOnce;

  /**
   * How to run a node.
   *
   * @param id this node's id, one of {@code peers}
   * @param peers every member and its address
   * @param listen where to listen; by default this node's address in {@code peers}
   * @param data the storage directory (created if absent)
   * @param security mutual TLS, or plaintext by name
   * @param tick the Raft tick
   * @param electionTicks ticks without a leader before an election
   * @param heartbeatTicks ticks between heartbeats
   * @param snapshotEvery applied entries between snapshots of the map (after each, the log before
   *     it is truncated, and a follower that far behind is sent the snapshot); 0: never
   */
  public record Settings(
      String id,
      Peers peers,
      InetSocketAddress listen,
      Path data,
      Security security,
      Duration tick,
      int electionTicks,
      int heartbeatTicks,
      long snapshotEvery) {
    /**
     * Checks the settings.
     *
     * @throws IllegalArgumentException if {@code id} is not among the peers, or {@code
     *     snapshotEvery} is negative
     * @throws NullPointerException if an argument is null
     */
    public Settings {
      if (snapshotEvery < 0) {
        throw new IllegalArgumentException(
            "snapshotEvery must be 0 (never) or more: " + snapshotEvery);
      }
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(peers, "peers");
      Objects.requireNonNull(listen, "listen");
      Objects.requireNonNull(data, "data");
      Objects.requireNonNull(security, "security");
      Objects.requireNonNull(tick, "tick");
      peers.addressOf(id);
    }

    /**
     * The defaults: listen on this node's address in {@code peers}, 10 ms ticks, elections after
     * 150-300 ms, heartbeats every 20 ms, a snapshot every 10,000 entries.
     *
     * @param id this node
     * @param peers every member
     * @param data the storage directory
     * @param security mutual TLS, or plaintext by name
     * @return the settings
     */
    public static Settings of(String id, Peers peers, Path data, Security security) {
      return new Settings(
          id, peers, peers.addressOf(id), data, security, Duration.ofMillis(10), 15, 2, 10_000);
    }

    /**
     * Listens elsewhere (all interfaces, say) than this node's address in the peer list.
     *
     * @param address where to listen
     * @return new settings
     */
    public Settings withListen(InetSocketAddress address) {
      return new Settings(
          id, peers, address, data, security, tick, electionTicks, heartbeatTicks, snapshotEvery);
    }

    /**
     * Snapshots the map every {@code entries} applied entries instead, or never.
     *
     * @param entries entries between snapshots; 0: never
     * @return new settings
     * @throws IllegalArgumentException if {@code entries} is negative
     */
    public Settings withSnapshotEvery(long entries) {
      return new Settings(
          id, peers, listen, data, security, tick, electionTicks, heartbeatTicks, entries);
    }
  }

  private KvNode(Settings s) {
    this.storage = FileStorage.open(s.data());
    AtomicReference<RaftServer> started = new AtomicReference<>();
    this.atMostOnce = AtMostOnceServer.builder().forgetAfter(Duration.ofMinutes(5)).build();
    GrpcTransport.Builder b =
        GrpcTransport.builder(s.id(), s.security())
            .listenOn(s.listen())
            .service(ServerInterceptors.intercept(new KvService(started::get), atMostOnce));
    for (Map.Entry<String, InetSocketAddress> p : s.peers().addresses().entrySet()) {
      if (!p.getKey().equals(s.id())) {
        b.peer(p.getKey(), p.getValue());
      }
    }
    try {
      this.transport = b.build();
    } catch (RuntimeException e) {
      storage.close();
      throw e;
    }
    RaftConfig config =
        new RaftConfig(
                s.id(),
                s.peers().ids(),
                s.electionTicks(),
                s.heartbeatTicks(),
                ThreadLocalRandom.current().nextLong())
            .withPreVote(true)
            .withCheckQuorum(true);
    ServerOptions options =
        ServerOptions.defaults()
            .withTickInterval(s.tick())
            .withProposalTimeout(Duration.ofSeconds(3))
            .withSnapshots(
                s.snapshotEvery() == 0
                    ? SnapshotPolicy.never()
                    : SnapshotPolicy.every(s.snapshotEvery()));
    this.server = RaftServer.start(config, storage, new KvStateMachine(), transport, options);
    started.set(server); // the service answers UNAVAILABLE until now
  }

  /**
   * Opens the storage, binds the port and starts the node.
   *
   * @param settings how to run it
   * @return the running node
   * @throws java.io.UncheckedIOException if the port cannot be bound or a TLS file read
   * @throws dev.weft.raft.storage.StorageLockedException if another process uses the directory
   */
  public static KvNode start(Settings settings) {
    return new KvNode(Objects.requireNonNull(settings, "settings"));
  }

  /**
   * What the node knows of the cluster now.
   *
   * @return its status
   */
  public RaftStatus status() {
    return server.status();
  }

  /**
   * The address the node listens on.
   *
   * @return the bound address
   */
  public InetSocketAddress address() {
    return transport.address();
  }

  /**
   * The at-most-once reply cache's counters.
   *
   * @return the counters
   */
  public AtMostOnceServer.Stats atMostOnce() {
    return atMostOnce.stats();
  }

  /** Stops the server and its transport, and releases the storage directory. */
  @Override
  public void close() {
    try {
      server.close();
    } finally {
      transport.close();
      storage.close();
    }
  }
}
