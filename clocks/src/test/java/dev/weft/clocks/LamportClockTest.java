package dev.weft.clocks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.testkit.ThreadKind;
import dev.weft.testkit.Workers;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class LamportClockTest {
  @Test
  void startsAtZeroAndTicks() {
    LamportClock c = new LamportClock();
    assertEquals(0, c.time());
    assertEquals(1, c.tick());
    assertEquals(2, c.send());
    assertEquals(2, c.time());
  }

  @Test
  void receiveTakesTheMaximumPlusOne() {
    LamportClock c = new LamportClock();
    assertEquals(11, c.receive(10));
    assertEquals(12, c.receive(3)); // behind: max is the local time
    assertEquals(13, c.receive(12)); // equal
    assertEquals(13, c.time());
  }

  @Test
  void rejectsNegativeTimes() {
    assertThrows(IllegalArgumentException.class, () -> new LamportClock(-1));
    LamportClock c = new LamportClock();
    assertThrows(IllegalArgumentException.class, () -> c.receive(-5));
    assertEquals(0, c.time());
  }

  @Test
  void overflowThrowsAndLeavesTheClockUnchanged() {
    LamportClock c = new LamportClock(Long.MAX_VALUE - 1);
    assertEquals(Long.MAX_VALUE, c.tick());
    assertThrows(ArithmeticException.class, c::tick);
    assertThrows(ArithmeticException.class, c::send);
    assertThrows(ArithmeticException.class, () -> c.receive(5));
    assertEquals(Long.MAX_VALUE, c.time());
    LamportClock d = new LamportClock();
    assertThrows(ArithmeticException.class, () -> d.receive(Long.MAX_VALUE));
    assertEquals(0, d.time());
  }

  @Test
  void timestampsOrderByTimeThenProcess() {
    LamportTimestamp a1 = new LamportTimestamp(1, "a");
    LamportTimestamp b1 = new LamportTimestamp(1, "b");
    LamportTimestamp a2 = new LamportTimestamp(2, "a");
    assertTrue(a1.compareTo(b1) < 0);
    assertTrue(b1.compareTo(a2) < 0);
    assertEquals(0, a1.compareTo(new LamportTimestamp(1, "a")));
    assertThrows(NullPointerException.class, () -> new LamportTimestamp(1, null));
    assertThrows(IllegalArgumentException.class, () -> new LamportTimestamp(-1, "a"));
  }

  @ParameterizedTest
  @EnumSource(ThreadKind.class)
  void concurrentCallersNeverGetTheSameTime(ThreadKind kind) throws Exception {
    int threads = 4;
    int perThread = 50_000;
    LamportClock c = new LamportClock();
    long[][] seen = new long[threads][perThread];
    try (Workers w = new Workers(kind)) {
      w.startAll(
          "ticker",
          threads,
          t -> {
            long previous = 0;
            for (int i = 0; i < perThread; i++) {
              long v =
                  switch (i % 3) {
                    case 0 -> c.tick();
                    case 1 -> c.send();
                    default -> c.receive(previous / 2);
                  };
              if (v <= previous) {
                throw new AssertionError("time went from " + previous + " to " + v);
              }
              seen[t][i] = previous = v;
            }
          });
    }
    long[] all = Arrays.stream(seen).flatMapToLong(Arrays::stream).sorted().toArray();
    for (int i = 1; i < all.length; i++) {
      assertTrue(all[i - 1] < all[i], "time " + all[i] + " returned twice");
    }
    assertEquals((long) threads * perThread, c.time(), "every call added exactly one");
  }
}
