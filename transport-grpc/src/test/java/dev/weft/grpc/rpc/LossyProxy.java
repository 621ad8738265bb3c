package dev.weft.grpc.rpc;

import dev.weft.grpc.Bytes;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.HandlerRegistry;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerMethodDefinition;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A gRPC proxy for unary calls that loses responses and duplicates requests, at random (seeded):
 * the unreliable network between an at-most-once client and its server. A lost response is one the
 * server produced and the client never got: the client sees {@code UNAVAILABLE}, which its retry
 * policy retries. A duplicated request reaches the server twice, either at once (the copy races the
 * original) or after the original's answer (the copy is late). Only {@code weft-*} metadata is
 * passed on.
 */
final class LossyProxy implements AutoCloseable {
  private final ManagedChannel backend;
  private final Server server;
  private final SplittableRandom random;
  private final double loseResponse;
  private final double duplicate;
  final AtomicLong calls = new AtomicLong();
  final AtomicLong responsesLost = new AtomicLong();
  final AtomicLong duplicatesSent = new AtomicLong();
  private final AtomicLong copiesInFlight = new AtomicLong();

  LossyProxy(InetSocketAddress target, long seed, double loseResponse, double duplicate)
      throws IOException {
    this.random = new SplittableRandom(seed);
    this.loseResponse = loseResponse;
    this.duplicate = duplicate;
    this.backend = NettyChannelBuilder.forAddress(target).usePlaintext().disableRetry().build();
    HandlerRegistry any =
        new HandlerRegistry() {
          @Override
          public ServerMethodDefinition<?, ?> lookupMethod(String method, String authority) {
            MethodDescriptor<byte[], byte[]> m =
                MethodDescriptor.<byte[], byte[]>newBuilder()
                    .setType(MethodDescriptor.MethodType.UNARY)
                    .setFullMethodName(method)
                    .setRequestMarshaller(Bytes.MARSHALLER)
                    .setResponseMarshaller(Bytes.MARSHALLER)
                    .build();
            return ServerMethodDefinition.create(
                m, (call, headers) -> new Forward(m, call, headers));
          }
        };
    this.server =
        NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
            .fallbackHandlerRegistry(any)
            .build()
            .start();
  }

  InetSocketAddress address() {
    return (InetSocketAddress) server.getListenSockets().get(0);
  }

  private synchronized double draw() {
    return random.nextDouble();
  }

  private static Metadata weftOnly(Metadata in) {
    Metadata out = new Metadata();
    for (String key : in.keys()) {
      if (key.startsWith("weft-")) {
        Metadata.Key<String> k = Metadata.Key.of(key, Metadata.ASCII_STRING_MARSHALLER);
        out.put(k, in.get(k));
      }
    }
    return out;
  }

  /** What the server answered to one copy. */
  private record Answer(byte[] response, Status status, Metadata trailers) {}

  /** Sends one copy of a request to the server; {@code done} gets its answer. */
  private void send(
      MethodDescriptor<byte[], byte[]> m, Metadata headers, byte[] request, Consumer<Answer> done) {
    ClientCall<byte[], byte[]> c = backend.newCall(m, CallOptions.DEFAULT);
    byte[][] response = {null};
    c.start(
        new ClientCall.Listener<>() {
          @Override
          public void onMessage(byte[] message) {
            response[0] = message;
          }

          @Override
          public void onClose(Status status, Metadata trailers) {
            done.accept(new Answer(response[0], status, weftOnly(trailers)));
          }
        },
        weftOnly(headers));
    c.request(2);
    c.sendMessage(request);
    c.halfClose();
  }

  private final class Forward extends ServerCall.Listener<byte[]> {
    private final MethodDescriptor<byte[], byte[]> method;
    private final ServerCall<byte[], byte[]> call;
    private final Metadata headers;
    private byte[] request;

    Forward(MethodDescriptor<byte[], byte[]> method, ServerCall<byte[], byte[]> call, Metadata h) {
      this.method = method;
      this.call = call;
      this.headers = h;
      call.request(1);
    }

    @Override
    public void onMessage(byte[] message) {
      request = message;
    }

    @Override
    public void onHalfClose() {
      calls.incrementAndGet();
      boolean lose = draw() < loseResponse;
      double d = draw();
      boolean copyNow = d < duplicate / 2;
      boolean copyLater = !copyNow && d < duplicate;
      if (copyNow) {
        copy();
      }
      send(
          method,
          headers,
          request,
          answer -> {
            if (copyLater) {
              copy();
            }
            if (lose) {
              responsesLost.incrementAndGet();
              call.close(
                  Status.UNAVAILABLE.withDescription("response lost by the proxy"), new Metadata());
              return;
            }
            if (answer.response() != null) {
              call.sendHeaders(new Metadata());
              call.sendMessage(answer.response());
            }
            call.close(answer.status(), answer.trailers());
          });
    }

    private void copy() {
      duplicatesSent.incrementAndGet();
      copiesInFlight.incrementAndGet();
      send(method, headers, request, answer -> copiesInFlight.decrementAndGet());
    }
  }

  @Override
  public void close() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (copiesInFlight.get() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    server.shutdownNow();
    backend.shutdownNow();
    server.awaitTermination(5, TimeUnit.SECONDS);
    backend.awaitTermination(5, TimeUnit.SECONDS);
  }
}
