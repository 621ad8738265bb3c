package dev.weft.grpc;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import dev.weft.grpc.internal.proto.Wire;
import dev.weft.raft.LogEntry;
import dev.weft.raft.RaftMessage;
import dev.weft.raft.SnapshotMetadata;
import dev.weft.raft.server.Envelope;
import java.util.ArrayList;
import java.util.List;

/**
 * Maps the driver's {@link Envelope}s to protobuf {@link Wire.Frame}s and back.
 *
 * <p>Encoding is an exhaustive {@code switch} over the sealed {@link Envelope} and {@link
 * RaftMessage}: a new message kind fails compilation here until it has a wire form. Decoding checks
 * only what the wire form itself can get wrong (an unset or unknown kind, empty ids, an unknown
 * failure code); the Raft core checks the content (terms, indexes, entry order), as it does for
 * every message from a network.
 *
 * <p>Terms and indexes are {@code uint64} on the wire and Java {@code long}s here; a negative
 * {@code long} (which only a broken sender produces) goes through unchanged, and the core rejects
 * it.
 */
final class EnvelopeCodec {
  private EnvelopeCodec() {}

  /** A frame that cannot be an envelope. */
  static final class MalformedFrameException extends Exception {
    private static final long serialVersionUID = 1L;

    private final GrpcTransport.Rejection rejection;

    MalformedFrameException(GrpcTransport.Rejection rejection, String message) {
      super(message);
      this.rejection = rejection;
    }

    GrpcTransport.Rejection rejection() {
      return rejection;
    }
  }

  static Wire.Frame encode(Envelope envelope) {
    return switch (envelope) {
      case Envelope.Raft r -> encode(r.message());
      case Envelope.Forward f ->
          Wire.Frame.newBuilder()
              .setFrom(f.from())
              .setTo(f.to())
              .setForward(
                  Wire.Forward.newBuilder()
                      .setIncarnation(f.incarnation())
                      .setId(f.id())
                      .setCommand(ByteString.copyFrom(f.command())))
              .build();
      case Envelope.ForwardReply r -> encodeReply(r);
    };
  }

  private static Wire.Frame encodeReply(Envelope.ForwardReply r) {
    Wire.ForwardReply.Builder b =
        Wire.ForwardReply.newBuilder()
            .setIncarnation(r.incarnation())
            .setId(r.id())
            .setIndex(r.index())
            .setTerm(r.term());
    if (r.result() != null) {
      b.setResult(ByteString.copyFrom(r.result()));
    }
    if (r.failure() != null) {
      b.setFailure(
          switch (r.failure()) {
            case NOT_LEADER -> Wire.ForwardReply.Failure.NOT_LEADER;
            case DROPPED -> Wire.ForwardReply.Failure.DROPPED;
            case SHUT_DOWN -> Wire.ForwardReply.Failure.SHUT_DOWN;
            case REJECTED -> Wire.ForwardReply.Failure.REJECTED;
          });
    }
    if (r.leader() != null) {
      b.setLeader(r.leader());
    }
    return Wire.Frame.newBuilder().setFrom(r.from()).setTo(r.to()).setForwardReply(b).build();
  }

