package dev.weft.clocks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class VectorClockTest {
  private static VectorClock vc(Object... pairs) {
    Map<String, Long> m = new HashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      m.put((String) pairs[i], ((Number) pairs[i + 1]).longValue());
    }
    return VectorClock.of(m);
  }

  @Test
  void emptyClockHasZeroEverywhere() {
    VectorClock e = VectorClock.empty();
    assertEquals(0, e.get("a"));
    assertEquals(0, e.size());
    assertEquals(Causality.EQUAL, e.compare(VectorClock.empty()));
    assertEquals("{}", e.toString());
  }

  @Test
  void incrementAddsOneToOneEntry() {
    VectorClock c = VectorClock.empty().increment("b").increment("a").increment("b");
    assertEquals(1, c.get("a"));
    assertEquals(2, c.get("b"));
    assertEquals(0, c.get("c"));
    assertEquals(List.of("a", "b"), c.processes());
    assertEquals("{a=1, b=2}", c.toString());
  }

  @Test
  void mergeIsElementWiseMaxWithoutIncrement() {
    VectorClock a = vc("a", 3, "b", 1);
    VectorClock b = vc("b", 2, "c", 5);
    assertEquals(vc("a", 3, "b", 2, "c", 5), a.merge(b));
    assertEquals(vc("a", 3, "b", 2, "c", 5), b.merge(a));
  }

  @Test
  void mergeReturnsADominatingInputItself() {
    VectorClock small = vc("a", 1);
    VectorClock big = vc("a", 2, "b", 1);
    assertSame(big, small.merge(big));
    assertSame(big, big.merge(small));
    assertSame(big, big.merge(VectorClock.empty()));
    VectorClock grown = big.increment("a");
    assertSame(grown, big.merge(grown));
    assertSame(grown, grown.merge(big));
  }

  @Test
  void receiveIsMergeThenIncrement() {
    VectorClock atA = VectorClock.empty().increment("a"); // send at a
    VectorClock atB = VectorClock.empty().increment("b"); // local event at b
    VectorClock received = atB.merge(atA).increment("b");
    assertEquals(vc("a", 1, "b", 2), received);
    assertTrue(atA.happenedBefore(received));
    assertTrue(atB.happenedBefore(received));
    assertTrue(atA.isConcurrentWith(atB));
  }

  @Test
  void compareCoversTheFourCases() {
    VectorClock a = vc("a", 1, "b", 2);
    assertEquals(Causality.EQUAL, a.compare(vc("b", 2, "a", 1)));
    assertEquals(Causality.BEFORE, a.compare(vc("a", 1, "b", 3)));
    assertEquals(Causality.BEFORE, a.compare(vc("a", 1, "b", 2, "c", 1)));
    assertEquals(Causality.AFTER, a.compare(vc("a", 1)));
    assertEquals(Causality.CONCURRENT, a.compare(vc("a", 2, "b", 1)));
    assertEquals(Causality.CONCURRENT, a.compare(vc("c", 1)));
    assertEquals(Causality.AFTER, a.compare(VectorClock.empty()));
    assertFalse(a.happenedBefore(a));
    assertFalse(a.isConcurrentWith(a));
  }

  @Test
  void equalsTreatsExplicitZerosAsAbsent() {
    VectorClock withZero = vc("a", 1, "z", 0);
    VectorClock without = vc("a", 1);
    assertEquals(without, withZero);
    assertEquals(without.hashCode(), withZero.hashCode());
    assertEquals(1, withZero.size());
    assertEquals(VectorClock.empty(), vc("a", 0));
    assertNotEquals(without, vc("a", 2));
    assertNotEquals(without, vc("b", 1));
    assertEquals(without.toMap().hashCode(), without.hashCode());
  }

  @Test
  void ofRejectsNegativeAndNull() {
    assertThrows(IllegalArgumentException.class, () -> vc("a", -1));
    Map<String, Long> nullValue = new HashMap<>();
    nullValue.put("a", null);
    assertThrows(NullPointerException.class, () -> VectorClock.of(nullValue));
    Map<String, Long> nullKey = new HashMap<>();
    nullKey.put(null, 1L);
    assertThrows(NullPointerException.class, () -> VectorClock.of(nullKey));
    assertThrows(NullPointerException.class, () -> VectorClock.empty().increment(null));
    assertThrows(NullPointerException.class, () -> VectorClock.empty().get(null));
    assertThrows(NullPointerException.class, () -> VectorClock.empty().merge(null));
    assertThrows(NullPointerException.class, () -> VectorClock.empty().compare(null));
  }

  @Test
  void incrementRefusesToOverflow() {
    VectorClock max = vc("a", Long.MAX_VALUE);
    assertThrows(ArithmeticException.class, () -> max.increment("a"));
  }

  @Test
  void idsAreMatchedByValueNotReference() {
    String a1 = new String(new char[] {'p', '1'});
    String a2 = new String(new char[] {'p', '1'});
    VectorClock x = VectorClock.empty().increment(a1);
    VectorClock y = VectorClock.empty().increment(a2).increment(a2);
    assertEquals(Causality.BEFORE, x.compare(y));
    assertSame(y, x.merge(y));
    assertEquals(2, x.merge(y).get("p1"));
  }

  @Test
  void pruneDropsOneProcess() {
    VectorClock c = vc("a", 1, "b", 2, "c", 3);
    assertEquals(vc("a", 1, "c", 3), c.prune("b"));
    assertSame(c, c.prune("zzz"));
    assertEquals(vc("b", 2), c.retainOnly(Set.of("b", "unknown")));
    assertSame(c, c.retainOnly(List.of("a", "b", "c", "d")));
    assertEquals(VectorClock.empty(), c.retainOnly(Set.of()));
  }

  @Test
  void pruningLosesConcurrencyButNeverInventsIt() {
    // x and y are concurrent only because of process "gone".
    VectorClock x = vc("gone", 1, "a", 1);
    VectorClock y = vc("a", 2);
    assertEquals(Causality.CONCURRENT, x.compare(y));
    assertEquals(Causality.BEFORE, x.prune("gone").compare(y.prune("gone")));
    // Once every clock holds the same final value for "gone", pruning it changes nothing.
    VectorClock p = vc("gone", 4, "a", 1, "b", 2);
    VectorClock q = vc("gone", 4, "a", 2, "b", 1);
    assertEquals(p.compare(q), p.prune("gone").compare(q.prune("gone")));
  }

  @Test
  void viewsAreUnmodifiable() {
    VectorClock c = vc("a", 1);
    assertThrows(UnsupportedOperationException.class, () -> c.processes().set(0, "b"));
    assertThrows(UnsupportedOperationException.class, () -> c.toMap().put("b", 1L));
    assertEquals(Map.of("a", 1L), c.toMap());
  }

  @Test
  void causalityReversal() {
    assertEquals(Causality.AFTER, Causality.BEFORE.reversed());
    assertEquals(Causality.BEFORE, Causality.AFTER.reversed());
    assertEquals(Causality.EQUAL, Causality.EQUAL.reversed());
    assertEquals(Causality.CONCURRENT, Causality.CONCURRENT.reversed());
  }
}
