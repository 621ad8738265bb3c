package dev.weft.examples.kv.grpc;

import dev.weft.examples.kv.KvCommand;
import dev.weft.examples.kv.SessionExpiredException;
import dev.weft.examples.kv.grpc.proto.KeyValueGrpc;
import dev.weft.examples.kv.grpc.proto.KvProto;
import dev.weft.raft.NotLeaderException;
import dev.weft.raft.RaftStatus;
import dev.weft.raft.server.RaftServer;
import dev.weft.raft.server.ServerClosedException;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/**
 * The client-facing gRPC service of one node: checks that a request is a command, submits it to the
 * node's {@link RaftServer} and answers with the map's result, or with the leader's id when this
 * node does not lead. Handlers never block: the answer is sent when the command's future completes,
 * on the server's loop thread.
 */
final class KvService extends KeyValueGrpc.KeyValueImplBase {
  private final Supplier<RaftServer> server;

  /**
   * @param server the node's server, once started (the service is registered before it starts)
   */
  KvService(Supplier<RaftServer> server) {
    this.server = server;
  }

  @Override
  public void execute(KvProto.Command request, StreamObserver<KvProto.Reply> reply) {
    byte[] command = request.getCommand().toByteArray();
    try {
      KvCommand.decode(command);
    } catch (IllegalArgumentException e) {
      reply.onError(
          Status.INVALID_ARGUMENT
              .withDescription("not a command: " + e.getMessage())
              .asException());
      return;
    }
    RaftServer s = server.get();
    if (s == null) {
      reply.onError(Status.UNAVAILABLE.withDescription("starting").asException());
      return;
    }
    s.submit(command)
        .whenComplete(
            (result, failure) -> {
              if (failure == null) {
                reply.onNext(
                    KvProto.Reply.newBuilder()
                        .setResult(com.google.protobuf.ByteString.copyFrom(result))
                        .build());
                reply.onCompleted();
              } else {
                answerFailure(unwrap(failure), reply);
              }
            });
  }

  private static void answerFailure(Throwable failure, StreamObserver<KvProto.Reply> reply) {
    if (failure instanceof NotLeaderException n) {
      KvProto.NotLeader.Builder b = KvProto.NotLeader.newBuilder();
      n.knownLeader().ifPresent(b::setLeader);
      reply.onNext(KvProto.Reply.newBuilder().setNotLeader(b).build());
      reply.onCompleted();
    } else if (failure instanceof SessionExpiredException e) {
      // the map refused the command on every replica alike: nothing changed, a retry would not help
      reply.onError(
          Status.FAILED_PRECONDITION
              .withDescription(e.getMessage())
              .asException(Refusals.trailers(Refusals.EXPIRED + e.session())));
    } else if (failure instanceof IllegalStateException
        && !(failure instanceof ServerClosedException)) {
      reply.onError(
          Status.FAILED_PRECONDITION
              .withDescription(failure.getMessage())
              .asException(Refusals.trailers(Refusals.STALE)));
    } else {
      // not committed in time, replaced by another leader's entries, or the server stopping: the
      // command may or may not take effect, and a retry of it (same session and number) is safe
      reply.onError(
          Status.UNAVAILABLE
              .withDescription(failure.getClass().getSimpleName() + ": " + failure.getMessage())
              .asException());
    }
  }

  private static Throwable unwrap(Throwable t) {
    return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
  }

  @Override
  public void status(KvProto.StatusRequest request, StreamObserver<KvProto.StatusReply> reply) {
    RaftServer s = server.get();
    if (s == null) {
      reply.onError(Status.UNAVAILABLE.withDescription("starting").asException());
      return;
    }
    RaftStatus st = s.status();
    reply.onNext(
        KvProto.StatusReply.newBuilder()
            .setId(st.id())
            .setTerm(st.term())
            .setRole(st.role().name())
            .setLeader(st.leader() == null ? "" : st.leader())
            .setCommitIndex(st.commitIndex())
            .setLastIndex(st.lastIndex())
            .build());
    reply.onCompleted();
  }
}