  static Wire.Frame encode(RaftMessage message) {
    Wire.Frame.Builder f =
        Wire.Frame.newBuilder().setFrom(message.from()).setTo(message.to()).setTerm(message.term());
    switch (message) {
      case RaftMessage.AppendEntries a -> {
        Wire.AppendEntries.Builder b =
            Wire.AppendEntries.newBuilder()
                .setPrevLogIndex(a.prevLogIndex())
                .setPrevLogTerm(a.prevLogTerm())
                .setLeaderCommit(a.leaderCommit());
        for (LogEntry e : a.entries()) {
          b.addEntries(
              Wire.Entry.newBuilder()
                  .setIndex(e.index())
                  .setTerm(e.term())
                  .setKind(
                      switch (e.kind()) {
                        case COMMAND -> Wire.Entry.Kind.COMMAND;
                        case MEMBERSHIP -> Wire.Entry.Kind.MEMBERSHIP;
                      })
                  // data() is the entry's own array, which no one changes (LogEntry's ownership
                  // rule): wrap it without copying
                  .setData(UnsafeByteOperations.unsafeWrap(e.data())));
        }
        f.setAppendEntries(b);
      }
      case RaftMessage.AppendEntriesResponse r ->
          f.setAppendEntriesResponse(
              Wire.AppendEntriesResponse.newBuilder()
                  .setSuccess(r.success())
                  .setIndex(r.index())
                  .setHintIndex(r.hintIndex())
                  .setHintTerm(r.hintTerm()));
      case RaftMessage.Heartbeat h ->
          f.setHeartbeat(Wire.Heartbeat.newBuilder().setCommit(h.commit()).setContext(h.context()));
      case RaftMessage.HeartbeatResponse h ->
          f.setHeartbeatResponse(Wire.HeartbeatResponse.newBuilder().setContext(h.context()));
      case RaftMessage.RequestVote v ->
          f.setRequestVote(
              Wire.RequestVote.newBuilder()
                  .setLastLogIndex(v.lastLogIndex())
                  .setLastLogTerm(v.lastLogTerm())
                  .setPreVote(v.preVote())
                  .setTransfer(v.transfer()));
      case RaftMessage.RequestVoteResponse v ->
          f.setRequestVoteResponse(
              Wire.RequestVoteResponse.newBuilder()
                  .setGranted(v.granted())
                  .setPreVote(v.preVote()));
      case RaftMessage.InstallSnapshot i ->
          f.setInstallSnapshot(
              Wire.InstallSnapshot.newBuilder()
                  .setIndex(i.snapshot().index())
                  .setSnapshotTerm(i.snapshot().term())
                  // configuration() returns a copy; data() is the message's own, not changed
                  .setConfiguration(UnsafeByteOperations.unsafeWrap(i.snapshot().configuration()))
                  .setOffset(i.offset())
                  .setData(UnsafeByteOperations.unsafeWrap(i.data()))
                  .setDone(i.done())
                  .setChecksum(i.checksum()));
      case RaftMessage.InstallSnapshotResponse r ->
          f.setInstallSnapshotResponse(
              Wire.InstallSnapshotResponse.newBuilder()
                  .setIndex(r.index())
                  .setOffset(r.offset())
                  .setAccepted(r.accepted()));
      case RaftMessage.TimeoutNow t -> f.setTimeoutNow(Wire.TimeoutNow.getDefaultInstance());
      case RaftMessage.ReadIndex q -> f.setReadIndex(Wire.ReadIndex.newBuilder().setId(q.id()));
      case RaftMessage.ReadIndexResponse q ->
          f.setReadIndexResponse(
              Wire.ReadIndexResponse.newBuilder().setId(q.id()).setIndex(q.index()));
    }
    return f.build();
  }

