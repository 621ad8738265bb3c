package dev.weft.clocks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.testkit.DriftingClock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ClockSyncTest {
  @Test
  void offsetAndDelayFollowTheNtpFormulas() {
    // Server 100 ahead; 10 out, 30 back; the server holds the request for 5.
    ClockSample s = new ClockSample(1_000, 1_110, 1_115, 1_045);
    assertEquals(90, s.offset()); // ((1110 - 1000) + (1115 - 1045)) / 2 = (110 + 70) / 2
    assertEquals(40, s.roundTripDelay()); // (1045 - 1000) - (1115 - 1110)
    assertEquals(70, s.minOffset());
    assertEquals(110, s.maxOffset());
    assertTrue(s.minOffset() <= 100 && 100 <= s.maxOffset(), "the true offset is in the interval");
    assertTrue(s.isValid());
  }

  @Test
  void offsetRoundsTowardZero() {
    assertEquals(0, new ClockSample(0, 1, 1, 1).offset()); // (1 + 0) / 2
    assertEquals(0, new ClockSample(0, 0, 0, 1).offset()); // (0 - 1) / 2
    assertEquals(-1, new ClockSample(0, -1, -1, 1).offset()); // (-1 - 2) / 2
  }

  @Test
  void arithmeticOverflowThrows() {
    ClockSample s = new ClockSample(Long.MIN_VALUE, Long.MAX_VALUE, 0, 0);
    assertThrows(ArithmeticException.class, s::offset);
    assertThrows(ArithmeticException.class, s::roundTripDelay);
  }

  @Test
  void bestIsTheLowestValidDelay() {
    ClockSample slow = new ClockSample(0, 60, 61, 100);
    ClockSample fast = new ClockSample(200, 255, 256, 212);
    ClockSample alsoFast = new ClockSample(300, 355, 356, 312);
    ClockSample bogus = new ClockSample(400, 450, 451, 390); // negative delay
    assertFalse(bogus.isValid());
    assertSame(fast, ClockSync.best(List.of(slow, bogus, fast, alsoFast)));
    assertThrows(IllegalArgumentException.class, () -> ClockSync.best(List.of(bogus)));
    assertThrows(IllegalArgumentException.class, () -> ClockSync.best(List.of()));
  }

  @Test
  void deltaCheckSaysWhatTheSamplesProve() {
    ClockSample tight = new ClockSample(0, 3, 3, 2); // offset in [1, 3]
    ClockSample loose = new ClockSample(0, 8, 8, 10); // offset in [-2, 8]
    ClockSample far = new ClockSample(0, 50, 50, 2); // offset in [48, 50]
    assertEquals(ClockSync.Verdict.WITHIN, ClockSync.checkDelta(List.of(tight), 3));
    assertEquals(ClockSync.Verdict.UNDETERMINED, ClockSync.checkDelta(List.of(tight), 2));
    assertEquals(ClockSync.Verdict.UNDETERMINED, ClockSync.checkDelta(List.of(tight, loose), 5));
    assertEquals(ClockSync.Verdict.WITHIN, ClockSync.checkDelta(List.of(tight, loose), 8));
    assertEquals(ClockSync.Verdict.EXCEEDED, ClockSync.checkDelta(List.of(tight, far), 47));
    assertEquals(ClockSync.Verdict.WITHIN, ClockSync.checkDelta(List.of(tight, far), 50));
    assertThrows(IllegalArgumentException.class, () -> ClockSync.checkDelta(List.of(tight), -1));
  }

  @Test
  void pairedReadingsCheck() {
    long[] ci = {10, 20, 30};
    long[] cj = {12, 17, 30};
    assertEquals(3, ClockSync.maxSkew(ci, cj));
    assertTrue(ClockSync.isDeltaSynchronized(ci, cj, 3));
    assertFalse(ClockSync.isDeltaSynchronized(ci, cj, 2));
    assertThrows(IllegalArgumentException.class, () -> ClockSync.maxSkew(ci, new long[2]));
    assertThrows(IllegalArgumentException.class, () -> ClockSync.isDeltaSynchronized(ci, cj, -1));
  }

  /** NTP exchanges between two drifting clocks over random asymmetric delays. */
  @Test
  void samplesBracketTheTrueOffsetOfDriftingClocks() throws Exception {
    Seeds.check(
        200,
        (r, seed) -> {
          AtomicLong now = new AtomicLong(r.nextLong(1L << 40));
          DriftingClock client =
              new DriftingClock(now::get, r.nextLong(-500, 500), r.nextDouble(-1e-3, 1e-3));
          DriftingClock server =
              new DriftingClock(now::get, r.nextLong(-500, 500), r.nextDouble(-1e-3, 1e-3));
          List<ClockSample> samples = new ArrayList<>();
          long maxTrueSkew = 0;
          long maxDelay = 0;
          for (int i = 0; i < 20; i++) {
            long t0 = client.getAsLong();
            now.addAndGet(r.nextInt(50)); // request in flight
            long t1 = server.getAsLong();
            long trueOffset = t1 - client.getAsLong(); // both read at the same instant
            maxTrueSkew = Math.max(maxTrueSkew, Math.abs(trueOffset));
            now.addAndGet(r.nextInt(3)); // server processing
            long t2 = server.getAsLong();
            now.addAndGet(r.nextInt(50)); // reply in flight
            long t3 = client.getAsLong();
            ClockSample s = new ClockSample(t0, t1, t2, t3);
            // Drift during the exchange and rounding move the bounds by at most a few units.
            long slack = 2 + (s.roundTripDelay() + 3) / 100;
            assertTrue(s.isValid(), s.toString());
            assertTrue(
                s.minOffset() - slack <= trueOffset && trueOffset <= s.maxOffset() + slack,
                () -> s + " does not bracket the true offset " + trueOffset);
            samples.add(s);
            maxDelay = Math.max(maxDelay, s.roundTripDelay());
            now.addAndGet(r.nextInt(1_000));
          }
          ClockSample best = ClockSync.best(samples);
          for (ClockSample s : samples) {
            assertTrue(best.roundTripDelay() <= s.roundTripDelay());
          }
          // Every interval holds the true offset (within the slack), so it never lies wholly
          // outside [-δ, δ] for δ at least the true skew, and lies inside it once δ also covers
          // the interval's width.
          assertTrue(ClockSync.checkDelta(samples, maxTrueSkew + 2) != ClockSync.Verdict.EXCEEDED);
          assertEquals(
              ClockSync.Verdict.WITHIN, ClockSync.checkDelta(samples, maxTrueSkew + maxDelay + 4));
        });
  }
}
