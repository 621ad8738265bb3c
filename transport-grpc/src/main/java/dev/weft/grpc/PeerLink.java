package dev.weft.grpc;

import static java.lang.System.Logger.Level.DEBUG;
import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;

import dev.weft.grpc.internal.proto.RaftPeerGrpc;
import dev.weft.grpc.internal.proto.Wire;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.net.InetSocketAddress;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The sending half of one node's connection to one peer: a channel, the current {@code Connect}
 * stream on it, and a queue bounded in bytes.
 *
 * <pre>
 *   start / backoff over --> CONNECTING --welcome--> OPEN --failure--> BACKING OFF --+
 *        ^                      |  (timeout, refusal, wrong id)                      |
 *        +----------------------+----------------------------------------------------+
 * </pre>
 *
 * <p>Frames are queued while connecting or open and leave the queue only while {@link
 * ClientCall#isReady()} holds, that is while gRPC has less than its small per-stream buffer unsent;
 * HTTP/2 flow control stops the stream when the peer reads slowly, the queue then fills, and
 * further frames are dropped. A stream that fails drops its queue, and the next attempt waits for
 * {@link Backoff}. Each attempt has a generation number; callbacks from an older attempt are
 * ignored.
 *
 * <p>Locking: one lock guards everything mutable; it is taken by the sender (the driver's loop) and
 * by gRPC's callbacks, and is never held while waiting. gRPC runs a call's callbacks through a
 * serializing executor, so a callback caused by a call made under the lock runs later, not nested.
 */
final class PeerLink {
  static final Metadata.Key<String> FROM =
      Metadata.Key.of("weft-from", Metadata.ASCII_STRING_MARSHALLER);
  static final Metadata.Key<String> TO =
      Metadata.Key.of("weft-to", Metadata.ASCII_STRING_MARSHALLER);

  private final String self;
  private final String peer;
  private final GrpcTransport.Options options;
  private final ScheduledExecutorService scheduler;
  private final GrpcTransport.Counters counters;
  private final ReentrantLock lock = new ReentrantLock();

  // guarded by lock
  private InetSocketAddress address;
  private ManagedChannel channel;
  private ClientCall<Wire.Frame, Wire.Welcome> call;
  private boolean open;
  private long generation;
  private int failures;
  private ScheduledFuture<?> timer;
  private final ArrayDeque<Wire.Frame> queue = new ArrayDeque<>();
  private long queuedBytes;
  private boolean started;
  private boolean closed;

  PeerLink(
      String self,
      String peer,
      InetSocketAddress address,
      GrpcTransport.Options options,
      ScheduledExecutorService scheduler,
      GrpcTransport.Counters counters) {
    this.self = self;
    this.peer = peer;
    this.address = address;
    this.options = options;
    this.scheduler = scheduler;
    this.counters = counters;
  }

  void start() {
    lock.lock();
    try {
      started = true;
      connect();
    } finally {
      lock.unlock();
    }
  }

  void retarget(InetSocketAddress newAddress) {
    lock.lock();
    try {
      if (closed) {
        return;
      }
      address = newAddress;
      ManagedChannel old = channel;
      channel = null;
      if (old != null) {
        old.shutdownNow();
      }
      if (started) {
        abandon(Status.UNAVAILABLE.withDescription("peer moved to " + newAddress));
        failures = 0;
        connect();
      }
    } finally {
      lock.unlock();
    }
  }

  /** Queues a frame, or drops it if there is no stream or no room. */
  void send(Wire.Frame frame, int size) {
    lock.lock();
    try {
      if (closed || call == null || queuedBytes + size > options.maxQueuedBytes()) {
        counters.dropped.incrementAndGet();
        return;
      }
      queue.addLast(frame);
      queuedBytes += size;
      drain();
    } finally {
      lock.unlock();
    }
  }

  long queuedBytes() {
    lock.lock();
    try {
      return queuedBytes;
    } finally {
      lock.unlock();
    }
  }

  void close() {
    lock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      abandon(Status.CANCELLED.withDescription("transport closed"));
      if (channel != null) {
        channel.shutdownNow();
      }
    } finally {
      lock.unlock();
    }
  }

  void awaitTermination() throws InterruptedException {
    ManagedChannel c;
    lock.lock();
    try {
      c = channel;
    } finally {
      lock.unlock();
    }
    if (c != null) {
      c.awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  // --- under the lock ---

  private void connect() {
    if (closed) {
      return;
    }
    if (channel == null) {
      channel = newChannel();
    }
    long gen = ++generation;
    Metadata headers = new Metadata();
    headers.put(FROM, self);
    headers.put(TO, peer);
    ClientCall<Wire.Frame, Wire.Welcome> c =
        channel.newCall(RaftPeerGrpc.getConnectMethod(), CallOptions.DEFAULT);
    call = c;
    c.start(new Listener(gen), headers);
    c.request(1);
    if (gen != generation) {
      return; // failed at once (the listener ran inside start), and a retry is already planned
    }
    Duration t = options.connectTimeout();
    timer =
        scheduler.schedule(
            () -> failed(gen, Status.DEADLINE_EXCEEDED.withDescription("no greeting within " + t)),
            t.toNanos(),
            TimeUnit.NANOSECONDS);
  }

  private ManagedChannel newChannel() {
    NettyChannelBuilder b =
        NettyChannelBuilder.forAddress(address, options.security().channelCredentials())
            .directExecutor() // callbacks only move frames to gRPC; they never block
            .maxInboundMessageSize(options.maxMessageSize())
            .keepAliveTime(options.keepAlive().toNanos(), TimeUnit.NANOSECONDS)
            .keepAliveWithoutCalls(true)
            .disableRetry(); // a stream is retried here, with our backoff
    if (!options.security().isPlaintext()) {
      b.overrideAuthority(peer); // TLS checks that the peer's certificate names this id
    }
    return b.build();
  }

  private void drain() {
    while (open && !queue.isEmpty() && call.isReady()) {
      Wire.Frame f = queue.pollFirst();
      queuedBytes -= f.getSerializedSize();
      call.sendMessage(f);
      counters.sent.incrementAndGet();
    }
  }

  /** Ends the current attempt, if any, dropping what was queued for it. */
  private void abandon(Status why) {
    generation++;
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
    ClientCall<Wire.Frame, Wire.Welcome> c = call;
    call = null;
    open = false;
    counters.dropped.addAndGet(queue.size());
    queue.clear();
    queuedBytes = 0;
    if (c != null) {
      c.cancel(why.getDescription(), why.getCause());
    }
  }

  // --- callbacks ---

  private void failed(long gen, Status status) {
    lock.lock();
    try {
      if (gen != generation || closed) {
        return;
      }
      boolean wasOpen = open;
      if (!wasOpen && certificateRefused(status)) {
        counters.reject(GrpcTransport.Rejection.WRONG_IDENTITY);
        GrpcTransport.LOG.log(
            WARNING, "{0}: refused the certificate of {1} at {2}", self, peer, address);
      }
      abandon(status);
      counters.connectFailures.incrementAndGet();
      failures++;
      Duration wait = options.backoff().delay(failures, ThreadLocalRandom.current());
      GrpcTransport.LOG.log(
          wasOpen ? INFO : DEBUG,
          "{0}: stream to {1} at {2} failed ({3}: {4}); retrying in {5} ms",
          self,
          peer,
          address,
          status.getCode(),
          status.getDescription(),
          wait.toMillis());
      timer =
          scheduler.schedule(
              () -> {
                lock.lock();
                try {
                  if (!closed && call == null) {
                    if (channel != null) {
                      channel.resetConnectBackoff(); // our backoff, not the channel's own
                    }
                    connect();
                  }
                } finally {
                  lock.unlock();
                }
              },
              wait.toNanos(),
              TimeUnit.NANOSECONDS);
    } finally {
      lock.unlock();
    }
  }

  private void greeted(long gen, Wire.Welcome welcome) {
    lock.lock();
    try {
      if (gen != generation || closed) {
        return;
      }
      if (!welcome.getId().equals(peer)) {
        counters.reject(GrpcTransport.Rejection.MISADDRESSED);
        GrpcTransport.LOG.log(
            WARNING,
            "{0}: {1} at {2} says it is \"{3}\"; refused",
            self,
            peer,
            address,
            welcome.getId());
      } else {
        open = true;
        failures = 0;
        if (timer != null) {
          timer.cancel(false);
          timer = null;
        }
        counters.connects.incrementAndGet();
        GrpcTransport.LOG.log(DEBUG, "{0}: stream to {1} at {2} open", self, peer, address);
        drain();
        return;
      }
    } finally {
      lock.unlock();
    }
    failed(gen, Status.FAILED_PRECONDITION.withDescription("the peer is someone else"));
  }

  /** Whether the TLS handshake failed on the certificate: untrusted, or not naming the peer. */
  private static boolean certificateRefused(Status status) {
    for (Throwable t = status.getCause(); t != null; t = t.getCause()) {
      if (t instanceof CertificateException) {
        return true;
      }
    }
    return false;
  }

  private boolean identityOk(long gen, ClientCall<?, ?> c) {
    if (options.security().isPlaintext()) {
      return true;
    }
    String mismatch = PeerIdentity.mismatch(c.getAttributes(), peer);
    if (mismatch == null) {
      return true;
    }
    counters.reject(GrpcTransport.Rejection.WRONG_IDENTITY);
    GrpcTransport.LOG.log(WARNING, "{0}: refused {1} at {2}: {3}", self, peer, address, mismatch);
    failed(gen, Status.PERMISSION_DENIED.withDescription(mismatch));
    return false;
  }

  private void ready(long gen) {
    lock.lock();
    try {
      if (gen == generation && !closed) {
        drain();
      }
    } finally {
      lock.unlock();
    }
  }

  private final class Listener extends ClientCall.Listener<Wire.Welcome> {
    private final long gen;

    Listener(long gen) {
      this.gen = gen;
    }

    @Override
    public void onHeaders(Metadata headers) {
      ClientCall<Wire.Frame, Wire.Welcome> c;
      lock.lock();
      try {
        if (gen != generation) {
          return;
        }
        c = call;
      } finally {
        lock.unlock();
      }
      if (c != null) {
        identityOk(gen, c);
      }
    }

    @Override
    public void onMessage(Wire.Welcome message) {
      greeted(gen, message);
    }

    @Override
    public void onReady() {
      ready(gen);
    }

    @Override
    public void onClose(Status status, Metadata trailers) {
      failed(
          gen,
          status.isOk() ? Status.UNAVAILABLE.withDescription("peer ended the stream") : status);
    }
  }

  @Override
  public String toString() {
    return "PeerLink[" + self + " -> " + peer + "]";
  }
}
