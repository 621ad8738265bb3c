package dev.weft.bench.raft;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.ratis.RaftConfigKeys;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.rpc.SupportedRpcType;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;

/**
 * Three Apache Ratis 3.1 servers in this JVM: its gRPC transport over real loopback sockets and its
 * segmented log (durable: Ratis syncs the log before it acknowledges, unless "unsafe flush" is
 * switched on, which it is not here), each in its own directory. Commands are submitted to the
 * leader in-process ({@code submitClientRequestAsync}), as weft's are in {@link WeftGrpcCluster}:
 * neither pays a client RPC, so what is compared is consensus, transport and log.
 */
final class RatisCluster implements Cluster {
  /**
   * Counts commands and answers with an empty message, like {@link WeftCluster.CountingMachine}.
   */
  static final class CountingMachine extends BaseStateMachine {
    @Override
    public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
      var entry = trx.getLogEntry();
      updateLastAppliedTermIndex(TermIndex.valueOf(entry.getTerm(), entry.getIndex()));
      return CompletableFuture.completedFuture(Message.EMPTY);
    }
  }

  private final Path dir;
  private final List<RaftServer> servers = new ArrayList<>();
  private final RaftGroup group;
  private final ClientId client = ClientId.randomId();
  private final AtomicLong callIds = new AtomicLong();
  private final RaftServer leader;
  private final List<CountingProxy> proxies = new ArrayList<>();

  RatisCluster() throws IOException, InterruptedException {
    this(false);
  }

  /**
   * @param proxied whether peers reach each server through a {@link CountingProxy} (for {@link
   *     WireBytes})
   */
  RatisCluster(boolean proxied) throws IOException, InterruptedException {
    dir = Files.createTempDirectory("ratis-bench");
    List<RaftPeer> peers = new ArrayList<>();
    List<Integer> ports = new ArrayList<>();
    for (String id : List.of("a", "b", "c")) {
      int port = freePort();
      ports.add(port);
      int reach = port;
      if (proxied) {
        CountingProxy p = new CountingProxy(new java.net.InetSocketAddress("127.0.0.1", port));
        proxies.add(p);
        reach = p.port();
      }
      peers.add(RaftPeer.newBuilder().setId(id).setAddress("127.0.0.1:" + reach).build());
    }
    group = RaftGroup.valueOf(RaftGroupId.valueOf(UUID.randomUUID()), peers);
    for (int i = 0; i < peers.size(); i++) {
      RaftPeer peer = peers.get(i);
      RaftProperties p = new RaftProperties();
      RaftConfigKeys.Rpc.setType(p, SupportedRpcType.GRPC);
      GrpcConfigKeys.Server.setPort(p, ports.get(i)); // peers may dial a proxy in front of it
      RaftServerConfigKeys.setStorageDir(p, List.of(dir.resolve(peer.getId().toString()).toFile()));
      RaftServerConfigKeys.Log.setUnsafeFlushEnabled(p, false); // acknowledge after the sync
      RaftServerConfigKeys.Log.setSegmentSizeMax(p, SizeInBytes.valueOf("64MB"));
      // elections after 1-2 s, as weft's in these benchmarks
      RaftServerConfigKeys.Rpc.setTimeoutMin(p, TimeDuration.valueOf(1, TimeUnit.SECONDS));
      RaftServerConfigKeys.Rpc.setTimeoutMax(p, TimeDuration.valueOf(2, TimeUnit.SECONDS));
      RaftServer s =
          RaftServer.newBuilder()
              .setServerId(peer.getId())
              .setGroup(group)
              .setProperties(p)
              .setStateMachine(new CountingMachine())
              .setOption(RaftStorage.StartupOption.FORMAT)
              .build();
      s.start();
      servers.add(s);
    }
    leader = awaitLeader();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private RaftServer awaitLeader() throws IOException, InterruptedException {
    for (int i = 0; i < 2000; i++) {
      for (RaftServer s : servers) {
        if (s.getDivision(group.getGroupId()).getInfo().isLeaderReady()) {
          RaftServer found = s;
          if (submitTo(found, new byte[1]).handle((r, e) -> e == null).join()) {
            return found;
          }
        }
      }
      Thread.sleep(5);
    }
    throw new IllegalStateException("no Ratis leader elected");
  }

  @Override
  public CompletableFuture<?> submit(byte[] command) {
    return submitTo(leader, command);
  }

  private CompletableFuture<RaftClientReply> submitTo(RaftServer server, byte[] command) {
    RaftClientRequest request =
        RaftClientRequest.newBuilder()
            .setClientId(client)
            .setServerId(server.getId())
            .setGroupId(group.getGroupId())
            .setCallId(callIds.incrementAndGet())
            .setMessage(Message.valueOf(ByteString.copyFrom(command)))
            .setType(RaftClientRequest.writeRequestType())
            .build();
    try {
      return server
          .submitClientRequestAsync(request)
          .thenApply(
              reply -> {
                if (!reply.isSuccess()) {
                  throw new IllegalStateException("Ratis refused a command", reply.getException());
                }
                return reply;
              });
    } catch (IOException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** Bytes the proxies have moved (0 unless proxied). */
  long wireBytes() {
    return proxies.stream().mapToLong(CountingProxy::bytes).sum();
  }

  @Override
  public String settings() {
    return "Ratis 3.1 on its gRPC transport and segmented log (64 MB segments, flush before"
        + " acknowledging), election timeout 1-2 s, its other settings at their defaults";
  }

  @Override
  public void close() {
    for (RaftServer s : servers) {
      try {
        s.close();
      } catch (IOException e) {
        System.err.println("closing Ratis server " + s.getId() + ": " + e);
      }
    }
    for (CountingProxy p : proxies) {
      try {
        p.close();
      } catch (IOException e) {
        System.err.println("closing a proxy: " + e);
      }
    }
    Cluster.deleteTree(dir);
  }
}
