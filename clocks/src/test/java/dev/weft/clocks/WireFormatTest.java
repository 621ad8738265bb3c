package dev.weft.clocks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The binary encoding: exact bytes of the documented format, round trips, canonical form, and
 * strict decoding of truncated, oversized and malformed input. Replay a failure with {@code
 * -Dweft.seed=N}.
 */
class WireFormatTest {
  private static final HexFormat HEX = HexFormat.of();

  private static byte[] hex(String s) {
    return HEX.parseHex(s.replace(" ", ""));
  }

  @Test
  void bytesFollowTheDocumentedFormat() {
    assertEquals("11 96 01 01 61", spaced(new LamportTimestamp(150, "a").toBytes()));
    assertEquals(
        "12 00 00 01 02 03 04 00 05", spaced(new HybridTimestamp(0x0102_0304L, 5).toBytes()));
    VectorClock v = VectorClock.of(Map.of("b", 300L, "a", 1L));
    assertEquals("13 02 01 61 01 01 62 ac 02", spaced(v.toBytes()));
    assertEquals("13 00", spaced(VectorClock.empty().toBytes()));
    assertEquals("11 00 02 c3 a9", spaced(new LamportTimestamp(0, "é").toBytes()));
  }

  private static String spaced(byte[] bytes) {
    return HexFormat.ofDelimiter(" ").formatHex(bytes);
  }

  @Test
  void roundTripsAndIsCanonical() throws Exception {
    Seeds.check(
        200,
        (r, seed) -> {
          VectorClock v = randomVector(r);
          byte[] bytes = v.toBytes();
          assertEquals(v.encodedSize(), bytes.length);
          VectorClock back = VectorClock.fromBytes(bytes);
          assertEquals(v, back);
          assertEquals(v.toString(), back.toString());
          assertArrayEquals(bytes, back.toBytes(), "canonical");
          assertArrayEquals(
              bytes, VectorClock.of(v.toMap()).toBytes(), "equal values, equal bytes");

          LamportTimestamp l = new LamportTimestamp(randomCounter(r), randomId(r));
          assertEquals(l, LamportTimestamp.fromBytes(l.toBytes()));
          assertEquals(l.encodedSize(), l.toBytes().length);

          HybridTimestamp h = HybridTimestamp.unpack(r.nextLong());
          assertEquals(h, HybridTimestamp.fromBytes(h.toBytes()));
          assertEquals(9, h.toBytes().length);
        });
  }

  @Test
  void buffersHoldSeveralValuesBackToBack() {
    VectorClock v = VectorClock.empty().increment("x").increment("y");
    LamportTimestamp l = new LamportTimestamp(7, "node-7");
    HybridTimestamp h = new HybridTimestamp(1_700_000_000_000L, 3);
    ByteBuffer out = ByteBuffer.allocate(v.encodedSize() + l.encodedSize() + h.encodedSize() + 2);
    out.put((byte) 0xEE);
    v.writeTo(out);
    l.writeTo(out);
    h.writeTo(out);
    out.put((byte) 0xFF);
    out.flip();
    assertEquals((byte) 0xEE, out.get());
    assertEquals(v, VectorClock.readFrom(out));
    assertEquals(l, LamportTimestamp.readFrom(out));
    assertEquals(h, HybridTimestamp.readFrom(out));
    assertEquals((byte) 0xFF, out.get());
    assertEquals(0, out.remaining());
  }

  @Test
  void writingToAFullBufferWritesNothing() {
    ByteBuffer small = ByteBuffer.allocate(4);
    small.put((byte) 1);
    assertThrows(BufferOverflowException.class, () -> new HybridTimestamp(1, 1).writeTo(small));
    assertThrows(
        BufferOverflowException.class, () -> new LamportTimestamp(1, "abcd").writeTo(small));
    assertEquals(1, small.position());
  }

  @Test
  void failedReadLeavesThePositionUnchanged() {
    ByteBuffer in = ByteBuffer.wrap(hex("00 13 02 01 61 01"));
    in.get();
    assertThrows(ClockDecodingException.class, () -> VectorClock.readFrom(in));
    assertEquals(1, in.position());
  }

