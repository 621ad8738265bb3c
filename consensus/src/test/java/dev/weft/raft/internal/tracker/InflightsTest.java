package dev.weft.raft.internal.tracker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayDeque;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link Inflights} against a plain queue, over random operations. */
class InflightsTest {
  @Test
  void behavesLikeABoundedQueueOfIndexesAndSizes() {
    Random r = new Random(2);
    for (int trial = 0; trial < 500; trial++) {
      int maxMessages = 1 + r.nextInt(6);
      long maxBytes = 1 + r.nextInt(40);
      Inflights window = new Inflights(maxMessages, maxBytes);
      ArrayDeque<long[]> oracle = new ArrayDeque<>();
      long next = 1;
      for (int op = 0; op < 200; op++) {
        long bytes = 0;
        for (long[] e : oracle) {
          bytes += e[1];
        }
        boolean full = oracle.size() == maxMessages || bytes >= maxBytes;
        assertEquals(full, window.full());
        assertEquals(oracle.size(), window.count());
        assertEquals(bytes, window.bytes());
        switch (r.nextInt(4)) {
          case 0, 1 -> {
            if (!full) {
              long size = r.nextInt(10);
              next += 1 + r.nextInt(3);
              window.add(next, size);
              oracle.add(new long[] {next, size});
            } else {
              long n = next + 1;
              assertThrows(IllegalStateException.class, () -> window.add(n, 1));
            }
          }
          case 2 -> {
            long upTo = next - r.nextInt(8);
            window.freeLE(upTo);
            while (!oracle.isEmpty() && oracle.peek()[0] <= upTo) {
              oracle.poll();
            }
          }
          default -> {
            window.freeFirstOne();
            oracle.poll();
          }
        }
      }
    }
  }

  @Test
  void indexesMustIncrease() {
    Inflights w = new Inflights(4, 100);
    w.add(5, 1);
    assertThrows(IllegalStateException.class, () -> w.add(5, 1));
    assertThrows(IllegalArgumentException.class, () -> new Inflights(0, 1));
    w.reset();
    assertEquals(0, w.count());
  }
}
