package dev.weft.raft.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.raft.LogEntry;
import dev.weft.raft.Membership;
import dev.weft.raft.RaftMessage;
import dev.weft.raft.RaftMessage.AppendEntries;
import dev.weft.raft.RaftMessage.AppendEntriesResponse;
import dev.weft.raft.RaftMessage.Heartbeat;
import dev.weft.raft.RaftMessage.HeartbeatResponse;
import dev.weft.raft.RaftMessage.InstallSnapshot;
import dev.weft.raft.RaftMessage.InstallSnapshotResponse;
import dev.weft.raft.RaftMessage.RequestVote;
import dev.weft.raft.RaftMessage.RequestVoteResponse;
import dev.weft.raft.SnapshotMetadata;
import dev.weft.raft.server.Envelope;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The binary form round-trips every kind of message and envelope, and decoding refuses every
 * damaged input with {@link WireFormatException} alone. Seeded: {@code -Dweft.seed=N} replays one.
 */
class EnvelopeCodecTest {
  private static final long SEED = Long.getLong("weft.seed", 12);

  private static long anyLong(Random r) {
    return switch (r.nextInt(4)) {
      case 0 -> r.nextInt(1000);
      case 1 -> -r.nextInt(1000);
      case 2 -> r.nextBoolean() ? Long.MAX_VALUE : Long.MIN_VALUE;
      default -> r.nextLong();
    };
  }

  private static String anyId(Random r) {
    String[] ids = {"a", "", "node-17", "ünïcødé-ノード", "x".repeat(300)};
    return ids[r.nextInt(ids.length)];
  }

  private static byte[] anyBytes(Random r) {
    byte[] b = new byte[r.nextInt(4) == 0 ? 0 : r.nextInt(200)];
    r.nextBytes(b);
    return b;
  }

  static Envelope anyEnvelope(Random r) {
    String from = anyId(r);
    String to = anyId(r);
    return switch (r.nextInt(13)) {
      case 0 -> {
        List<LogEntry> entries = new ArrayList<>();
        for (int i = r.nextInt(5); i > 0; i--) {
          entries.add(
              r.nextInt(4) == 0
                  ? LogEntry.membership(anyLong(r), anyLong(r), Membership.of(List.of("a", "b")))
                  : new LogEntry(anyLong(r), anyLong(r), anyBytes(r)));
        }
        yield new Envelope.Raft(
            new AppendEntries(from, to, anyLong(r), anyLong(r), anyLong(r), entries, anyLong(r)));
      }
      case 1 ->
          new Envelope.Raft(
              new AppendEntriesResponse(
                  from, to, anyLong(r), r.nextBoolean(), anyLong(r), anyLong(r), anyLong(r)));
      case 2 -> new Envelope.Raft(new Heartbeat(from, to, anyLong(r), anyLong(r), anyLong(r)));
      case 3 -> new Envelope.Raft(new HeartbeatResponse(from, to, anyLong(r), anyLong(r)));
      case 4 ->
          new Envelope.Raft(
              new RequestVote(
                  from, to, anyLong(r), anyLong(r), anyLong(r), r.nextBoolean(), r.nextBoolean()));
      case 10 -> new Envelope.Raft(new RaftMessage.TimeoutNow(from, to, anyLong(r)));
      case 11 -> new Envelope.Raft(new RaftMessage.ReadIndex(from, to, anyLong(r), anyLong(r)));
      case 12 ->
          new Envelope.Raft(
              new RaftMessage.ReadIndexResponse(from, to, anyLong(r), anyLong(r), anyLong(r)));
      case 5 ->
          new Envelope.Raft(
              new RequestVoteResponse(from, to, anyLong(r), r.nextBoolean(), r.nextBoolean()));
      case 6 -> new Envelope.Forward(from, to, anyLong(r), anyLong(r), anyBytes(r));
      case 8 ->
          new Envelope.Raft(
              new InstallSnapshot(
                  from,
                  to,
                  anyLong(r),
                  r.nextInt(4) == 0
                      ? SnapshotMetadata.EMPTY
                      : new SnapshotMetadata(1 + r.nextInt(1 << 20), 1 + r.nextInt(9), anyBytes(r)),
                  anyLong(r),
                  anyBytes(r),
                  r.nextBoolean(),
                  r.nextInt()));
      case 9 ->
          new Envelope.Raft(
              new InstallSnapshotResponse(
                  from, to, anyLong(r), anyLong(r), anyLong(r), r.nextBoolean()));
      default -> {
        Envelope.Failure[] failures = Envelope.Failure.values();
        int f = r.nextInt(failures.length + 1);
        yield new Envelope.ForwardReply(
            from,
            to,
            anyLong(r),
            anyLong(r),
            r.nextBoolean() ? null : anyBytes(r),
            f == failures.length ? null : failures[f],
            r.nextBoolean() ? null : anyId(r),
            anyLong(r),
            anyLong(r));
      }
    };
  }

