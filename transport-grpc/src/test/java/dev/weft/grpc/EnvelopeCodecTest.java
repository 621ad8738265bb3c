package dev.weft.grpc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import dev.weft.grpc.internal.proto.Wire;
import dev.weft.raft.LogEntry;
import dev.weft.raft.Membership;
import dev.weft.raft.RaftMessage;
import dev.weft.raft.SnapshotMetadata;
import dev.weft.raft.server.Envelope;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every envelope kind survives the wire unchanged; frames that cannot be envelopes are named. */
class EnvelopeCodecTest {
  private static Envelope roundTrip(Envelope e) throws Exception {
    byte[] bytes = EnvelopeCodec.encode(e).toByteArray();
    return EnvelopeCodec.decode(Wire.Frame.parseFrom(bytes));
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void everyRaftMessageRoundTrips() throws Exception {
    List<RaftMessage> messages =
        List.of(
            new RaftMessage.AppendEntries(
                "a",
                "b",
                7,
                10,
                6,
                List.of(
                    new LogEntry(11, 6, bytes("x")),
                    new LogEntry(12, 7, new byte[0]),
                    LogEntry.membership(13, 7, Membership.of(List.of("a", "b", "c")))),
                9),
            new RaftMessage.AppendEntries("a", "b", 7, 0, 0, List.of(), 0),
            new RaftMessage.AppendEntriesResponse("b", "a", 7, true, 12, 0, 0),
            new RaftMessage.AppendEntriesResponse("b", "a", 7, false, 10, 8, 5),
            new RaftMessage.Heartbeat("a", "c", 3, 42),
            new RaftMessage.HeartbeatResponse("c", "a", 3),
            new RaftMessage.RequestVote("c", "a", 4, 20, 3, false),
            new RaftMessage.RequestVote("c", "a", 5, 20, 3, true),
            new RaftMessage.RequestVoteResponse("a", "c", 4, true, false),
            new RaftMessage.RequestVoteResponse("a", "c", 5, false, true),
            RaftMessage.InstallSnapshot.chunk(
                "a",
                "b",
                7,
                new SnapshotMetadata(40, 6, Membership.of(List.of("a", "b", "c")).encode()),
                65_536,
                bytes("part of the state"),
                true),
            RaftMessage.InstallSnapshot.request("a", "b", 7, new SnapshotMetadata(40, 6)),
            new RaftMessage.InstallSnapshotResponse("b", "a", 7, 40, 65_553, true),
            new RaftMessage.InstallSnapshotResponse("b", "a", 7, 40, 0, false),
            // nonsense a broken sender might send: the wire keeps it, the core rejects it
            new RaftMessage.Heartbeat("a", "c", -1, Long.MIN_VALUE));
    for (RaftMessage m : messages) {
      Envelope back = roundTrip(new Envelope.Raft(m));
      assertEquals(new Envelope.Raft(m), back, m.toString());
    }
  }

  @Test
  void forwardsAndRepliesRoundTrip() throws Exception {
    Envelope.Forward f =
        (Envelope.Forward)
            roundTrip(new Envelope.Forward("b", "a", 0x5eed_cafe_f00dL, 99, bytes("cmd")));
    assertEquals("b", f.from());
    assertEquals(0x5eed_cafe_f00dL, f.incarnation());
    assertEquals("a", f.to());
    assertEquals(99, f.id());
    assertArrayEquals(bytes("cmd"), f.command());

    Envelope.ForwardReply ok =
        (Envelope.ForwardReply)
            roundTrip(new Envelope.ForwardReply("a", "b", 7, 99, bytes("r"), null, null, 0, 0));
    assertEquals(7, ok.incarnation());
    assertEquals(99, ok.id());
    assertArrayEquals(bytes("r"), ok.result());
    assertNull(ok.failure());
    assertNull(ok.leader());

    Envelope.ForwardReply empty =
        (Envelope.ForwardReply)
            roundTrip(new Envelope.ForwardReply("a", "b", 7, 1, new byte[0], null, null, 0, 0));
    assertArrayEquals(new byte[0], empty.result(), "an empty result is not a missing one");

    Envelope.ForwardReply none =
        (Envelope.ForwardReply)
            roundTrip(new Envelope.ForwardReply("a", "b", 7, 1, null, null, null, 0, 0));
    assertNull(none.result());

    for (Envelope.Failure failure : Envelope.Failure.values()) {
      Envelope.ForwardReply r =
          (Envelope.ForwardReply)
              roundTrip(new Envelope.ForwardReply("a", "b", 7, 5, null, failure, "c", 40, 3));
      assertEquals(failure, r.failure());
      assertEquals("c", r.leader());
      assertEquals(40, r.index(), "the rejected entry's index");
      assertEquals(3, r.term(), "the rejected entry's term");
    }
  }

  @Test
  void aFrameOfNoKnownKindIsRefusedAsUnknown() {
    // a kind from a newer version: field 40 is unknown here, so no kind is set
    Wire.Frame future =
        Wire.Frame.newBuilder()
            .setFrom("a")
            .setTo("b")
            .setUnknownFields(
                UnknownFieldSet.newBuilder()
                    .addField(
                        40,
                        UnknownFieldSet.Field.newBuilder()
                            .addLengthDelimited(ByteString.copyFromUtf8("?"))
                            .build())
                    .build())
            .build();
    EnvelopeCodec.MalformedFrameException e =
        assertThrows(
            EnvelopeCodec.MalformedFrameException.class, () -> EnvelopeCodec.decode(future));
    assertEquals(GrpcTransport.Rejection.UNKNOWN_KIND, e.rejection());
  }

  @Test
  void framesWithoutIdsOrWithUnknownFailureCodesAreMalformed() {
    Wire.Frame noSender =
        Wire.Frame.newBuilder()
            .setTo("b")
            .setHeartbeat(Wire.Heartbeat.getDefaultInstance())
            .build();
    Wire.Frame badFailure =
        Wire.Frame.newBuilder()
            .setFrom("a")
            .setTo("b")
            .setForwardReply(Wire.ForwardReply.newBuilder().setFailureValue(17))
            .build();
    for (Wire.Frame f : List.of(noSender, badFailure)) {
      EnvelopeCodec.MalformedFrameException e =
          assertThrows(EnvelopeCodec.MalformedFrameException.class, () -> EnvelopeCodec.decode(f));
      assertEquals(GrpcTransport.Rejection.MALFORMED, e.rejection(), e.getMessage());
    }
  }

  @Test
  void aDecodedEntryOwnsItsData() throws Exception {
    // LogEntry holds the array it is given and no one changes it afterwards (its ownership rule),
    // so encoding wraps it without a copy; the receiving side must get an array of its own,
    // shared with neither the sender's entry nor the frame.
    byte[] data = bytes("abc");
    Envelope e =
        new Envelope.Raft(
            new RaftMessage.AppendEntries("a", "b", 1, 0, 0, List.of(new LogEntry(1, 1, data)), 0));
    Wire.Frame frame = EnvelopeCodec.encode(e);
    RaftMessage.AppendEntries back =
        assertInstanceOf(
            RaftMessage.AppendEntries.class,
            ((Envelope.Raft) EnvelopeCodec.decode(frame)).message());
    byte[] decoded = back.entries().get(0).data();
    assertArrayEquals(bytes("abc"), decoded);
    assertNotSame(data, decoded);
    decoded[0] = 'z';
    assertArrayEquals(
        bytes("abc"), frame.getAppendEntries().getEntries(0).getData().toByteArray(), "the frame");
  }

  @Test
  void aSnapshotChunkWithImpossibleMetadataIsMalformed() {
    Wire.Frame f =
        Wire.Frame.newBuilder()
            .setFrom("a")
            .setTo("b")
            .setTerm(3)
            .setInstallSnapshot(Wire.InstallSnapshot.newBuilder().setIndex(5).setSnapshotTerm(0))
            .build();
    EnvelopeCodec.MalformedFrameException e =
        assertThrows(EnvelopeCodec.MalformedFrameException.class, () -> EnvelopeCodec.decode(f));
    assertEquals(true, e.getMessage().contains("5/0"), e.getMessage());
  }
}
