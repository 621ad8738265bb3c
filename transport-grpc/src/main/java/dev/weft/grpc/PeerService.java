package dev.weft.grpc;

import static java.lang.System.Logger.Level.WARNING;

import dev.weft.grpc.internal.proto.RaftPeerGrpc;
import dev.weft.grpc.internal.proto.Wire;
import dev.weft.raft.server.Envelope;
import io.grpc.KnownLength;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServerStreamTracer;
import io.grpc.Status;
import io.grpc.protobuf.ProtoUtils;
import java.io.IOException;
import java.io.InputStream;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The receiving half: the {@code RaftPeer/Connect} service. It admits a stream from a configured
 * peer (by its certificate, under mutual TLS), greets it, and hands each frame that passes the
 * checks to the receiver; anything else ends the stream with a status and is counted.
 *
 * <p>Frames are parsed by a marshaller that never throws ({@link Parsed} carries either the frame
 * or the parse error), so that malformed bytes end the stream with {@code INVALID_ARGUMENT} chosen
 * here rather than the generic status gRPC gives an exception from a marshaller.
 *
 * <p>Oversized frames: gRPC's own limit is set at twice the maximum message size, so that a frame
 * above the maximum but below that reaches the marshaller, which refuses it unread, and the stream
 * ends with an explicit {@code RESOURCE_EXHAUSTED} naming the sizes (a node whose limit is set
 * higher than its peer's learns why). A frame above gRPC's limit is refused by gRPC itself, which
 * resets the stream (the sender sees {@code CANCELLED}). Both close the stream with {@code
 * RESOURCE_EXHAUSTED} on this side, which a stream tracer counts; memory per stream stays within
 * twice the maximum.
 */
final class PeerService {
  /** A frame; or why the bytes were not one; or the size of a frame too large to read. */
  record Parsed(Wire.Frame frame, IOException error, long oversize) {}

  private final MethodDescriptor.Marshaller<Parsed> parsing =
      new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(Parsed value) {
          return value.frame().toByteString().newInput();
        }

        @Override
        public Parsed parse(InputStream stream) {
          try {
            // gRPC hands over a stream of known length: refuse an oversized frame unread
            int size = stream instanceof KnownLength ? stream.available() : 0;
            if (size > options.maxMessageSize()) {
              return new Parsed(null, null, size);
            }
            return new Parsed(Wire.Frame.parseFrom(stream), null, 0);
          } catch (IOException e) {
            return new Parsed(null, e, 0);
          }
        }
      };

  private final String self;
  private final Set<String> peers;
  private final GrpcTransport.Options options;
  private final GrpcTransport.Counters counters;
  private volatile Consumer<Envelope> receiver;
  private volatile boolean closed;

  PeerService(
      String self,
      Set<String> peers,
      GrpcTransport.Options options,
      GrpcTransport.Counters counters) {
    this.self = self;
    this.peers = peers;
    this.options = options;
    this.counters = counters;
  }

  void start(Consumer<Envelope> receiver) {
    this.receiver = receiver;
  }

  void close() {
    closed = true;
  }

  ServerServiceDefinition definition() {
    MethodDescriptor<Parsed, Wire.Welcome> method =
        RaftPeerGrpc.getConnectMethod().toBuilder(
                parsing, ProtoUtils.marshaller(Wire.Welcome.getDefaultInstance()))
            .build();
    return ServerServiceDefinition.builder(RaftPeerGrpc.SERVICE_NAME)
        .addMethod(method, new Handler())
        .build();
  }

  ServerStreamTracer.Factory tracer() {
    String connect = RaftPeerGrpc.getConnectMethod().getFullMethodName();
    return new ServerStreamTracer.Factory() {
      @Override
      public ServerStreamTracer newServerStreamTracer(String fullMethodName, Metadata headers) {
        if (!connect.equals(fullMethodName)) {
          return new ServerStreamTracer() {};
        }
        String from = headers.get(PeerLink.FROM);
        return new ServerStreamTracer() {
          @Override
          public void streamClosed(Status status) {
            // This service never ends a stream with RESOURCE_EXHAUSTED itself: gRPC does, for a
            // message over the maximum size.
            if (status.getCode() == Status.Code.RESOURCE_EXHAUSTED) {
              counters.reject(GrpcTransport.Rejection.OVERSIZED);
              GrpcTransport.LOG.log(
                  WARNING,
                  "{0}: refused an oversized frame from {1}: {2}",
                  self,
                  from,
                  status.getDescription());
            }
          }
        };
      }
    };
  }

  private final class Handler implements ServerCallHandler<Parsed, Wire.Welcome> {
    @Override
    public ServerCall.Listener<Parsed> startCall(
        ServerCall<Parsed, Wire.Welcome> call, Metadata headers) {
      Consumer<Envelope> r = receiver;
      if (r == null || closed) {
        call.close(
            Status.UNAVAILABLE.withDescription("node " + self + " is not running"), new Metadata());
        return new ServerCall.Listener<>() {};
      }
      String from = headers.get(PeerLink.FROM);
      String to = headers.get(PeerLink.TO);
      if (from == null || !peers.contains(from)) {
        refuse(
            call,
            GrpcTransport.Rejection.UNKNOWN_SENDER,
            Status.PERMISSION_DENIED,
            "\"" + from + "\" is not in the configuration of " + self);
        return new ServerCall.Listener<>() {};
      }
      if (!self.equals(to)) {
        refuse(
            call,
            GrpcTransport.Rejection.MISADDRESSED,
            Status.FAILED_PRECONDITION,
            "this is node " + self + ", not " + to);
        return new ServerCall.Listener<>() {};
      }
      if (!options.security().isPlaintext()) {
        String mismatch = PeerIdentity.mismatch(call.getAttributes(), from);
        if (mismatch != null) {
          refuse(
              call,
              GrpcTransport.Rejection.WRONG_IDENTITY,
              Status.PERMISSION_DENIED,
              "caller claims to be " + from + ", but " + mismatch);
          return new ServerCall.Listener<>() {};
        }
      }
      call.sendHeaders(new Metadata());
      call.sendMessage(Wire.Welcome.newBuilder().setId(self).build());
      call.request(1);
      return new Stream(call, from, r);
    }
  }

  private void refuse(
      ServerCall<?, ?> call, GrpcTransport.Rejection reason, Status status, String why) {
    counters.reject(reason);
    GrpcTransport.LOG.log(WARNING, "{0}: refused a stream or frame ({1}): {2}", self, reason, why);
    call.close(status.withDescription(why), new Metadata());
  }

  /** One admitted stream: checks and delivers its frames. */
  private final class Stream extends ServerCall.Listener<Parsed> {
    private final ServerCall<Parsed, Wire.Welcome> call;
    private final String from;
    private final Consumer<Envelope> receiver;
    private boolean ended;

    Stream(ServerCall<Parsed, Wire.Welcome> call, String from, Consumer<Envelope> receiver) {
      this.call = call;
      this.from = from;
      this.receiver = receiver;
    }

    @Override
    public void onMessage(Parsed message) {
      if (ended) {
        return;
      }
      if (message.oversize() > 0) {
        // counted by the tracer, as are the frames so large that gRPC refuses them itself
        ended = true;
        call.close(
            Status.RESOURCE_EXHAUSTED.withDescription(
                "a frame of "
                    + message.oversize()
                    + " bytes from "
                    + from
                    + ", over the maximum of "
                    + options.maxMessageSize()),
            new Metadata());
        return;
      }
      if (message.error() != null) {
        end(
            GrpcTransport.Rejection.MALFORMED,
            Status.INVALID_ARGUMENT,
            "malformed frame from " + from + ": " + message.error().getMessage());
        return;
      }
      Envelope envelope;
      try {
        envelope = EnvelopeCodec.decode(message.frame());
      } catch (EnvelopeCodec.MalformedFrameException e) {
        end(e.rejection(), Status.INVALID_ARGUMENT, e.getMessage() + " from " + from);
        return;
      }
      if (!envelope.from().equals(from)) {
        end(
            GrpcTransport.Rejection.UNKNOWN_SENDER,
            Status.PERMISSION_DENIED,
            "a frame from \"" + envelope.from() + "\" on the stream of " + from);
        return;
      }
      if (!envelope.to().equals(self)) {
        end(
            GrpcTransport.Rejection.MISADDRESSED,
            Status.FAILED_PRECONDITION,
            "a frame for \"" + envelope.to() + "\" sent to " + self);
        return;
      }
      if (closed) {
        ended = true;
        call.close(Status.UNAVAILABLE.withDescription(self + " is closing"), new Metadata());
        return;
      }
      counters.delivered.incrementAndGet();
      receiver.accept(envelope);
      call.request(1);
    }

    private void end(GrpcTransport.Rejection reason, Status status, String why) {
      ended = true;
      refuse(call, reason, status, why);
    }

    @Override
    public void onHalfClose() {
      if (!ended) {
        ended = true;
        call.close(Status.OK, new Metadata());
      }
    }
  }
}
