package dev.weft.clocks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.testkit.DriftingClock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The HLC rules of Kulkarni et al. (OPODIS 2014), case by case, and the clock's extras. */
class HybridLogicalClockTest {
  private final AtomicLong physical = new AtomicLong(1_000);
  private final Recorder reports = new Recorder();
  private final HybridLogicalClock clock = new HybridLogicalClock(physical::get, 100, reports);

  /** Keeps every report. */
  static final class Recorder implements HybridClockListener {
    final List<String> events = new ArrayList<>();
    final List<ClockOffsetException> rejections = new ArrayList<>();

    @Override
    public void physicalClockBackwards(long previousMillis, long currentMillis) {
      events.add("backwards " + previousMillis + " -> " + currentMillis);
    }

    @Override
    public void peerRejected(ClockOffsetException rejection) {
      rejections.add(rejection);
      events.add("rejected " + rejection.remote());
    }

    @Override
    public void logicalOverflow(HybridTimestamp carried) {
      events.add("overflow " + carried);
    }
  }

  private static HybridTimestamp ts(long l, int c) {
    return new HybridTimestamp(l, c);
  }

  @Test
  void sendTakesPhysicalTimeWhenItHasMovedOn() {
    assertEquals(HybridTimestamp.ZERO, clock.current());
    assertEquals(ts(1_000, 0), clock.now());
    physical.set(1_005);
    assertEquals(ts(1_005, 0), clock.now());
  }

  @Test
  void sendAdvancesTheCounterWhilePhysicalTimeStands() {
    assertEquals(ts(1_000, 0), clock.now());
    assertEquals(ts(1_000, 1), clock.now());
    assertEquals(ts(1_000, 2), clock.now());
    assertEquals(ts(1_000, 2), clock.current());
  }

  @Test
  void receiveFromThePastIsALocalEvent() {
    clock.now(); // (1000, 0)
    physical.set(1_010);
    assertEquals(ts(1_010, 0), clock.update(ts(900, 42))); // pt is the largest
    assertEquals(ts(1_010, 1), clock.update(ts(1_005, 3))); // l is the largest: c + 1
  }

  @Test
  void receiveFromAheadTakesTheRemoteWallTimeAndCounter() {
    clock.now(); // (1000, 0)
    assertEquals(ts(1_050, 8), clock.update(ts(1_050, 7))); // l_m is the largest: c_m + 1
    assertEquals(ts(1_050, 9), clock.now()); // physical 1000 is behind l
  }

  @Test
  void receiveWithEqualWallTimesTakesTheLargerCounter() {
    assertEquals(ts(1_000, 0), clock.now());
    assertEquals(ts(1_000, 1), clock.now());
    assertEquals(ts(1_000, 6), clock.update(ts(1_000, 5))); // l == l_m == pt: max(c, c_m) + 1
    assertEquals(ts(1_000, 7), clock.update(ts(1_000, 2)));
  }

  @Test
  void remoteTooFarAheadIsRejectedAndChangesNothing() {
    clock.now();
    HybridTimestamp before = clock.current();
    ClockOffsetException e =
        assertThrows(ClockOffsetException.class, () -> clock.update(ts(1_101, 0)));
    assertEquals(ts(1_101, 0), e.remote());
    assertEquals(1_000, e.physicalMillis());
    assertEquals(100, e.maxOffsetMillis());
    assertEquals(101, e.aheadMillis());
    assertTrue(e.getMessage().contains("101 ms ahead"), e.getMessage());
    assertEquals(before, clock.current());
    assertEquals(1, reports.rejections.size());
    assertSame(e, reports.rejections.get(0));
    // Exactly at the limit is accepted.
    assertEquals(ts(1_100, 1), clock.update(ts(1_100, 0)));
  }

