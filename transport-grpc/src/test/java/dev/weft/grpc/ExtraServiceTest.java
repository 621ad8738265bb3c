package dev.weft.grpc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.raft.LogEntry;
import dev.weft.raft.RaftMessage;
import dev.weft.raft.server.Envelope;
import io.grpc.CallOptions;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A service added with {@link GrpcTransport.Builder#service} answers on the transport's port, and
 * {@link GrpcTransport#encodedSize} is the size of the frame the transport sends.
 */
@Timeout(30)
class ExtraServiceTest {
  private static final MethodDescriptor.Marshaller<byte[]> BYTES =
      new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
          return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
          try {
            return stream.readAllBytes();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      };
  private static final MethodDescriptor<byte[], byte[]> ECHO =
      MethodDescriptor.<byte[], byte[]>newBuilder()
          .setType(MethodDescriptor.MethodType.UNARY)
          .setFullMethodName("test.Echo/Echo")
          .setRequestMarshaller(BYTES)
          .setResponseMarshaller(BYTES)
          .build();

  @Test
  void aServiceAddedToTheBuilderAnswersOnTheNodesPort() throws Exception {
    ServerServiceDefinition echo =
        ServerServiceDefinition.builder("test.Echo")
            .addMethod(
                ECHO,
                ServerCalls.asyncUnaryCall(
                    (request, reply) -> {
                      reply.onNext(request);
                      reply.onCompleted();
                    }))
            .build();
    try (GrpcTransport t =
        GrpcTransport.builder("a", Security.plaintext())
            .peer("b", new InetSocketAddress("127.0.0.1", 1))
            .service(echo)
            .build()) {
      InetSocketAddress at = t.address();
      ManagedChannel channel =
          Grpc.newChannelBuilderForAddress(
                  at.getHostString(), at.getPort(), InsecureChannelCredentials.create())
              .build();
      try {
        byte[] answer =
            ClientCalls.blockingUnaryCall(
                channel,
                ECHO,
                CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS),
                new byte[] {1, 2, 3});
        assertArrayEquals(new byte[] {1, 2, 3}, answer);
      } finally {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
    assertThrows(
        NullPointerException.class,
        () -> GrpcTransport.builder("a", Security.plaintext()).service(null));
  }

  @Test
  void encodedSizeIsTheFramesSize() {
    Envelope e =
        new Envelope.Raft(
            new RaftMessage.AppendEntries(
                "a", "b", 3, 9, 3, List.of(new LogEntry(10, 3, new byte[64])), 9));
    int size = GrpcTransport.encodedSize(e);
    assertEquals(EnvelopeCodec.encode(e).getSerializedSize(), size);
    assertTrue(size > 64 && size < 128, "size " + size);
    assertThrows(NullPointerException.class, () -> GrpcTransport.encodedSize(null));
  }
}
