package dev.weft.grpc;

import dev.weft.grpc.internal.proto.Wire;
import dev.weft.raft.server.Envelope;
import dev.weft.raft.server.Transport;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A Raft {@link Transport} over gRPC: each node listens on one port, and opens one long-lived
 * stream to each of its peers, on which its envelopes for that peer flow.
 *
 * {@snippet :
 * GrpcTransport transport = GrpcTransport.builder("a", Security.mutualTls(crt, key, ca))
 *     .listenOn(new InetSocketAddress("10.0.0.1", 7001))   // loopback, any port, if not given
 *     .peer("b", new InetSocketAddress("10.0.0.2", 7001))
 *     .peer("c", new InetSocketAddress("10.0.0.3", 7001))
 *     .build();                                          // binds the port now
 * RaftServer server = RaftServer.start(config, storage, stateMachine, transport, options);
 * }
 *
 * <p><b>Streams.</b> {@link #send} encodes an envelope to protobuf on the caller's thread (the
 * server's event loop) and queues it for the peer's stream. Envelopes leave a queue only while
 * gRPC's flow control says the stream is ready, so a peer that reads slowly holds back its own
 * stream and nothing else; the queue is bounded in bytes ({@link Builder#maxQueuedBytes}), and what
 * does not fit is dropped, as a congested network would, for Raft to send again. A stream that
 * fails is opened again after a capped exponential backoff with jitter ({@link Backoff}); envelopes
 * queued for it are dropped.
 *
 * <p><b>Admission.</b> A peer admits a stream only from a node named in its configuration (the ids
 * given to {@link Builder#peer}), and, with mutual TLS, only if the caller's certificate names that
 * id; the caller in turn checks that the certificate (TLS) and the greeting (always) of the node it
 * reached name the id it dialled. Every frame on an admitted stream must be well formed, within
 * {@link Builder#maxMessageSize}, of a known kind, from the stream's node and to this one. Anything
 * else ends the stream with a gRPC status ({@code INVALID_ARGUMENT}, {@code RESOURCE_EXHAUSTED},
 * {@code PERMISSION_DENIED}, {@code FAILED_PRECONDITION}) and is counted in {@link
 * #rejected(Rejection)}; the node goes on.
 *
 * <p><b>Threads.</b> Envelopes are handed to the receiver on gRPC's network threads; the driver's
 * receiver only queues. {@link #send} never blocks. Thread-safe.
 */
public final class GrpcTransport implements Transport {
  /** Why input from the network was refused. */
  public enum Rejection {
    /** Bytes that are not a frame, or a frame that cannot be an envelope. */
    MALFORMED,
    /** A frame larger than the maximum message size. */
    OVERSIZED,
    /** A frame of a kind this node does not know. */
    UNKNOWN_KIND,
    /** A stream or frame from a node outside the configuration, or not the stream's own. */
    UNKNOWN_SENDER,
    /**
     * A peer whose certificate does not name the id it claims or was dialled as, or is not signed
     * by a trusted authority.
     */
    WRONG_IDENTITY,
    /** A stream or frame meant for another node, or a dialled node that says it is another. */
    MISADDRESSED
  }

  /**
   * Counters since the transport was built.
   *
   * @param sent frames handed to gRPC for sending
   * @param delivered frames received, checked and handed to the receiver
   * @param dropped envelopes dropped on the way out: no stream to the peer, its queue full, too
   *     large, or addressed to an unknown node
   * @param queuedBytes bytes queued for peers now, waiting for their streams to be ready
   * @param connects streams that were opened and admitted by the peer
   * @param connectFailures attempts to open a stream, and open streams, that failed
   * @param rejected refusals by reason, on either end of a stream
   */
  public record Stats(
      long sent,
      long delivered,
      long dropped,
      long queuedBytes,
      long connects,
      long connectFailures,
      Map<Rejection, Long> rejected) {}

  static final System.Logger LOG = System.getLogger("dev.weft.grpc");

  private final String id;
  private final Set<String> peers;
  private final Options options;
  private final Map<String, PeerLink> links;
  private final ScheduledThreadPoolExecutor scheduler;
  private final PeerService service;
  private final Server server;
  private final InetSocketAddress address;
  private final Counters counters = new Counters();
  private boolean started;
  private volatile boolean closed;

  /** The builder's settings, shared with links and the service. */
  record Options(
      Security security,
      int maxMessageSize,
      long maxQueuedBytes,
      Backoff backoff,
      Duration connectTimeout,
      Duration keepAlive) {}

  /** The transport's counters, shared with links and the service. */
  static final class Counters {
    final AtomicLong sent = new AtomicLong();
    final AtomicLong delivered = new AtomicLong();
    final AtomicLong dropped = new AtomicLong();
    final AtomicLong connects = new AtomicLong();
    final AtomicLong connectFailures = new AtomicLong();
    private final Map<Rejection, AtomicLong> rejected = new EnumMap<>(Rejection.class);

    Counters() {
      for (Rejection r : Rejection.values()) {
        rejected.put(r, new AtomicLong());
      }
    }

    void reject(Rejection reason) {
      rejected.get(reason).incrementAndGet();
    }

    long rejected(Rejection reason) {
      return rejected.get(reason).get();
    }
  }

  private GrpcTransport(Builder b) {
    this.id = b.id;
    this.options =
        new Options(
            b.security,
            b.maxMessageSize,
            b.maxQueuedBytes,
            b.backoff,
            b.connectTimeout,
            b.keepAlive);
    this.peers = Set.copyOf(b.peers.keySet());
    this.scheduler =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, "weft-grpc-" + b.id);
              t.setDaemon(true);
              return t;
            });
    scheduler.setRemoveOnCancelPolicy(true);
    Map<String, PeerLink> l = new LinkedHashMap<>();
    for (Map.Entry<String, InetSocketAddress> p : b.peers.entrySet()) {
      l.put(p.getKey(), new PeerLink(id, p.getKey(), p.getValue(), options, scheduler, counters));
    }
    this.links = Collections.unmodifiableMap(l);
    this.service = new PeerService(id, peers, options, counters);
    NettyServerBuilder sb =
        NettyServerBuilder.forAddress(b.listen, options.security().serverCredentials())
            .directExecutor() // handlers only check and queue; they never block
            // twice the maximum: the service refuses what lies between with a status of its own
            .maxInboundMessageSize((int) Math.min(Integer.MAX_VALUE, 2L * options.maxMessageSize()))
            .permitKeepAliveTime(options.keepAlive().dividedBy(2).toNanos(), TimeUnit.NANOSECONDS)
            .permitKeepAliveWithoutCalls(true)
            .addService(service.definition())
            .addStreamTracerFactory(service.tracer());
    for (ServerServiceDefinition extra : b.services) {
      sb.addService(extra);
    }
    Server s = sb.build();
    try {
      s.start();
    } catch (IOException e) {
      scheduler.shutdownNow();
      throw new UncheckedIOException("node " + id + " cannot listen on " + b.listen, e);
    }
    this.server = s;
    this.address = (InetSocketAddress) s.getListenSockets().get(0);
  }

  /**
   * Starts building the transport of node {@code id}.
   *
   * @param id this node's id
   * @param security how connections are secured: {@link Security#mutualTls}, or {@link
   *     Security#plaintext()}
   * @return a builder
   * @throws IllegalArgumentException if {@code security} is one-sided TLS ({@link
   *     Security#serverTls}, {@link Security#clientTls}), or TLS with an id that cannot be a DNS
   *     name
   * @throws NullPointerException if an argument is null
   */
  public static Builder builder(String id, Security security) {
    return new Builder(id, security);
  }

  /**
   * This node's id.
   *
   * @return the id
   */
  public String id() {
    return id;
  }

  /**
   * The address the transport listens on (with the port chosen, if port 0 was asked for).
   *
   * @return the bound address
   */
  public InetSocketAddress address() {
    return address;
  }

  /**
   * Points the stream to a peer at a new address (a peer restarted elsewhere); the stream is opened
   * again at once.
   *
   * @param peer a peer given to the builder
   * @param address its new address
   * @throws IllegalArgumentException if {@code peer} is not in the configuration
   * @throws NullPointerException if an argument is null
   */
  public void setPeerAddress(String peer, InetSocketAddress address) {
    Objects.requireNonNull(address, "address");
    PeerLink link = links.get(Objects.requireNonNull(peer, "peer"));
    if (link == null) {
      throw new IllegalArgumentException(peer + " is not a peer of " + id);
    }
    link.retarget(address);
  }

  @Override
  public synchronized void start(Consumer<Envelope> receiver) {
    Objects.requireNonNull(receiver, "receiver");
    if (started || closed) {
      throw new IllegalStateException("transport of " + id + " already started or closed");
    }
    started = true;
    service.start(receiver);
    for (PeerLink link : links.values()) {
      link.start();
    }
  }

  @Override
  public void send(Envelope envelope) {
    if (closed) {
      return;
    }
    PeerLink link = links.get(envelope.to());
    if (link == null) {
      counters.dropped.incrementAndGet();
      LOG.log(
          System.Logger.Level.DEBUG,
          "{0}: dropped an envelope for unknown node {1}",
          id,
          envelope.to());
      return;
    }
    Wire.Frame frame = EnvelopeCodec.encode(envelope);
    int size = frame.getSerializedSize();
    if (size > options.maxMessageSize()) {
      counters.dropped.incrementAndGet();
      LOG.log(
          System.Logger.Level.WARNING,
          "{0}: dropped a {1}-byte frame for {2}, over the {3}-byte maximum message size",
          id,
          size,
          envelope.to(),
          options.maxMessageSize());
      return;
    }
    link.send(frame, size);
  }

  /**
   * The size of the frame this transport sends for an envelope: its protobuf encoding, to which
   * gRPC adds a 5-byte message prefix and HTTP/2 a 9-byte header per DATA frame. For sizing {@link
   * Builder#maxMessageSize} and Raft's {@code maxSizePerMessage}, and for measuring the wire form.
   *
   * @param envelope the envelope
   * @return its encoded size in bytes
   * @throws NullPointerException if {@code envelope} is null
   */
  public static int encodedSize(Envelope envelope) {
    return EnvelopeCodec.encode(Objects.requireNonNull(envelope, "envelope")).getSerializedSize();
  }

  /**
   * Refusals of one kind so far, on either end of this node's streams.
   *
   * @param reason the kind
   * @return how many
   */
  public long rejected(Rejection reason) {
    return counters.rejected(Objects.requireNonNull(reason, "reason"));
  }

  /**
   * The counters now.
   *
   * @return a snapshot
   */
  public Stats stats() {
    Map<Rejection, Long> r = new EnumMap<>(Rejection.class);
    for (Rejection reason : Rejection.values()) {
      r.put(reason, counters.rejected(reason));
    }
    long queued = 0;
    for (PeerLink link : links.values()) {
      queued += link.queuedBytes();
    }
    return new Stats(
        counters.sent.get(),
        counters.delivered.get(),
        counters.dropped.get(),
        queued,
        counters.connects.get(),
        counters.connectFailures.get(),
        Collections.unmodifiableMap(r));
  }

  /** Closes the streams, stops listening and releases the port. Idempotent. */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    service.close();
    server.shutdownNow();
    for (PeerLink link : links.values()) {
      link.close();
    }
    scheduler.shutdownNow();
    try {
      server.awaitTermination(5, TimeUnit.SECONDS);
      for (PeerLink link : links.values()) {
        link.awaitTermination();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "GrpcTransport[" + id + " on " + address + ", peers " + links.keySet() + "]";
  }

  /** Settings of a {@link GrpcTransport}; {@link #build()} binds the port. */
  public static final class Builder {
    private final String id;
    private final Security security;
    private final Map<String, InetSocketAddress> peers = new LinkedHashMap<>();
    private InetSocketAddress listen = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    private int maxMessageSize = 4 << 20;
    private long maxQueuedBytes = 8L << 20;
    private Backoff backoff = Backoff.DEFAULT;
    private Duration connectTimeout = Duration.ofSeconds(5);
    private Duration keepAlive = Duration.ofSeconds(10);
    private final List<ServerServiceDefinition> services = new ArrayList<>();

    private Builder(String id, Security security) {
      this.id = Objects.requireNonNull(id, "id");
      this.security = Objects.requireNonNull(security, "security");
      if (id.isEmpty()) {
        throw new IllegalArgumentException("empty node id");
      }
      if (!security.isPlaintext()) {
        if (!security.isMutual()) {
          throw new IllegalArgumentException(
              "Raft nodes authenticate each other: use Security.mutualTls, or plaintext by name");
        }
        PeerIdentity.requireHostName(id);
      }
    }

    /**
     * The address to listen on; by default the loopback address and a port the system chooses.
     *
     * @param address where to listen (port 0 for any)
     * @return this builder
     */
    public Builder listenOn(InetSocketAddress address) {
      this.listen = Objects.requireNonNull(address, "address");
      return this;
    }

    /**
     * Adds a peer: a member of the configuration, and where to reach it.
     *
     * @param peer its id
     * @param address its address ({@link #setPeerAddress} can change it later)
     * @return this builder
     * @throws IllegalArgumentException if {@code peer} is this node or already added, or cannot be
     *     a DNS name under TLS
     */
    public Builder peer(String peer, InetSocketAddress address) {
      Objects.requireNonNull(peer, "peer");
      Objects.requireNonNull(address, "address");
      if (peer.equals(id) || peer.isEmpty() || peers.containsKey(peer)) {
        throw new IllegalArgumentException("bad or duplicate peer id \"" + peer + "\"");
      }
      if (!security.isPlaintext()) {
        PeerIdentity.requireHostName(peer);
      }
      peers.put(peer, address);
      return this;
    }

    /**
     * The largest frame sent or accepted, in bytes (default 4 MiB). Keep Raft's {@code
     * maxSizePerMessage} and the largest command well below it: a frame above it is dropped on the
     * way out.
     *
     * @param bytes the limit, at least 1 KiB
     * @return this builder
     */
    public Builder maxMessageSize(int bytes) {
      if (bytes < 1024) {
        throw new IllegalArgumentException("maxMessageSize below 1 KiB: " + bytes);
      }
      this.maxMessageSize = bytes;
      return this;
    }

    /**
     * The most bytes of frames queued for one peer while its stream is not ready (default 8 MiB);
     * beyond it envelopes are dropped.
     *
     * @param bytes the bound, positive
     * @return this builder
     */
    public Builder maxQueuedBytes(long bytes) {
      if (bytes < 1) {
        throw new IllegalArgumentException("maxQueuedBytes must be positive: " + bytes);
      }
      this.maxQueuedBytes = bytes;
      return this;
    }

    /**
     * How long to wait between attempts to open a stream (default {@link Backoff#DEFAULT}).
     *
     * @param backoff the policy
     * @return this builder
     */
    public Builder backoff(Backoff backoff) {
      this.backoff = Objects.requireNonNull(backoff, "backoff");
      return this;
    }

    /**
     * How long an attempt to open a stream may take, up to the peer's greeting (default 5 s).
     *
     * @param timeout the limit, positive
     * @return this builder
     */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = positive(timeout, "connectTimeout");
      return this;
    }

    /**
     * How often an idle connection is probed with HTTP/2 pings, so that a vanished peer is noticed
     * (default 10 s).
     *
     * @param interval the interval, positive
     * @return this builder
     */
    public Builder keepAlive(Duration interval) {
      this.keepAlive = positive(interval, "keepAlive");
      return this;
    }

    /**
     * Serves another gRPC service on the transport's port, with the transport's security: under
     * mutual TLS its clients need certificates signed by an authority in the node's trust bundle
     * (any name), and they dial the node with its id as the authority. The transport's admission
     * checks (configured ids, frame checks) apply to its own stream only; the service checks its
     * own input. A node's client-facing service (a key-value API, say) can so share the node's
     * address. Inbound messages are limited to twice {@link #maxMessageSize}.
     *
     * @param definition the service, with its interceptors
     * @return this builder
     * @throws NullPointerException if {@code definition} is null
     */
    public Builder service(ServerServiceDefinition definition) {
      services.add(Objects.requireNonNull(definition, "definition"));
      return this;
    }

    private static Duration positive(Duration d, String what) {
      Objects.requireNonNull(d, what);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(what + " must be positive: " + d);
      }
      return d;
    }

    /**
     * Builds the transport and binds its port; streams to peers open on {@link #start}.
     *
     * @return the transport
     * @throws UncheckedIOException if the port cannot be bound, or a certificate or key file cannot
     *     be read
     */
    public GrpcTransport build() {
      return new GrpcTransport(this);
    }
  }
}