  static Envelope decode(Wire.Frame f) throws MalformedFrameException {
    String from = f.getFrom();
    String to = f.getTo();
    if (from.isEmpty() || to.isEmpty()) {
      throw malformed("a frame without sender or addressee");
    }
    long term = f.getTerm();
    return switch (f.getKindCase()) {
      case APPEND_ENTRIES -> {
        Wire.AppendEntries a = f.getAppendEntries();
        List<LogEntry> entries = new ArrayList<>(a.getEntriesCount());
        for (Wire.Entry e : a.getEntriesList()) {
          LogEntry.Kind kind =
              switch (e.getKind()) {
                case COMMAND -> LogEntry.Kind.COMMAND;
                case MEMBERSHIP -> LogEntry.Kind.MEMBERSHIP;
                case UNRECOGNIZED -> throw malformed("an entry of kind " + e.getKindValue());
              };
          entries.add(new LogEntry(e.getIndex(), e.getTerm(), kind, e.getData().toByteArray()));
        }
        yield raft(
            new RaftMessage.AppendEntries(
                from,
                to,
                term,
                a.getPrevLogIndex(),
                a.getPrevLogTerm(),
                entries,
                a.getLeaderCommit()));
      }
      case APPEND_ENTRIES_RESPONSE -> {
        Wire.AppendEntriesResponse r = f.getAppendEntriesResponse();
        yield raft(
            new RaftMessage.AppendEntriesResponse(
                from, to, term, r.getSuccess(), r.getIndex(), r.getHintIndex(), r.getHintTerm()));
      }
      case HEARTBEAT ->
          raft(
              new RaftMessage.Heartbeat(
                  from, to, term, f.getHeartbeat().getCommit(), f.getHeartbeat().getContext()));
      case HEARTBEAT_RESPONSE ->
          raft(
              new RaftMessage.HeartbeatResponse(
                  from, to, term, f.getHeartbeatResponse().getContext()));
      case REQUEST_VOTE -> {
        Wire.RequestVote v = f.getRequestVote();
        yield raft(
            new RaftMessage.RequestVote(
                from,
                to,
                term,
                v.getLastLogIndex(),
                v.getLastLogTerm(),
                v.getPreVote(),
                v.getTransfer()));
      }
      case REQUEST_VOTE_RESPONSE -> {
        Wire.RequestVoteResponse v = f.getRequestVoteResponse();
        yield raft(
            new RaftMessage.RequestVoteResponse(from, to, term, v.getGranted(), v.getPreVote()));
      }
      case INSTALL_SNAPSHOT -> {
        Wire.InstallSnapshot i = f.getInstallSnapshot();
        SnapshotMetadata snapshot;
        try {
          snapshot =
              new SnapshotMetadata(
                  i.getIndex(), i.getSnapshotTerm(), i.getConfiguration().toByteArray());
        } catch (IllegalArgumentException e) {
          throw malformed("a snapshot at " + i.getIndex() + "/" + i.getSnapshotTerm());
        }
        yield raft(
            new RaftMessage.InstallSnapshot(
                from,
                to,
                term,
                snapshot,
                i.getOffset(),
                i.getData().toByteArray(),
                i.getDone(),
                i.getChecksum()));
      }
      case INSTALL_SNAPSHOT_RESPONSE -> {
        Wire.InstallSnapshotResponse r = f.getInstallSnapshotResponse();
        yield raft(
            new RaftMessage.InstallSnapshotResponse(
                from, to, term, r.getIndex(), r.getOffset(), r.getAccepted()));
      }
      case TIMEOUT_NOW -> raft(new RaftMessage.TimeoutNow(from, to, term));
      case READ_INDEX -> raft(new RaftMessage.ReadIndex(from, to, term, f.getReadIndex().getId()));
      case READ_INDEX_RESPONSE ->
          raft(
              new RaftMessage.ReadIndexResponse(
                  from,
                  to,
                  term,
                  f.getReadIndexResponse().getId(),
                  f.getReadIndexResponse().getIndex()));
      case FORWARD ->
          new Envelope.Forward(
              from,
              to,
              f.getForward().getIncarnation(),
              f.getForward().getId(),
              f.getForward().getCommand().toByteArray());
      case FORWARD_REPLY -> decodeReply(from, to, f.getForwardReply());
      case KIND_NOT_SET ->
          throw new MalformedFrameException(
              GrpcTransport.Rejection.UNKNOWN_KIND,
              "a frame of a kind this node does not know (or of none)");
    };
  }

  private static Envelope decodeReply(String from, String to, Wire.ForwardReply r)
      throws MalformedFrameException {
    Envelope.Failure failure =
        switch (r.getFailure()) {
          case NONE -> null;
          case NOT_LEADER -> Envelope.Failure.NOT_LEADER;
          case DROPPED -> Envelope.Failure.DROPPED;
          case SHUT_DOWN -> Envelope.Failure.SHUT_DOWN;
          case REJECTED -> Envelope.Failure.REJECTED;
          case UNRECOGNIZED ->
              throw malformed("a forward reply with failure code " + r.getFailureValue());
        };
    return new Envelope.ForwardReply(
        from,
        to,
        r.getIncarnation(),
        r.getId(),
        r.hasResult() ? r.getResult().toByteArray() : null,
        failure,
        r.hasLeader() ? r.getLeader() : null,
        r.getIndex(),
        r.getTerm());
  }

  private static Envelope raft(RaftMessage m) {
    return new Envelope.Raft(m);
  }

  private static MalformedFrameException malformed(String message) {
    return new MalformedFrameException(GrpcTransport.Rejection.MALFORMED, message);
  }
}