  @Test
  void rejectsTruncatedInputAtEveryLength() throws Exception {
    Seeds.check(
        100,
        (r, seed) -> {
          for (byte[] whole :
              List.of(
                  randomVector(r).toBytes(),
                  new LamportTimestamp(randomCounter(r), randomId(r)).toBytes(),
                  HybridTimestamp.unpack(r.nextLong()).toBytes())) {
            for (int len = 0; len < whole.length; len++) {
              byte[] cut = Arrays.copyOf(whole, len);
              ClockDecodingException e =
                  assertThrows(ClockDecodingException.class, () -> decode(cut));
              assertTrue(e.getMessage().contains("truncated"), e.getMessage());
            }
          }
        });
  }

  @Test
  void rejectsTrailingBytes() {
    byte[] longer = Arrays.copyOf(new HybridTimestamp(1, 2).toBytes(), 10);
    ClockDecodingException e =
        assertThrows(ClockDecodingException.class, () -> HybridTimestamp.fromBytes(longer));
    assertEquals("1 unexpected bytes after the value (at byte 9)", e.getMessage());
    assertEquals(9, e.offset());
    assertThrows(ClockDecodingException.class, () -> VectorClock.fromBytes(hex("13 00 00")));
  }

  @Test
  void rejectsMalformedInputWithAClearMessage() {
    expect("unsupported format version 2", hex("23 00"), VectorClock::fromBytes);
    expect(
        "expected a VectorClock (kind 3) but found kind 1",
        hex("11 00 00"),
        VectorClock::fromBytes);
    expect(
        "expected a LamportTimestamp",
        hex("12 00 00 00 00 00 00 00 00"),
        LamportTimestamp::fromBytes);
    expect("non-minimal varint", hex("11 80 00 00"), LamportTimestamp::fromBytes);
    expect(
        "varint longer than 9 bytes",
        hex("11 ff ff ff ff ff ff ff ff ff 01 00"),
        LamportTimestamp::fromBytes);
    expect("malformed UTF-8", hex("11 00 01 ff"), LamportTimestamp::fromBytes);
    expect("malformed UTF-8", hex("11 00 02 c0 80"), LamportTimestamp::fromBytes); // overlong NUL
    expect("malformed UTF-8", hex("11 00 03 ed a0 80"), LamportTimestamp::fromBytes); // surrogate
    expect("out of order or repeated", hex("13 02 01 62 01 01 61 01"), VectorClock::fromBytes);
    expect("out of order or repeated", hex("13 02 01 61 01 01 61 02"), VectorClock::fromBytes);
    expect("zero counter", hex("13 01 01 61 00"), VectorClock::fromBytes);
    expect("exceeds the limit of 1024", hex("11 00 81 08"), LamportTimestamp::fromBytes);
    expect("truncated input: the header byte", new byte[0], HybridTimestamp::fromBytes);
  }

  private static void expect(String message, byte[] input, Function<byte[], ?> decoder) {
    ClockDecodingException e =
        assertThrows(ClockDecodingException.class, () -> decoder.apply(input));
    assertTrue(e.getMessage().contains(message), () -> "message was: " + e.getMessage());
  }

  @Test
  void refusesToEncodeWhatItCouldNotDecode() {
    String unpaired = "a\uD800b";
    assertThrows(IllegalArgumentException.class, () -> new LamportTimestamp(1, unpaired).toBytes());
    VectorClock v = VectorClock.empty().increment(unpaired);
    assertThrows(IllegalArgumentException.class, v::toBytes);
    String tooLong = "x".repeat(1025);
    assertThrows(IllegalArgumentException.class, () -> new LamportTimestamp(1, tooLong).toBytes());
    assertEquals(
        new LamportTimestamp(1, "x".repeat(1024)),
        LamportTimestamp.fromBytes(new LamportTimestamp(1, "x".repeat(1024)).toBytes()));
    String emoji = "node-\uD83D\uDE00";
    assertEquals(
        new LamportTimestamp(2, emoji),
        LamportTimestamp.fromBytes(new LamportTimestamp(2, emoji).toBytes()));
  }

