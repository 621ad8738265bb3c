package dev.weft.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The backoff grows exponentially, stops at its cap, and spreads waits over the upper half. */
class BackoffTest {
  private final Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(2), 2);

  @Test
  void waitsStayWithinTheUpperHalfOfACappedExponentialCeiling() {
    Random random = new Random(1);
    long[] ceilings = {100, 200, 400, 800, 1600, 2000, 2000, 2000};
    for (int failures = 1; failures <= ceilings.length; failures++) {
      long ceiling = ceilings[failures - 1];
      for (int i = 0; i < 1000; i++) {
        long ms = backoff.delay(failures, random).toNanos() / 1_000_000;
        assertTrue(ms >= ceiling / 2 && ms <= ceiling, failures + " failures: " + ms + " ms");
      }
    }
    // far beyond the cap, the arithmetic neither overflows nor exceeds it
    assertTrue(backoff.delay(10_000, random).compareTo(Duration.ofSeconds(2)) <= 0);
  }

  @Test
  void jitterSpreadsTheWaits() {
    Random random = new Random(2);
    Set<Long> seen = new HashSet<>();
    for (int i = 0; i < 100; i++) {
      seen.add(backoff.delay(5, random).toMillis());
    }
    assertTrue(seen.size() > 50, "only " + seen.size() + " distinct waits in 100");
  }

  @Test
  void badSettingsAreRefused() {
    assertThrows(
        IllegalArgumentException.class, () -> new Backoff(Duration.ZERO, Duration.ofSeconds(1), 2));
    assertThrows(
        IllegalArgumentException.class,
        () -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1), 2));
    assertThrows(
        IllegalArgumentException.class,
        () -> new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(2), 0.5));
    assertThrows(
        IllegalArgumentException.class,
        () -> new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(2), Double.NaN));
    assertThrows(IllegalArgumentException.class, () -> backoff.delay(0, new Random()));
    assertEquals(Duration.ofMillis(50), Backoff.DEFAULT.initial());
  }
}
