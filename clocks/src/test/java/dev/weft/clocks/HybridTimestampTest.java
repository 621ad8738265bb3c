package dev.weft.clocks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class HybridTimestampTest {
  @Test
  void packsFortyEightBitsOfMillisAndSixteenOfCounter() {
    HybridTimestamp t = new HybridTimestamp(0x0123_4567_89ABL, 0xCDEF);
    assertEquals(0x0123_4567_89AB_CDEFL, t.pack());
    assertEquals(t, HybridTimestamp.unpack(t.pack()));
    assertEquals(new HybridTimestamp(HybridTimestamp.MAX_WALL_MILLIS, 65535), unpack(-1L));
    assertEquals(HybridTimestamp.ZERO, unpack(0));
  }

  private static HybridTimestamp unpack(long packed) {
    return HybridTimestamp.unpack(packed);
  }

  @Test
  void everyLongUnpacksAndRepacksToItself() throws Exception {
    Seeds.check(
        20,
        (r, seed) -> {
          for (int i = 0; i < 1000; i++) {
            long v = r.nextLong();
            assertEquals(v, HybridTimestamp.unpack(v).pack());
          }
        });
  }

  @Test
  void ordersByWallThenCounterLikeUnsignedPackedValues() throws Exception {
    HybridTimestamp a = new HybridTimestamp(5, 65535);
    HybridTimestamp b = new HybridTimestamp(6, 0);
    assertTrue(a.compareTo(b) < 0);
    assertTrue(b.isAfter(a));
    HybridTimestamp far = new HybridTimestamp(HybridTimestamp.MAX_WALL_MILLIS, 0);
    assertTrue(far.pack() < 0, "the top bit is set");
    assertTrue(b.compareTo(far) < 0, "but the order is unsigned");
    Seeds.check(
        20,
        (r, seed) -> {
          for (int i = 0; i < 1000; i++) {
            HybridTimestamp x = HybridTimestamp.unpack(r.nextLong());
            HybridTimestamp y = HybridTimestamp.unpack(r.nextLong());
            int byParts =
                x.wallMillis() != y.wallMillis()
                    ? Long.compare(x.wallMillis(), y.wallMillis())
                    : Integer.compare(x.logical(), y.logical());
            assertEquals(Integer.signum(byParts), Integer.signum(x.compareTo(y)));
          }
        });
  }

  @Test
  void rejectsOutOfRangeParts() {
    assertThrows(IllegalArgumentException.class, () -> new HybridTimestamp(-1, 0));
    assertThrows(IllegalArgumentException.class, () -> new HybridTimestamp(1L << 48, 0));
    assertThrows(IllegalArgumentException.class, () -> new HybridTimestamp(0, -1));
    assertThrows(IllegalArgumentException.class, () -> new HybridTimestamp(0, 65536));
  }

  @Test
  void convertsToAnInstant() {
    assertEquals(
        Instant.ofEpochMilli(1_700_000_000_123L),
        new HybridTimestamp(1_700_000_000_123L, 7).toInstant());
  }
}
