package dev.weft.grpc;

import dev.weft.grpc.internal.proto.RaftPeerGrpc;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A hand-driven client of the {@code Connect} method that sends whatever bytes a test gives it,
 * under whatever identity headers it claims: the network's worst behaviour, on demand. Plaintext.
 */
final class RawPeer implements AutoCloseable {
  static final MethodDescriptor<byte[], byte[]> CONNECT =
      RaftPeerGrpc.getConnectMethod().toBuilder(Bytes.MARSHALLER, Bytes.MARSHALLER).build();

  private final ManagedChannel channel;

  RawPeer(InetSocketAddress target) {
    channel = NettyChannelBuilder.forAddress(target).usePlaintext().build();
  }

  /** What the far end answered on one stream. */
  record Outcome(int greetings, Status status) {}

  /**
   * Opens a stream claiming to be {@code from}, sends {@code frames}, half-closes, and waits for
   * the far end to end the stream.
   */
  Outcome exchange(String from, String to, Duration timeout, byte[]... frames) throws Exception {
    CompletableFuture<Status> closed = new CompletableFuture<>();
    int[] greetings = {0};
    ClientCall<byte[], byte[]> call = channel.newCall(CONNECT, CallOptions.DEFAULT);
    Metadata headers = new Metadata();
    if (from != null) {
      headers.put(PeerLink.FROM, from);
    }
    headers.put(PeerLink.TO, to);
    call.start(
        new ClientCall.Listener<>() {
          @Override
          public void onMessage(byte[] message) {
            synchronized (greetings) {
              greetings[0]++;
            }
            call.request(1);
          }

          @Override
          public void onClose(Status status, Metadata trailers) {
            closed.complete(status);
          }
        },
        headers);
    call.request(1);
    for (byte[] f : frames) {
      call.sendMessage(f);
    }
    call.halfClose();
    Status status = closed.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    synchronized (greetings) {
      return new Outcome(greetings[0], status);
    }
  }

  @Override
  public void close() throws InterruptedException {
    channel.shutdownNow();
    channel.awaitTermination(5, TimeUnit.SECONDS);
  }
}