  @Test
  void everyKindRoundTrips() {
    Random r = new Random(SEED);
    for (int i = 0; i < 20_000; i++) {
      Envelope e = anyEnvelope(r);
      byte[] bytes = EnvelopeCodec.encode(e);
      Envelope back = EnvelopeCodec.decode(bytes);
      assertEquals(e.getClass(), back.getClass(), "seed " + SEED);
      if (e instanceof Envelope.Raft m) {
        // messages are records of values (entries compare their data): equal means the same
        assertEquals(m.message(), ((Envelope.Raft) back).message(), "seed " + SEED);
        assertEquals(m.message(), EnvelopeCodec.decodeMessage(EnvelopeCodec.encode(m.message())));
      } else {
        assertEquals(e.toString(), back.toString(), "seed " + SEED);
      }
      assertArrayEquals(bytes, EnvelopeCodec.encode(back), "deterministic; seed " + SEED);
    }
  }

  @Test
  void forwardsKeepEveryComponent() {
    Envelope.ForwardReply reply =
        new Envelope.ForwardReply(
            "b", "a", -7, 3, new byte[] {1, 2}, Envelope.Failure.REJECTED, "c", 10, 2);
    Envelope.ForwardReply back =
        (Envelope.ForwardReply) EnvelopeCodec.decode(EnvelopeCodec.encode(reply));
    assertEquals(
        List.of("b", "a", -7L, 3L), List.of(back.from(), back.to(), back.incarnation(), back.id()));
    assertArrayEquals(new byte[] {1, 2}, back.result());
    assertEquals(Envelope.Failure.REJECTED, back.failure());
    assertEquals(List.of("c", 10L, 2L), List.of(back.leader(), back.index(), back.term()));
    Envelope.Forward f = new Envelope.Forward("a", "b", Long.MIN_VALUE, 0, new byte[] {9});
    Envelope.Forward fb = (Envelope.Forward) EnvelopeCodec.decode(EnvelopeCodec.encode(f));
    assertEquals(Long.MIN_VALUE, fb.incarnation());
    assertArrayEquals(new byte[] {9}, fb.command());
  }

  /**
   * The format is a contract between versions of weft: these vectors must not change. Version 1
   * (before the read round) is still decoded.
   */
  @Test
  void aHeartbeatHasAFixedEncoding() {
    byte[] bytes = EnvelopeCodec.encode(new Heartbeat("a", "b", 3, -1, 2));
    // version 2, kind 3, "a", "b", term 3 (zigzag 6), commit -1 (zigzag 1), read round 2 (4)
    assertEquals("020301610162" + "06" + "01" + "04", HexFormat.of().formatHex(bytes));
    // version 1, kind 3, "a", "b", term 3 (zigzag 6), commit -1 (zigzag 1)
    assertEquals(
        new Envelope.Raft(new Heartbeat("a", "b", 3, -1)),
        EnvelopeCodec.decode(HexFormat.of().parseHex("010301610162" + "06" + "01")));
  }

  @Test
  void everyTruncationAndEveryTrailingByteIsRefused() {
    Random r = new Random(SEED + 1);
    for (int i = 0; i < 500; i++) {
      byte[] good = EnvelopeCodec.encode(anyEnvelope(r));
      for (int n = 0; n < good.length; n++) {
        byte[] cut = Arrays.copyOf(good, n);
        assertThrows(WireFormatException.class, () -> EnvelopeCodec.decode(cut), "length " + n);
      }
      byte[] longer = Arrays.copyOf(good, good.length + 1);
      assertThrows(WireFormatException.class, () -> EnvelopeCodec.decode(longer));
    }
  }