  @Test
  void randomCorruptionIsEitherRejectedOrDecodesToAValidValue() throws Exception {
    Seeds.check(
        100,
        (r, seed) -> {
          byte[] good = randomVector(r).toBytes();
          for (int i = 0; i < 50; i++) {
            byte[] bad = good.clone();
            int flips = 1 + r.nextInt(3);
            for (int k = 0; k < flips; k++) {
              bad[r.nextInt(bad.length)] = (byte) r.nextInt(256);
            }
            try {
              VectorClock v = VectorClock.fromBytes(bad);
              assertArrayEquals(bad, v.toBytes(), "what decodes is canonical");
            } catch (ClockDecodingException expected) {
              // rejected with the documented exception, nothing else
            }
          }
          byte[] noise = new byte[r.nextInt(40)];
          r.nextBytes(noise);
          for (Function<byte[], ?> decoder :
              List.<Function<byte[], ?>>of(
                  VectorClock::fromBytes,
                  LamportTimestamp::fromBytes,
                  HybridTimestamp::fromBytes)) {
            try {
              decoder.apply(noise);
            } catch (ClockDecodingException expected) {
              // fine
            }
          }
        });
  }

  @Test
  void hugeClaimsAreRefusedBeforeAllocating() {
    // Five bytes that claim 2^24 entries (a decoder that trusted them would allocate 200 MB),
    // and a process id of a million bytes.
    byte[] manyEntries = hex("13 80 80 80 08");
    byte[] longId = hex("11 00 c0 84 3d");
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long tid = Thread.currentThread().threadId();
    for (int round = 0; round < 5; round++) {
      long before = threads.getThreadAllocatedBytes(tid);
      assertThrows(ClockDecodingException.class, () -> VectorClock.fromBytes(manyEntries));
      assertThrows(ClockDecodingException.class, () -> LamportTimestamp.fromBytes(longId));
      long allocated = threads.getThreadAllocatedBytes(tid) - before;
      // The first rounds also link lambdas and load classes; after that only the exceptions
      // (with their stack traces) and small buffers remain, nowhere near 2^24 entries.
      if (round >= 2) {
        assertTrue(
            allocated < 64 * 1024, "allocated " + allocated + " bytes for 10 bytes of input");
      }
    }
    expect("truncated", hex("13 80 80 80 80 80 01"), VectorClock::fromBytes); // 2^35 entries
    expect(
        "exceeds the limit", hex("11 00 80 80 80 80 80 80 80 80 40"), LamportTimestamp::fromBytes);
    // A count that the input could hold if every entry were minimal is read; then truncation.
    expect("truncated", hex("13 03 01 61 01"), VectorClock::fromBytes);
    expect(
        "3 entries claimed but only 3 bytes follow", hex("13 03 01 61 01"), VectorClock::fromBytes);
  }

  private static Object decode(byte[] bytes) {
    return switch (bytes.length == 0 ? 0 : bytes[0] & 0x0F) {
      case 1 -> LamportTimestamp.fromBytes(bytes);
      case 2 -> HybridTimestamp.fromBytes(bytes);
      default -> VectorClock.fromBytes(bytes);
    };
  }

  private static long randomCounter(SplittableRandom r) {
    return switch (r.nextInt(4)) {
      case 0 -> r.nextInt(128);
      case 1 -> r.nextLong(Long.MAX_VALUE);
      case 2 -> Long.MAX_VALUE;
      default -> r.nextLong(1 << 20);
    };
  }

  static String randomId(SplittableRandom r) {
    int len = r.nextInt(12);
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < len; i++) {
      switch (r.nextInt(5)) {
        case 0 -> s.append((char) ('a' + r.nextInt(26)));
        case 1 -> s.append((char) (0x80 + r.nextInt(0x780))); // two UTF-8 bytes
        case 2 -> s.append((char) (0x800 + r.nextInt(0xD000))); // three, below the surrogates
        case 3 -> s.appendCodePoint(0x10000 + r.nextInt(0x100000)); // four: a surrogate pair
        default -> s.append((char) ('0' + r.nextInt(10)));
      }
    }
    return s.toString();
  }

  private static VectorClock randomVector(SplittableRandom r) {
    int n = r.nextInt(20);
    VectorClock v = VectorClock.empty();
    for (int i = 0; i < n; i++) {
      Map<String, Long> one = Map.of(randomId(r), Math.max(1, randomCounter(r)));
      v = v.merge(VectorClock.of(one));
    }
    return v;
  }
}
