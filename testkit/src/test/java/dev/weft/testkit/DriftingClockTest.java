package dev.weft.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class DriftingClockTest {
  private final AtomicLong trueTime = new AtomicLong(1_000_000);

  @Test
  void startsAtItsOffsetAndRunsAtOnePlusRho() {
    DriftingClock fast = new DriftingClock(trueTime::get, 40, 0.25);
    assertEquals(1_000_040, fast.getAsLong());
    trueTime.addAndGet(1_000);
    assertEquals(1_000_040 + 1_250, fast.getAsLong());
    assertEquals(290, fast.offset());
    assertEquals(0.25, fast.drift());
  }

  @Test
  void slowClockRoundsDownAndNeverDecreases() {
    DriftingClock slow = new DriftingClock(trueTime::get, -7, -0.5);
    long previous = slow.getAsLong();
    assertEquals(999_993, previous);
    for (int i = 0; i < 100; i++) {
      trueTime.incrementAndGet();
      long now = slow.getAsLong();
      assertTrue(now >= previous && now <= previous + 1);
      previous = now;
    }
    assertEquals(999_993 + 50, previous);
  }

  @Test
  void stepJumpsAndDriftChangesAreContinuous() {
    DriftingClock c = new DriftingClock(trueTime::get, 0, 0);
    trueTime.addAndGet(100);
    c.step(-60);
    assertEquals(1_000_040, c.getAsLong());
    c.setDrift(1.0);
    assertEquals(1_000_040, c.getAsLong(), "continuous across a drift change");
    trueTime.addAndGet(10);
    assertEquals(1_000_060, c.getAsLong());
  }

  @Test
  void rejectsAClockThatWouldStopOrRunBackwards() {
    assertThrows(IllegalArgumentException.class, () -> new DriftingClock(trueTime::get, 0, -1));
    assertThrows(
        IllegalArgumentException.class, () -> new DriftingClock(trueTime::get, 0, Double.NaN));
    DriftingClock c = new DriftingClock(trueTime::get, 0, 0);
    assertThrows(IllegalArgumentException.class, () -> c.setDrift(-2));
    assertThrows(IllegalArgumentException.class, () -> c.setDrift(Double.POSITIVE_INFINITY));
  }
}
