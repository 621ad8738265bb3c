package dev.weft.raft.wire;

import dev.weft.raft.LogEntry;
import dev.weft.raft.RaftMessage;
import dev.weft.raft.RaftMessage.AppendEntries;
import dev.weft.raft.RaftMessage.AppendEntriesResponse;
import dev.weft.raft.RaftMessage.Heartbeat;
import dev.weft.raft.RaftMessage.HeartbeatResponse;
import dev.weft.raft.RaftMessage.InstallSnapshot;
import dev.weft.raft.RaftMessage.InstallSnapshotResponse;
import dev.weft.raft.RaftMessage.ReadIndex;
import dev.weft.raft.RaftMessage.ReadIndexResponse;
import dev.weft.raft.RaftMessage.RequestVote;
import dev.weft.raft.RaftMessage.RequestVoteResponse;
import dev.weft.raft.RaftMessage.TimeoutNow;
import dev.weft.raft.SnapshotMetadata;
import dev.weft.raft.server.Envelope;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The binary form of the driver's traffic: every {@link Envelope}, and every {@link RaftMessage}
 * (an {@link Envelope.Raft} is encoded as its message), in the versioned format the package
 * documentation gives. For transports between processes: a network transport sends {@link
 * #encode(Envelope)}'s bytes in a frame of its own (with its own checksum) and hands {@link
 * #decode}'s result to the server.
 *
 * {@snippet :
 * byte[] frame = EnvelopeCodec.encode(envelope);   // on the sending side
 * Envelope received = EnvelopeCodec.decode(frame); // on the receiving side; throws on bad bytes
 * }
 *
 * <p>Decoding trusts nothing: truncated input, trailing bytes, an unknown version or kind, a length
 * beyond the input, an out-of-range flag or an id that is not UTF-8 throw {@link
 * WireFormatException}, and no length read from the input makes the decoder allocate more than the
 * input's size. Content that decodes but is impossible (a negative index, entries out of order) is
 * left to {@link dev.weft.raft.RaftNode#step}, which drops it.
 *
 * <p>Stateless and thread-safe. The encoding of a value is deterministic.
 */
public final class EnvelopeCodec {
  /**
   * The format version, the first byte of every encoding. Version 2 (issue 15) added the read round
   * to heartbeats and their answers, the transfer flag to vote requests, and three kinds
   * (TimeoutNow 7, ReadIndex 8 and its answer 9); version 1 input, InstallSnapshot (12) and its
   * answer (13) included, is still decoded, the new fields being zero and false.
   */
  public static final int VERSION = 2;

  private static final int VERSION_1 = 1;

  private static final int APPEND_ENTRIES = 1;
  private static final int APPEND_ENTRIES_RESPONSE = 2;
  private static final int HEARTBEAT = 3;
  private static final int HEARTBEAT_RESPONSE = 4;
  private static final int REQUEST_VOTE = 5;
  private static final int REQUEST_VOTE_RESPONSE = 6;
  private static final int TIMEOUT_NOW = 7;
  private static final int READ_INDEX = 8;
  private static final int READ_INDEX_RESPONSE = 9;
  private static final int INSTALL_SNAPSHOT = 12;
  private static final int INSTALL_SNAPSHOT_RESPONSE = 13;
  private static final int FORWARD = 16;
  private static final int FORWARD_REPLY = 17;

  /** The fewest bytes an encoded log entry takes: index, term, kind, data length. */
  private static final int MIN_ENTRY_BYTES = 4;

  private static final Envelope.Failure[] FAILURES = Envelope.Failure.values();

  private EnvelopeCodec() {}

  /**
   * Encodes an envelope.
   *
   * @param envelope the envelope
   * @return its bytes
   * @throws NullPointerException if {@code envelope} is null
   */
  public static byte[] encode(Envelope envelope) {
    Objects.requireNonNull(envelope, "envelope");
    return switch (envelope) {
      case Envelope.Raft r -> encode(r.message());
      case Envelope.Forward f -> {
        WireWriter w = header(FORWARD, f.from(), f.to(), f.command().length);
        w.writeLong(f.incarnation());
        w.writeLong(f.id());
        w.writeBytes(f.command());
        yield w.toByteArray();
      }
      case Envelope.ForwardReply r -> {
        WireWriter w =
            header(FORWARD_REPLY, r.from(), r.to(), r.result() == null ? 0 : r.result().length);
        w.writeLong(r.incarnation());
        w.writeLong(r.id());
        w.writeByte(r.failure() == null ? 0 : r.failure().ordinal() + 1);
        w.writeBoolean(r.result() != null);
        if (r.result() != null) {
          w.writeBytes(r.result());
        }
        w.writeBoolean(r.leader() != null);
        if (r.leader() != null) {
          w.writeString(r.leader());
        }
        w.writeLong(r.index());
        w.writeLong(r.term());
        yield w.toByteArray();
      }
    };
  }

  /**
   * Encodes a Raft message.
   *
   * @param message the message
   * @return its bytes
   * @throws NullPointerException if {@code message} is null
   */
  public static byte[] encode(RaftMessage message) {
    Objects.requireNonNull(message, "message");
    return switch (message) {
      case AppendEntries a -> {
        long size = 0;
        for (LogEntry e : a.entries()) {
          size += e.size() + 12;
        }
        WireWriter w = header(APPEND_ENTRIES, a.from(), a.to(), (int) Math.min(size, 1 << 30));
        w.writeLong(a.term());
        w.writeLong(a.prevLogIndex());
        w.writeLong(a.prevLogTerm());
        w.writeLong(a.leaderCommit());
        w.writeVarLong(a.entries().size());
        for (LogEntry e : a.entries()) {
          w.writeLong(e.index());
          w.writeLong(e.term());
          w.writeByte(e.kind().ordinal());
          w.writeBytes(e.data());
        }
        yield w.toByteArray();
      }
      case AppendEntriesResponse r -> {
        WireWriter w = header(APPEND_ENTRIES_RESPONSE, r.from(), r.to(), 0);
        w.writeLong(r.term());
        w.writeBoolean(r.success());
        w.writeLong(r.index());
        w.writeLong(r.hintIndex());
        w.writeLong(r.hintTerm());
        yield w.toByteArray();
      }
      case Heartbeat h -> {
        WireWriter w = header(HEARTBEAT, h.from(), h.to(), 0);
        w.writeLong(h.term());
        w.writeLong(h.commit());
        w.writeLong(h.context());
        yield w.toByteArray();
      }
      case HeartbeatResponse h -> {
        WireWriter w = header(HEARTBEAT_RESPONSE, h.from(), h.to(), 0);
        w.writeLong(h.term());
        w.writeLong(h.context());
        yield w.toByteArray();
      }
      case RequestVote v -> {
        WireWriter w = header(REQUEST_VOTE, v.from(), v.to(), 0);
        w.writeLong(v.term());
        w.writeLong(v.lastLogIndex());
        w.writeLong(v.lastLogTerm());
        w.writeBoolean(v.preVote());
        w.writeBoolean(v.transfer());
        yield w.toByteArray();
      }
      case RequestVoteResponse v -> {
        WireWriter w = header(REQUEST_VOTE_RESPONSE, v.from(), v.to(), 0);
        w.writeLong(v.term());
        w.writeBoolean(v.granted());
        w.writeBoolean(v.preVote());
        yield w.toByteArray();
      }
      case TimeoutNow t -> {
        WireWriter w = header(TIMEOUT_NOW, t.from(), t.to(), 0);
        w.writeLong(t.term());
        yield w.toByteArray();
      }
      case ReadIndex q -> {
        WireWriter w = header(READ_INDEX, q.from(), q.to(), 0);
        w.writeLong(q.term());
        w.writeLong(q.id());
        yield w.toByteArray();
      }
      case ReadIndexResponse q -> {
        WireWriter w = header(READ_INDEX_RESPONSE, q.from(), q.to(), 0);
        w.writeLong(q.term());
        w.writeLong(q.id());
        w.writeLong(q.index());
        yield w.toByteArray();
      }
      case InstallSnapshot i -> {
        byte[] configuration = i.snapshot().configuration();
        WireWriter w =
            header(INSTALL_SNAPSHOT, i.from(), i.to(), configuration.length + i.data().length);
        w.writeLong(i.term());
        w.writeLong(i.snapshot().index());
        w.writeLong(i.snapshot().term());
        w.writeBytes(configuration);
        w.writeLong(i.offset());
        w.writeBytes(i.data());
        w.writeBoolean(i.done());
        w.writeLong(i.checksum());
        yield w.toByteArray();
      }
      case InstallSnapshotResponse r -> {
        WireWriter w = header(INSTALL_SNAPSHOT_RESPONSE, r.from(), r.to(), 0);
        w.writeLong(r.term());
        w.writeLong(r.index());
        w.writeLong(r.offset());
        w.writeBoolean(r.accepted());
        yield w.toByteArray();
      }
    };
  }

  private static WireWriter header(int kind, String from, String to, int payload) {
    WireWriter w = new WireWriter(32 + from.length() + to.length() + payload);
    w.writeByte(VERSION);
    w.writeByte(kind);
    w.writeString(from);
    w.writeString(to);
    return w;
  }

  /**
   * Decodes an envelope: a Raft message comes back as an {@link Envelope.Raft}.
   *
   * @param bytes what {@link #encode(Envelope)} or {@link #encode(RaftMessage)} wrote
   * @return the envelope
   * @throws WireFormatException if the bytes are not an envelope in this format
   * @throws NullPointerException if {@code bytes} is null
   */
  public static Envelope decode(byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes");
    WireReader r = new WireReader(bytes);
    int version = r.readByte();
    if (version != VERSION && version != VERSION_1) {
      throw r.error("unknown version " + version);
    }
    int kind = r.readByte();
    String from = r.readString();
    String to = r.readString();
    Envelope e =
        switch (kind) {
          case FORWARD -> new Envelope.Forward(from, to, r.readLong(), r.readLong(), r.readBytes());
          case FORWARD_REPLY -> forwardReply(r, from, to);
          default -> new Envelope.Raft(message(r, version, kind, from, to));
        };
    r.expectEnd();
    return e;
  }

  /**
   * Decodes a Raft message.
   *
   * @param bytes what {@link #encode(RaftMessage)} wrote
   * @return the message
   * @throws WireFormatException if the bytes are not a Raft message in this format
   * @throws NullPointerException if {@code bytes} is null
   */
  public static RaftMessage decodeMessage(byte[] bytes) {
    if (decode(bytes) instanceof Envelope.Raft r) {
      return r.message();
    }
    throw new WireFormatException("an envelope that is not a Raft message");
  }

  private static Envelope.ForwardReply forwardReply(WireReader r, String from, String to) {
    long incarnation = r.readLong();
    long id = r.readLong();
    int failure = r.readByte();
    if (failure > FAILURES.length) {
      throw r.error("failure code " + failure);
    }
    byte[] result = r.readBoolean() ? r.readBytes() : null;
    String leader = r.readBoolean() ? r.readString() : null;
    return new Envelope.ForwardReply(
        from,
        to,
        incarnation,
        id,
        result,
        failure == 0 ? null : FAILURES[failure - 1],
        leader,
        r.readLong(),
        r.readLong());
  }

  private static RaftMessage message(WireReader r, int version, int kind, String from, String to) {
    boolean v2 = version >= VERSION;
    return switch (kind) {
      case APPEND_ENTRIES -> {
        long term = r.readLong();
        long prevIndex = r.readLong();
        long prevTerm = r.readLong();
        long commit = r.readLong();
        int n = r.readLength(MIN_ENTRY_BYTES);
        List<LogEntry> entries = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          long index = r.readLong();
          long entryTerm = r.readLong();
          int entryKind = r.readByte();
          if (entryKind >= LogEntry.Kind.values().length) {
            throw r.error("entry kind " + entryKind);
          }
          entries.add(
              new LogEntry(index, entryTerm, LogEntry.Kind.values()[entryKind], r.readBytes()));
        }
        yield new AppendEntries(from, to, term, prevIndex, prevTerm, entries, commit);
      }
      case APPEND_ENTRIES_RESPONSE ->
          new AppendEntriesResponse(
              from, to, r.readLong(), r.readBoolean(), r.readLong(), r.readLong(), r.readLong());
      case HEARTBEAT -> new Heartbeat(from, to, r.readLong(), r.readLong(), v2 ? r.readLong() : 0);
      case HEARTBEAT_RESPONSE ->
          new HeartbeatResponse(from, to, r.readLong(), v2 ? r.readLong() : 0);
      case REQUEST_VOTE ->
          new RequestVote(
              from,
              to,
              r.readLong(),
              r.readLong(),
              r.readLong(),
              r.readBoolean(),
              v2 && r.readBoolean());
      case REQUEST_VOTE_RESPONSE ->
          new RequestVoteResponse(from, to, r.readLong(), r.readBoolean(), r.readBoolean());
      case TIMEOUT_NOW -> v2 ? new TimeoutNow(from, to, r.readLong()) : unknown(r, kind);
      case READ_INDEX ->
          v2 ? new ReadIndex(from, to, r.readLong(), r.readLong()) : unknown(r, kind);
      case READ_INDEX_RESPONSE ->
          v2
              ? new ReadIndexResponse(from, to, r.readLong(), r.readLong(), r.readLong())
              : unknown(r, kind);
      case INSTALL_SNAPSHOT -> installSnapshot(r, from, to);
      case INSTALL_SNAPSHOT_RESPONSE ->
          new InstallSnapshotResponse(
              from, to, r.readLong(), r.readLong(), r.readLong(), r.readBoolean());
      default -> throw r.error("unknown kind " + kind);
    };
  }

  private static RaftMessage unknown(WireReader r, int kind) {
    throw r.error("kind " + kind + " in a version 1 encoding");
  }

  private static InstallSnapshot installSnapshot(WireReader r, String from, String to) {
    long term = r.readLong();
    long index = r.readLong();
    long snapshotTerm = r.readLong();
    byte[] configuration = r.readBytes();
    SnapshotMetadata snapshot;
    try {
      snapshot = new SnapshotMetadata(index, snapshotTerm, configuration);
    } catch (IllegalArgumentException e) {
      throw r.error("snapshot " + index + "/" + snapshotTerm);
    }
    long offset = r.readLong();
    byte[] data = r.readBytes();
    boolean done = r.readBoolean();
    long checksum = r.readLong();
    if (checksum != (int) checksum) {
      throw r.error("checksum " + checksum + " is not 32 bits");
    }
    return new InstallSnapshot(from, to, term, snapshot, offset, data, done, (int) checksum);
  }
}
