package dev.weft.bench.raft;

import dev.weft.grpc.GrpcTransport;
import dev.weft.grpc.Security;
import dev.weft.raft.RaftConfig;
import dev.weft.raft.server.RaftServer;
import dev.weft.raft.server.ServerOptions;
import dev.weft.raft.storage.FileStorage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Three weft {@link RaftServer}s in this JVM, each durable on its own {@link FileStorage} directory
 * and talking to the others over real loopback sockets through {@link GrpcTransport} (plaintext).
 * Commands are submitted to the leader in-process, as in {@link RatisCluster}.
 */
final class WeftGrpcCluster implements Cluster {
  private final Path dir;
  private final List<RaftServer> servers = new ArrayList<>();
  private final List<FileStorage> storages = new ArrayList<>();
  private final RaftServer leader;
  private final List<CountingProxy> proxies = new ArrayList<>();

  WeftGrpcCluster() throws IOException, InterruptedException {
    this(false);
  }

  /**
   * @param proxied whether peers reach each node through a {@link CountingProxy} (for {@link
   *     WireBytes})
   */
  WeftGrpcCluster(boolean proxied) throws IOException, InterruptedException {
    dir = Files.createTempDirectory("weft-grpc-bench");
    List<String> ids = List.of("a", "b", "c");
    Map<String, GrpcTransport> transports = new LinkedHashMap<>();
    for (String id : ids) {
      GrpcTransport.Builder b = GrpcTransport.builder(id, Security.plaintext());
      for (String peer : ids) {
        if (!peer.equals(id)) {
          b.peer(peer, new java.net.InetSocketAddress("127.0.0.1", 1)); // set below
        }
      }
      transports.put(id, b.build());
    }
    Map<String, java.net.InetSocketAddress> reach = new LinkedHashMap<>();
    for (GrpcTransport o : transports.values()) {
      if (proxied) {
        CountingProxy p = new CountingProxy(o.address());
        proxies.add(p);
        reach.put(o.id(), new java.net.InetSocketAddress("127.0.0.1", p.port()));
      } else {
        reach.put(o.id(), o.address());
      }
    }
    for (GrpcTransport t : transports.values()) {
      for (GrpcTransport o : transports.values()) {
        if (t != o) {
          t.setPeerAddress(o.id(), reach.get(o.id()));
        }
      }
    }
    ServerOptions options = ServerOptions.defaults().withTickInterval(Duration.ofMillis(10));
    for (String id : ids) {
      FileStorage storage = FileStorage.open(dir.resolve(id));
      storages.add(storage);
      servers.add(
          RaftServer.start(
              // election timeout 1-2 s, heartbeats every 100 ms (as in WeftCluster; Ratis's
              // defaults are 150-300 ms elections)
              new RaftConfig(id, ids, 100, 10, id.hashCode()),
              storage,
              new WeftCluster.CountingMachine(),
              transports.get(id),
              options));
    }
    leader = WeftCluster.awaitLeader(servers);
  }

  @Override
  public CompletableFuture<?> submit(byte[] command) {
    return leader.submit(command);
  }

  /** Bytes the proxies have moved (0 unless proxied). */
  long wireBytes() {
    return proxies.stream().mapToLong(CountingProxy::bytes).sum();
  }

  @Override
  public String settings() {
    return "weft over gRPC on loopback, FileStorage (one fsync per Ready), weft's own flow control,"
        + " tick 10 ms, election 100 ticks";
  }

  @Override
  public void close() {
    for (RaftServer s : servers) {
      s.close();
    }
    for (CountingProxy p : proxies) {
      try {
        p.close();
      } catch (IOException e) {
        System.err.println("closing a proxy: " + e);
      }
    }
    for (FileStorage s : storages) {
      s.close();
    }
    Cluster.deleteTree(dir);
  }
}
