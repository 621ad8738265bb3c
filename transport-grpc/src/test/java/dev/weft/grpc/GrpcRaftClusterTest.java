package dev.weft.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.raft.MemoryStorage;
import dev.weft.raft.NotLeaderException;
import dev.weft.raft.RaftConfig;
import dev.weft.raft.Role;
import dev.weft.raft.server.RaftServer;
import dev.weft.raft.server.ServerOptions;
import dev.weft.raft.server.SnapshotPolicy;
import dev.weft.raft.server.StateMachine;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three {@link RaftServer}s in one JVM, each on its own {@link GrpcTransport} over real loopback
 * sockets (ephemeral ports) with mutual TLS: they elect a leader and commit commands, which every
 * server applies in the same order; then the leader stops and the other two go on.
 */
@Timeout(40)
class GrpcRaftClusterTest {
  private static final List<String> IDS = List.of("a", "b", "c");
  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final ServerOptions OPTIONS =
      ServerOptions.defaults()
          .withTickInterval(Duration.ofMillis(10))
          .withProposalTimeout(Duration.ofSeconds(5));

  @TempDir Path dir;
  private final Map<String, GrpcTransport> transports = new LinkedHashMap<>();
  private final Map<String, RaftServer> servers = new LinkedHashMap<>();
  private final Map<String, Log> logs = new LinkedHashMap<>();

  /** Records what it applies; answers with the index; its snapshot is the list, one per line. */
  static final class Log implements StateMachine {
    private final List<String> applied = new ArrayList<>();
    volatile long restoredFrom;
    volatile long restoredBytes;

    @Override
    public synchronized byte[] apply(long index, byte[] command) {
      applied.add(new String(command, StandardCharsets.UTF_8));
      return ByteBuffer.allocate(8).putLong(index).array();
    }

    synchronized List<String> applied() {
      return List.copyOf(applied);
    }

    @Override
    public synchronized byte[] snapshot() {
      return String.join("\n", applied).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public synchronized void restore(byte[] snapshot) {
      applied.clear();
      if (snapshot.length > 0) {
        applied.addAll(List.of(new String(snapshot, StandardCharsets.UTF_8).split("\n")));
      }
      restoredFrom = applied.size();
      restoredBytes = snapshot.length;
    }
  }

  @AfterEach
  void stop() {
    servers.values().forEach(RaftServer::close); // closes the transports too
    transports.values().forEach(GrpcTransport::close);
  }

  @Test
  void threeServersOverMutualTlsElectALeaderAndCommit() throws Exception {
    TestCertificates ca = bindAll();
    ServerOptions options = OPTIONS;
    for (String id : IDS) {
      start(id, new MemoryStorage(), options);
    }

    RaftServer leader = awaitLeader(servers.values());
    List<String> commands = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      String command = "set x " + i;
      commands.add(command);
      submit(leader, command);
    }
    for (String id : IDS) {
      Log log = logs.get(id);
      Await.until(
          WAIT, () -> log.applied().size() == commands.size(), () -> id + ": " + log.applied());
      assertEquals(commands, log.applied(), id);
    }
    for (GrpcTransport t : transports.values()) {
      GrpcTransport.Stats s = t.stats();
      assertTrue(s.delivered() > 0, t.id() + " " + s);
      assertEquals(
          0, s.rejected().values().stream().mapToLong(Long::longValue).sum(), t.id() + " " + s);
    }

    // the leader stops; the other two elect one of themselves and commit over their own streams
    String gone = leader.id();
    leader.close();
    servers.remove(gone);
    RaftServer next = awaitLeader(servers.values());
    submit(next, "after " + gone);
    for (String id : servers.keySet()) {
      Log log = logs.get(id);
      Await.until(
          WAIT, () -> log.applied().contains("after " + gone), () -> id + ": " + log.applied());
    }
  }

