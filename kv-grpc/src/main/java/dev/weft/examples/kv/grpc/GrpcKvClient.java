package dev.weft.examples.kv.grpc;

import com.google.protobuf.ByteString;
import dev.weft.examples.kv.SessionExpiredException;
import dev.weft.examples.kv.SessionKvClient;
import dev.weft.examples.kv.grpc.proto.KeyValueGrpc;
import dev.weft.examples.kv.grpc.proto.KvProto;
import dev.weft.grpc.Security;
import dev.weft.grpc.rpc.AtMostOnceClient;
import io.grpc.ClientInterceptors;
import io.grpc.ConnectivityState;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A client of the key-value cluster over gRPC, for programs in other processes: the counterpart of
 * {@link dev.weft.examples.kv.KvClient}, which talks to servers in its own JVM.
 *
 * {@snippet :
 * Peers peers = Peers.parse("a=127.0.0.1:7001,b=127.0.0.1:7002,c=127.0.0.1:7003");
 * try (GrpcKvClient kv = GrpcKvClient.connect(peers, Security.plaintext())) {
 *   kv.put("x", "1");
 *   String x = kv.get("x");
 * }
 * }
 *
 * <p><b>Finding the leader.</b> The client sends a request to the node it believes leads; a node
 * that does not lead answers with the leader's id (when it knows one), and the client follows it; a
 * node that cannot be reached, or does not answer within the attempt timeout, is left for the next
 * one in turn. A request fails with {@link TimeoutException} once its deadline has passed.
 *
 * <p><b>Exactly once, and at most once.</b> On its first request the client registers a session
 * with the replicated map and then numbers its requests in it; every retry, on whichever node,
 * resends the same session and number, and the map executes each number once (the map's client
 * sessions, after Ongaro's thesis, §6.3), so a request answered is one that took effect exactly
 * once. Beneath that, each attempt is an at-most-once call ({@link AtMostOnceClient}): a request
 * duplicated on the way to a node is submitted to the log once, and its copies get the first
 * answer. A session that expired (idle longer than the map's session timeout) fails the request
 * with {@link SessionExpiredException}; whether an earlier attempt took effect is unknown, and the
 * next request registers a new session.
 *
 * <p>One request at a time: not thread-safe; use one client per thread.
 */
public final class GrpcKvClient extends SessionKvClient implements AutoCloseable {
  private final Peers peers;
  private final List<String> ids;
  private final Map<String, ManagedChannel> channels = new LinkedHashMap<>();
  private final Map<String, KeyValueGrpc.KeyValueBlockingStub> stubs = new LinkedHashMap<>();
  private final Duration attemptTimeout;
  private String target;
  private String answeredBy;
  private int next;

  private GrpcKvClient(Peers peers, Security security, Duration attemptTimeout, Duration deadline) {
    super(deadline);
    this.peers = Objects.requireNonNull(peers, "peers");
    this.attemptTimeout = positive(attemptTimeout, "attemptTimeout");
    Objects.requireNonNull(security, "security");
    this.ids = peers.ids();
    this.target = ids.get(0);
    AtMostOnceClient atMostOnce = AtMostOnceClient.create();
    for (Map.Entry<String, InetSocketAddress> p : peers.addresses().entrySet()) {
      InetSocketAddress a = p.getValue();
      ManagedChannelBuilder<?> b =
          Grpc.newChannelBuilderForAddress(
              a.getHostString(), a.getPort(), security.channelCredentials());
      if (!security.isPlaintext()) {
        b.overrideAuthority(p.getKey()); // a node's certificate names its id
      }
      ManagedChannel channel = b.build();
      channels.put(p.getKey(), channel);
      stubs.put(
          p.getKey(),
          KeyValueGrpc.newBlockingStub(ClientInterceptors.intercept(channel, atMostOnce)));
    }
  }

  /**
   * A client with attempts of 1 s and requests of at most 10 s.
   *
   * @param peers the cluster's nodes
   * @param security TLS (a client certificate signed by the nodes' authority, under mutual TLS), or
   *     plaintext by name
   * @return the client; connections open on first use
   */
  public static GrpcKvClient connect(Peers peers, Security security) {
    return connect(peers, security, Duration.ofSeconds(1), Duration.ofSeconds(10));
  }

  /**
   * A client.
   *
   * @param peers the cluster's nodes
   * @param security TLS, or plaintext by name
   * @param attemptTimeout how long one attempt on one node may take
   * @param deadline how long a request may take in all
   * @return the client; connections open on first use
   * @throws IllegalArgumentException if a duration is not positive
   */
  public static GrpcKvClient connect(
      Peers peers, Security security, Duration attemptTimeout, Duration deadline) {
    return new GrpcKvClient(peers, security, attemptTimeout, deadline);
  }

  /**
   * Sends {@code command} until a node answers it, following leader hints, until {@code end}; a
   * node's server decides how it serves a read.
   */
  @Override
  protected byte[] send(byte[] command, long end, boolean read)
      throws TimeoutException, InterruptedException {
    KvProto.Command request =
        KvProto.Command.newBuilder().setCommand(ByteString.copyFrom(command)).build();
    for (int attempt = 0; System.nanoTime() - end < 0; attempt++) {
      if (Thread.interrupted()) {
        throw new InterruptedException();
      }
      if (attempt > 1) {
        Thread.sleep(2); // hints can chase each other while an election settles
      }
      long left = Math.min(end - System.nanoTime(), attemptTimeout.toNanos());
      ManagedChannel channel = channels.get(target);
      if (channel.getState(false) == ConnectivityState.TRANSIENT_FAILURE) {
        channel.resetConnectBackoff(); // a restarted node is tried now, not after gRPC's backoff
      }
      try {
        KvProto.Reply reply =
            stubs
                .get(target)
                .withDeadlineAfter(Math.max(1, left), TimeUnit.NANOSECONDS)
                .execute(request);
        if (reply.hasResult()) {
          answeredBy = target;
          return reply.getResult().toByteArray();
        }
        String leader = reply.getNotLeader().getLeader();
        if (!leader.isEmpty() && ids.contains(leader) && !leader.equals(target)) {
          target = leader;
          continue;
        }
        Thread.sleep(10); // no leader known there yet: let an election finish
      } catch (StatusRuntimeException e) {
        refusal(e);
        if (e.getStatus().getCode() == Status.Code.UNAVAILABLE) {
          Thread.sleep(5);
        }
        // otherwise: timed out; the command may still be applied, and the retry carries its number
      }
      target = ids.get(next++ % ids.size());
    }
    throw unanswered();
  }

  /** Throws what the map refused; returns for failures that a retry may get past. */
  private void refusal(StatusRuntimeException e) {
    Status.Code code = e.getStatus().getCode();
    String refused = e.getTrailers() == null ? null : e.getTrailers().get(Refusals.KEY);
    if (code == Status.Code.FAILED_PRECONDITION && refused != null) {
      if (refused.startsWith(Refusals.EXPIRED)) {
        throw new SessionExpiredException(session());
      }
      throw new IllegalStateException(e.getStatus().getDescription(), e);
    }
    if (code == Status.Code.INVALID_ARGUMENT) {
      throw new IllegalArgumentException(e.getStatus().getDescription(), e);
    }
  }

  /**
   * What one node says of the cluster.
   *
   * @param id the node
   * @param timeout how long to wait for its answer
   * @return its status
   * @throws StatusRuntimeException if it did not answer (it is down: {@code UNAVAILABLE})
   * @throws IllegalArgumentException if {@code id} is not a member
   */
  public KvProto.StatusReply status(String id, Duration timeout) {
    peers.addressOf(id);
    ManagedChannel channel = channels.get(id);
    if (channel.getState(false) == ConnectivityState.TRANSIENT_FAILURE) {
      channel.resetConnectBackoff();
    }
    return stubs
        .get(id)
        .withDeadlineAfter(timeout.toNanos(), TimeUnit.NANOSECONDS)
        .status(KvProto.StatusRequest.getDefaultInstance());
  }

  /**
   * The node that answered the last request.
   *
   * @return its id, or null before the first answer
   */
  public String answeredBy() {
    return answeredBy;
  }

  /** Closes the connections. */
  @Override
  public void close() {
    for (ManagedChannel c : channels.values()) {
      c.shutdownNow();
    }
    for (ManagedChannel c : channels.values()) {
      try {
        c.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
