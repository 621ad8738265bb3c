package dev.weft.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import dev.weft.grpc.GrpcTransport.Rejection;
import dev.weft.grpc.internal.proto.RaftPeerGrpc;
import dev.weft.grpc.internal.proto.Wire;
import dev.weft.raft.LogEntry;
import dev.weft.raft.RaftMessage;
import dev.weft.raft.server.Envelope;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The transport in plaintext over loopback: delivery, refusal of bad input with a status and a
 * count while the node goes on, bounded buffering towards a peer that does not read, and
 * reconnection.
 */
@Timeout(30)
class GrpcTransportTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final InetSocketAddress NOWHERE =
      new InetSocketAddress(InetAddress.getLoopbackAddress(), 1);

  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  private <T extends AutoCloseable> T track(T resource) {
    open.add(resource);
    return resource;
  }

  private static Envelope heartbeat(String from, String to, long term) {
    return new Envelope.Raft(new RaftMessage.Heartbeat(from, to, term, 0));
  }

  private static byte[] appendOf(String from, String to, int bytes) {
    return EnvelopeCodec.encode(
            new Envelope.Raft(
                new RaftMessage.AppendEntries(
                    from, to, 5, 0, 0, List.of(new LogEntry(1, 5, new byte[bytes])), 0)))
        .toByteArray();
  }

  /** Sends heartbeats of {@code term} until one arrives (the stream may still be reopening). */
  private static Envelope sendUntilDelivered(
      GrpcTransport a, BlockingQueue<Envelope> atB, long term) throws InterruptedException {
    Await.until(
        WAIT,
        () -> {
          a.send(heartbeat("a", "b", term));
          return !atB.isEmpty();
        },
        () -> a.stats().toString());
    return atB.poll();
  }

  private static long term(Envelope e) {
    return ((Envelope.Raft) e).message().term();
  }

  private static Backoff fastBackoff() {
    return new Backoff(Duration.ofMillis(10), Duration.ofMillis(200), 2);
  }

  @Test
  void envelopesFlowBothWays() throws Exception {
    GrpcTransport a =
        track(GrpcTransport.builder("a", Security.plaintext()).peer("b", NOWHERE).build());
    GrpcTransport b =
        track(
            GrpcTransport.builder("b", Security.plaintext())
                .peer("a", a.address())
                .backoff(fastBackoff())
                .build());
    a.setPeerAddress("b", b.address());
    BlockingQueue<Envelope> atA = new LinkedBlockingQueue<>();
    BlockingQueue<Envelope> atB = new LinkedBlockingQueue<>();
    a.start(atA::add);
    b.start(atB::add);
    Await.until(WAIT, () -> a.stats().connects() >= 1 && b.stats().connects() >= 1, a::toString);

    Envelope forward = new Envelope.Forward("a", "b", 11, 3, new byte[] {1, 2});
    a.send(heartbeat("a", "b", 1));
    a.send(forward);
    b.send(
        new Envelope.ForwardReply("b", "a", 11, 3, null, Envelope.Failure.NOT_LEADER, "c", 0, 0));
    assertEquals(heartbeat("a", "b", 1), atB.poll(10, TimeUnit.SECONDS));
    Envelope.Forward got = (Envelope.Forward) atB.poll(10, TimeUnit.SECONDS);
    assertEquals(3, got.id());
    Envelope.ForwardReply reply = (Envelope.ForwardReply) atA.poll(10, TimeUnit.SECONDS);
    assertEquals(Envelope.Failure.NOT_LEADER, reply.failure());
    assertEquals(2, b.stats().delivered());
    assertTrue(a.address().getAddress().isLoopbackAddress(), "listens on loopback by default");
  }

  @Test
  void badInputIsRefusedWithAStatusAndCountedWhileTheNodeGoesOn() throws Exception {
    GrpcTransport a =
        track(
            GrpcTransport.builder("a", Security.plaintext())
                .peer("b", NOWHERE)
                .maxMessageSize(64 * 1024)
                .build());
    BlockingQueue<Envelope> delivered = new LinkedBlockingQueue<>();
    a.start(delivered::add);
    RawPeer raw = track(new RawPeer(a.address()));
    byte[] good = EnvelopeCodec.encode(heartbeat("b", "a", 5)).toByteArray();

    // malformed bytes: field 1 claims 100 bytes that are not there
    RawPeer.Outcome garbage = raw.exchange("b", "a", WAIT, new byte[] {0x0a, 100, 1, 2});
    assertEquals(Status.Code.INVALID_ARGUMENT, garbage.status().getCode(), garbage.toString());
    assertEquals(1, a.rejected(Rejection.MALFORMED));

    // oversized: refused unread with a status that names the sizes
    RawPeer.Outcome oversized = raw.exchange("b", "a", WAIT, appendOf("b", "a", 100_000));
    assertEquals(
        Status.Code.RESOURCE_EXHAUSTED, oversized.status().getCode(), oversized.toString());
    assertTrue(oversized.status().getDescription().contains("over the maximum of 65536"));
    Await.until(WAIT, () -> a.rejected(Rejection.OVERSIZED) == 1, () -> a.stats().toString());
    // far beyond it, gRPC itself resets the stream before anything is read
    RawPeer.Outcome huge = raw.exchange("b", "a", WAIT, appendOf("b", "a", 1_000_000));
    assertEquals(Status.Code.CANCELLED, huge.status().getCode(), huge.toString());
    Await.until(WAIT, () -> a.rejected(Rejection.OVERSIZED) == 2, () -> a.stats().toString());

    // a kind from the future
    byte[] unknown =
        Wire.Frame.newBuilder()
            .setFrom("b")
            .setTo("a")
            .setUnknownFields(
                UnknownFieldSet.newBuilder()
                    .addField(
                        99,
                        UnknownFieldSet.Field.newBuilder()
                            .addLengthDelimited(ByteString.copyFromUtf8("later"))
                            .build())
                    .build())
            .build()
            .toByteArray();
    RawPeer.Outcome future = raw.exchange("b", "a", WAIT, unknown);
    assertEquals(Status.Code.INVALID_ARGUMENT, future.status().getCode(), future.toString());
    assertEquals(1, a.rejected(Rejection.UNKNOWN_KIND));

    // a node outside the configuration, and no claim at all
    RawPeer.Outcome stranger = raw.exchange("mallory", "a", WAIT, good);
    assertEquals(Status.Code.PERMISSION_DENIED, stranger.status().getCode(), stranger.toString());
    assertEquals(0, stranger.greetings());
    RawPeer.Outcome anonymous = raw.exchange(null, "a", WAIT, good);
    assertEquals(Status.Code.PERMISSION_DENIED, anonymous.status().getCode());
    // a frame whose sender is not the stream's
    byte[] spoofed = EnvelopeCodec.encode(heartbeat("c", "a", 5)).toByteArray();
    RawPeer.Outcome spoof = raw.exchange("b", "a", WAIT, spoofed);
    assertEquals(Status.Code.PERMISSION_DENIED, spoof.status().getCode(), spoof.toString());
    assertEquals(3, a.rejected(Rejection.UNKNOWN_SENDER));

    // a stream, and a frame, meant for another node
    RawPeer.Outcome wrongNode = raw.exchange("b", "c", WAIT, good);
    assertEquals(Status.Code.FAILED_PRECONDITION, wrongNode.status().getCode());
    byte[] elsewhere = EnvelopeCodec.encode(heartbeat("b", "c", 5)).toByteArray();
    RawPeer.Outcome wrongFrame = raw.exchange("b", "a", WAIT, elsewhere);
    assertEquals(Status.Code.FAILED_PRECONDITION, wrongFrame.status().getCode());
    assertEquals(2, a.rejected(Rejection.MISADDRESSED));

    assertTrue(delivered.isEmpty(), "nothing refused was delivered: " + delivered);
    // the node goes on: a good frame after all that is greeted and delivered
    RawPeer.Outcome fine = raw.exchange("b", "a", WAIT, good, good);
    assertEquals(Status.Code.OK, fine.status().getCode(), fine.toString());
    assertEquals(1, fine.greetings());
    assertEquals(heartbeat("b", "a", 5), delivered.poll(10, TimeUnit.SECONDS));
    assertEquals(heartbeat("b", "a", 5), delivered.poll(10, TimeUnit.SECONDS));
    assertEquals(2, a.stats().delivered());
  }

  @Test
  void aStreamBeforeStartIsTurnedAwayUntilTheNodeRuns() throws Exception {
    GrpcTransport a =
        track(GrpcTransport.builder("a", Security.plaintext()).peer("b", NOWHERE).build());
    RawPeer raw = track(new RawPeer(a.address()));
    byte[] good = EnvelopeCodec.encode(heartbeat("b", "a", 1)).toByteArray();
    assertEquals(Status.Code.UNAVAILABLE, raw.exchange("b", "a", WAIT, good).status().getCode());
    BlockingQueue<Envelope> delivered = new LinkedBlockingQueue<>();
    a.start(delivered::add);
    assertThrows(IllegalStateException.class, () -> a.start(delivered::add));
    assertEquals(Status.Code.OK, raw.exchange("b", "a", WAIT, good).status().getCode());
    assertEquals(1, delivered.size());
  }

  @Test
  void aPeerThatDoesNotReadNeverMakesTheSenderBufferWithoutBound() throws Exception {
    // A follower that admits the stream, greets, and then never asks for a frame: HTTP/2 flow
    // control stops the sender once the stream's window is full.
    ServerServiceDefinition stuck =
        ServerServiceDefinition.builder(RaftPeerGrpc.SERVICE_NAME)
            .addMethod(
                RawPeer.CONNECT,
                (ServerCall<byte[], byte[]> call, Metadata headers) -> {
                  call.sendHeaders(new Metadata());
                  call.sendMessage(Wire.Welcome.newBuilder().setId("b").build().toByteArray());
                  return new ServerCall.Listener<>() {};
                })
            .build();
    Server follower =
        NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
            .addService(stuck)
            .build()
            .start();
    track(
        () -> {
          follower.shutdownNow();
          follower.awaitTermination(5, TimeUnit.SECONDS);
        });
    long bound = 256 * 1024;
    GrpcTransport a =
        track(
            GrpcTransport.builder("a", Security.plaintext())
                .peer("b", (InetSocketAddress) follower.getListenSockets().get(0))
                .maxQueuedBytes(bound)
                .build());
    a.start(e -> {});
    Await.until(WAIT, () -> a.stats().connects() == 1, () -> a.stats().toString());

    int frames = 3000;
    int entryBytes = 16 * 1024;
    long maxQueued = 0;
    for (int i = 1; i <= frames; i++) {
      a.send(
          new Envelope.Raft(
              new RaftMessage.AppendEntries(
                  "a", "b", 1, i - 1, 1, List.of(new LogEntry(i, 1, new byte[entryBytes])), 0)));
      maxQueued = Math.max(maxQueued, a.stats().queuedBytes());
    }
    GrpcTransport.Stats s = a.stats();
    assertTrue(maxQueued <= bound, "queued " + maxQueued + " bytes, bound " + bound);
    // what gRPC took is what the stream's flow-control window (1 MiB by default) and its small
    // send buffer admit, not the ~48 MiB offered
    assertTrue(s.sent() * entryBytes < 4L << 20, "gRPC took " + s.sent() + " frames: " + s);
    assertTrue(s.dropped() > frames / 2, "dropped only " + s.dropped() + ": " + s);
    long stillQueued = frames - s.sent() - s.dropped();
    assertTrue(stillQueued >= 0 && stillQueued <= bound / entryBytes, s.toString());
  }

  @Test
  void aLostPeerIsReconnectedWithBackoffAndAMovedOneAtItsNewAddress() throws Exception {
    GrpcTransport b1 = GrpcTransport.builder("b", Security.plaintext()).peer("a", NOWHERE).build();
    InetSocketAddress bAddress = b1.address();
    BlockingQueue<Envelope> atB = new LinkedBlockingQueue<>();
    b1.start(atB::add);
    GrpcTransport a =
        track(
            GrpcTransport.builder("a", Security.plaintext())
                .peer("b", bAddress)
                .backoff(fastBackoff())
                .build());
    a.start(e -> {});
    a.send(heartbeat("a", "b", 1));
    Envelope first = atB.poll(10, TimeUnit.SECONDS);
    assertEquals(heartbeat("a", "b", 1), first);

    b1.close(); // b goes away: a's stream fails, and its attempts fail until b is back
    long failuresBefore = a.stats().connectFailures();
    Await.until(
        WAIT, () -> a.stats().connectFailures() >= failuresBefore + 3, () -> a.stats().toString());
    GrpcTransport b2 =
        track(
            GrpcTransport.builder("b", Security.plaintext())
                .listenOn(bAddress)
                .peer("a", NOWHERE)
                .build());
    b2.start(atB::add);
    assertEquals(2, term(sendUntilDelivered(a, atB, 2)));
    assertTrue(a.stats().connects() >= 2, a.stats().toString());

    // b moves to another port: told so, a follows at once
    b2.close();
    GrpcTransport b3 =
        track(GrpcTransport.builder("b", Security.plaintext()).peer("a", NOWHERE).build());
    b3.start(atB::add);
    a.setPeerAddress("b", b3.address());
    atB.clear();
    assertEquals(3, term(sendUntilDelivered(a, atB, 3)));
  }

  @Test
  void settingsAreChecked() {
    GrpcTransport.Builder b = GrpcTransport.builder("a", Security.plaintext());
    assertThrows(IllegalArgumentException.class, () -> b.peer("a", NOWHERE));
    b.peer("b", NOWHERE);
    assertThrows(IllegalArgumentException.class, () -> b.peer("b", NOWHERE));
    assertThrows(IllegalArgumentException.class, () -> b.maxMessageSize(10));
    assertThrows(IllegalArgumentException.class, () -> b.maxQueuedBytes(0));
    assertThrows(IllegalArgumentException.class, () -> b.connectTimeout(Duration.ZERO));
    assertThrows(
        NullPointerException.class, () -> GrpcTransport.builder(null, Security.plaintext()));
  }
}