  /**
   * A follower that was down while the leader compacted its log past the follower's last entry
   * catches up by InstallSnapshot over gRPC: a state of about 300 KiB, in 64 KiB chunks, under
   * mutual TLS.
   */
  @Test
  void aFollowerBehindTheLeadersSnapshotCatchesUpByInstallSnapshot() throws Exception {
    TestCertificates ca = bindAll();
    ServerOptions options = OPTIONS.withSnapshots(SnapshotPolicy.every(100).withRetainedEntries(0));
    Map<String, MemoryStorage> disks = new LinkedHashMap<>();
    for (String id : IDS) {
      disks.put(id, new MemoryStorage());
      start(id, disks.get(id), options);
    }
    RaftServer leader = awaitLeader(servers.values());
    String behind = IDS.stream().filter(id -> !id.equals(leader.id())).findFirst().orElseThrow();
    servers.remove(behind).close(); // its transport too
    transports.remove(behind);

    List<String> commands = new ArrayList<>();
    String padding = "x".repeat(1000);
    for (int i = 0; i < 300; i++) {
      String command = i + " " + padding;
      commands.add(command);
      submit(leader, command);
    }
    Log before = logs.get(behind);
    assertTrue(
        before.applied().size() < 100, "applied before it stopped: " + before.applied().size());

    bind(ca, behind); // a new port: the others learn it, as after a restart elsewhere
    start(behind, disks.get(behind), options);
    Log after = logs.get(behind);
    Await.until(
        WAIT,
        () -> after.applied().equals(commands),
        () -> behind + " applied " + after.applied().size() + " of " + commands.size());
    assertTrue(after.restoredFrom > 0, "caught up without a snapshot");
    assertTrue(
        after.restoredBytes > 4 * 64 * 1024,
        "snapshot of " + after.restoredBytes + " bytes: more than four chunks");
  }

  /** Makes the certificates and binds a transport for each server. */
  private TestCertificates bindAll() throws Exception {
    TestCertificates ca = new TestCertificates(dir, "ca");
    for (String id : IDS) {
      bind(ca, id);
    }
    return ca;
  }

  /** Binds a transport for {@code id} and tells every other transport where it is. */
  private void bind(TestCertificates ca, String id) throws Exception {
    InetSocketAddress unknown = new InetSocketAddress(InetAddress.getLoopbackAddress(), 1);
    GrpcTransport.Builder b = GrpcTransport.builder(id, ca.node(id));
    for (String peer : IDS) {
      if (!peer.equals(id)) {
        // a peer not bound yet is unreachable until setPeerAddress names its port
        GrpcTransport other = transports.get(peer);
        b.peer(peer, other == null ? unknown : other.address());
      }
    }
    GrpcTransport t =
        b.backoff(new Backoff(Duration.ofMillis(10), Duration.ofMillis(200), 2)).build();
    transports.put(id, t);
    for (GrpcTransport other : transports.values()) {
      if (other != t) {
        other.setPeerAddress(id, t.address());
      }
    }
  }

  private void start(String id, MemoryStorage storage, ServerOptions options) {
    Log log = new Log();
    logs.put(id, log);
    servers.put(
        id,
        RaftServer.start(
            new RaftConfig(id, IDS, 10, 1, 7), storage, log, transports.get(id), options));
  }

  private static void submit(RaftServer leader, String command) throws Exception {
    try {
      leader.submit(command.getBytes(StandardCharsets.UTF_8)).get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof NotLeaderException) {
        throw new AssertionError("leadership moved during the test", e);
      }
      throw e;
    }
  }

  private static RaftServer awaitLeader(Iterable<RaftServer> candidates)
      throws InterruptedException {
    RaftServer[] found = {null};
    Await.until(
        WAIT,
        () -> {
          for (RaftServer s : candidates) {
            if (s.status().role() == Role.LEADER) {
              found[0] = s;
              return true;
            }
          }
          return false;
        },
        () -> "no leader among " + candidates);
    return found[0];
  }
}