  @Test
  void counterOverflowCarriesIntoTheWallPart() {
    HybridTimestamp last = null;
    for (int i = 0; i <= HybridTimestamp.MAX_LOGICAL; i++) {
      last = clock.now();
    }
    assertEquals(ts(1_000, 65_535), last);
    assertEquals(List.of(), reports.events);
    assertEquals(ts(1_001, 0), clock.now(), "carried");
    assertEquals(List.of("overflow " + ts(1_001, 0)), reports.events);
    assertEquals(ts(1_001, 1), clock.now());
    physical.set(1_001);
    assertEquals(ts(1_001, 2), clock.now(), "physical time caught up with the carried wall part");
    physical.set(1_002);
    assertEquals(ts(1_002, 0), clock.now());
    // A remote at the top of its counter carries too.
    assertEquals(ts(1_003, 0), clock.update(ts(1_002, 65_535)));
    assertEquals(2, reports.events.size());
  }

  @Test
  void backwardsStepIsReportedOnceAndTimestampsKeepIncreasing() {
    AtomicLong trueTime = new AtomicLong(50_000);
    DriftingClock pt = new DriftingClock(trueTime::get, 0, 0);
    HybridLogicalClock hlc = new HybridLogicalClock(pt, 100, reports);
    HybridTimestamp a = hlc.now();
    assertEquals(ts(50_000, 0), a);
    pt.step(-2_000);
    HybridTimestamp b = hlc.now();
    HybridTimestamp c = hlc.now();
    assertEquals(ts(50_000, 1), b);
    assertEquals(ts(50_000, 2), c);
    assertEquals(List.of("backwards 50000 -> 48000"), reports.events);
    trueTime.addAndGet(2_001);
    assertEquals(ts(50_001, 0), hlc.now(), "physical time passed l again");
    assertEquals(1, reports.events.size());
  }

  @Test
  void listenerExceptionsPropagateAndLeaveTheClockUnchanged() {
    AtomicLong pt = new AtomicLong(5_000);
    HybridLogicalClock hlc =
        new HybridLogicalClock(
            pt::get,
            10,
            new HybridClockListener() {
              @Override
              public void physicalClockBackwards(long previousMillis, long currentMillis) {
                throw new IllegalStateException("refused");
              }
            });
    HybridTimestamp first = hlc.now();
    pt.set(4_000);
    assertThrows(IllegalStateException.class, hlc::now);
    assertEquals(first, hlc.current());
    assertEquals(ts(5_000, 1), hlc.now(), "reported once; the next call proceeds");
  }

  @Test
  void physicalClockOutOfRangeIsAnError() {
    HybridLogicalClock negative = new HybridLogicalClock(() -> -1, 10);
    assertThrows(IllegalStateException.class, negative::now);
    HybridLogicalClock huge = new HybridLogicalClock(() -> 1L << 48, 10);
    assertThrows(IllegalStateException.class, () -> huge.update(HybridTimestamp.ZERO));
  }

  @Test
  void constructorChecksItsArguments() {
    assertThrows(IllegalArgumentException.class, () -> new HybridLogicalClock(() -> 0, -1));
    assertThrows(NullPointerException.class, () -> new HybridLogicalClock(null, 1));
    assertThrows(NullPointerException.class, () -> new HybridLogicalClock(() -> 0, 1, null));
    assertThrows(NullPointerException.class, () -> clock.update(null));
    assertEquals(100, clock.maxOffsetMillis());
  }

  @Test
  void systemClockFollowsCurrentTimeMillis() {
    HybridLogicalClock system = HybridLogicalClock.systemClock(500);
    long before = System.currentTimeMillis();
    HybridTimestamp t = system.now();
    long after = System.currentTimeMillis();
    assertTrue(
        t.wallMillis() >= before && t.wallMillis() <= after,
        t + " not in " + before + ".." + after);
    assertTrue(system.now().isAfter(t));
  }

  @Test
  void exhaustedClockThrowsInsteadOfWrapping() {
    HybridLogicalClock hlc = new HybridLogicalClock(() -> 0, Long.MAX_VALUE);
    HybridTimestamp top = new HybridTimestamp(HybridTimestamp.MAX_WALL_MILLIS, 65_534);
    assertEquals(ts(HybridTimestamp.MAX_WALL_MILLIS, 65_535), hlc.update(top));
    assertThrows(IllegalStateException.class, hlc::now);
    assertEquals(ts(HybridTimestamp.MAX_WALL_MILLIS, 65_535), hlc.current());
  }
}