  @Test
  void damagedBytesFailOnlyWithWireFormatException() {
    Random r = new Random(SEED + 2);
    int refused = 0;
    for (int i = 0; i < 50_000; i++) {
      byte[] bytes = EnvelopeCodec.encode(anyEnvelope(r));
      for (int flips = 1 + r.nextInt(3); flips > 0; flips--) {
        bytes[r.nextInt(bytes.length)] ^= (byte) (1 << r.nextInt(8));
      }
      try {
        EnvelopeCodec.decode(bytes);
      } catch (WireFormatException expected) {
        refused++;
      }
    }
    assertTrue(refused > 1000, "damage was noticed " + refused + " times");
  }

  @Test
  void aLengthBeyondTheInputAllocatesNothing() {
    // version, AppendEntries, "a", "b", four longs, then a count of 2^62 entries
    byte[] bytes = HexFormat.of().parseHex("01016101620000000080808080808080804000");
    WireFormatException e =
        assertThrows(WireFormatException.class, () -> EnvelopeCodec.decode(bytes));
    assertTrue(e.getMessage().contains("beyond the input"), e.getMessage());
    // an id length of 2^63, which a signed reading would take for a negative number
    byte[] huge = HexFormat.of().parseHex("010380808080808080808001");
    assertThrows(WireFormatException.class, () -> EnvelopeCodec.decode(huge));
    assertThrows(
        WireFormatException.class,
        () -> EnvelopeCodec.decode(HexFormat.of().parseHex("0203")),
        "unknown version");
    assertThrows(
        WireFormatException.class,
        () -> EnvelopeCodec.decode(HexFormat.of().parseHex("0109016101620000")),
        "unknown kind");
    assertThrows(
        WireFormatException.class,
        () -> EnvelopeCodec.decode(HexFormat.of().parseHex("010301ff016200")),
        "an id that is not UTF-8");
  }

  @Test
  void aForwardIsNotARaftMessage() {
    byte[] forward = EnvelopeCodec.encode(new Envelope.Forward("a", "b", 1, 2, new byte[0]));
    assertInstanceOf(Envelope.Forward.class, EnvelopeCodec.decode(forward));
    assertThrows(WireFormatException.class, () -> EnvelopeCodec.decodeMessage(forward));
    RaftMessage m = new HeartbeatResponse("a", "b", 1);
    assertArrayEquals(EnvelopeCodec.encode(m), EnvelopeCodec.encode(new Envelope.Raft(m)));
  }

  // A snapshot chunk keeps its data and checksum as sent, so that the receiver can tell damage;
  // metadata that cannot be a snapshot, and a checksum wider than 32 bits, do not decode.
  @Test
  void aSnapshotChunkKeepsItsChecksumAndRefusesImpossibleMetadata() {
    InstallSnapshot chunk =
        InstallSnapshot.chunk(
            "a", "b", 4, new SnapshotMetadata(30, 3), 128, new byte[] {5, 6, 7}, false);
    InstallSnapshot back =
        (InstallSnapshot) EnvelopeCodec.decodeMessage(EnvelopeCodec.encode(chunk));
    assertEquals(chunk, back);
    assertTrue(back.intact());
    byte[] bytes = EnvelopeCodec.encode(chunk);
    int data = 0;
    while (!(bytes[data] == 5 && bytes[data + 1] == 6 && bytes[data + 2] == 7)) {
      data++;
    }
    bytes[data + 1] ^= 1;
    InstallSnapshot damaged = (InstallSnapshot) EnvelopeCodec.decodeMessage(bytes);
    assertTrue(!damaged.intact(), "a flipped data bit fails the checksum: " + damaged);
    // version 1, kind 12, "a", "b", term 1, snapshot index 5 with term 0, no configuration
    WireFormatException e =
        assertThrows(
            WireFormatException.class,
            () -> EnvelopeCodec.decode(HexFormat.of().parseHex("010c01610162" + "020a0000")));
    assertTrue(e.getMessage().contains("snapshot 5/0"), e.getMessage());
    InstallSnapshot wide =
        new InstallSnapshot("a", "b", 1, new SnapshotMetadata(5, 1), 0, new byte[0], true, -1);
    byte[] w = EnvelopeCodec.encode(wide);
    assertEquals(1, w[w.length - 1], "the checksum -1 is the last byte, zigzag 1");
    byte[] over = Arrays.copyOf(w, w.length + 4);
    // replace it by the varint of zigzag(2^33) = 2^34: wider than 32 bits
    byte[] wider = {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x40};
    System.arraycopy(wider, 0, over, w.length - 1, wider.length);
    assertThrows(WireFormatException.class, () -> EnvelopeCodec.decode(over));
  }
}
