package dev.weft.clocks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The partial-order laws of vector clocks, over random clocks, and agreement with a naive
 * sorted-map oracle. Replay a failure with {@code -Dweft.seed=N}.
 */
class VectorClockPropertiesTest {
  private static final int RUNS = 300;

  /** Random clocks over a small set of processes, so that every relation occurs often. */
  static VectorClock randomClock(SplittableRandom r, List<String> processes) {
    VectorClock c = VectorClock.empty();
    switch (r.nextInt(3)) {
      case 0 -> {
        Map<String, Long> m = new HashMap<>();
        for (String p : processes) {
          if (r.nextInt(3) > 0) {
            m.put(p, (long) r.nextInt(4)); // zeros included on purpose
          }
        }
        c = VectorClock.of(m);
      }
      case 1 -> {
        int events = r.nextInt(8);
        for (int i = 0; i < events; i++) {
          c = c.increment(processes.get(r.nextInt(processes.size())));
        }
      }
      default -> {
        // Built like a process's history: increments and merges with other random histories.
        c = randomClock(r.split(), processes).merge(randomClock(r.split(), processes));
        c = c.increment(processes.get(r.nextInt(processes.size())));
      }
    }
    return c;
  }

  static List<String> processes(SplittableRandom r, String prefix) {
    int n = 1 + r.nextInt(5);
    List<String> ps = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      // Fresh String instances, so that matching by reference is not taken for granted.
      ps.add(new String((prefix + "p" + r.nextInt(7)).toCharArray()));
    }
    return ps;
  }

  private static void laws(SplittableRandom r, String prefix) {
    List<String> ps = processes(r, prefix);
    VectorClock a = randomClock(r, ps);
    VectorClock b = randomClock(r, ps);
    VectorClock c = randomClock(r, ps);

    // merge: commutative, associative, idempotent, an upper bound, and the least one.
    assertEquals(a.merge(b), b.merge(a), "commutative");
    assertEquals(a.merge(b).merge(c), a.merge(b.merge(c)), "associative");
    assertEquals(a, a.merge(a), "idempotent");
    VectorClock ab = a.merge(b);
    assertTrue(a.compare(ab) == Causality.BEFORE || a.compare(ab) == Causality.EQUAL, "a <= a|b");
    assertTrue(b.compare(ab) == Causality.BEFORE || b.compare(ab) == Causality.EQUAL, "b <= a|b");
    if (leq(a, c) && leq(b, c)) {
      assertTrue(leq(ab, c), "a|b is the least upper bound");
    }

    // compare: reflexive, antisymmetric (as a converse), transitive.
    assertEquals(Causality.EQUAL, a.compare(a));
    assertEquals(a.compare(b).reversed(), b.compare(a), "converse");
    if (a.compare(b) == Causality.EQUAL) {
      assertEquals(a, b, "antisymmetric: EQUAL means equal values");
      assertEquals(a.hashCode(), b.hashCode());
    }
    if (leq(a, b) && leq(b, a)) {
      assertEquals(a, b, "antisymmetric");
    }
    if (a.happenedBefore(b) && b.happenedBefore(c)) {
      assertTrue(a.happenedBefore(c), "transitive");
    }
    if (leq(a, b) && leq(b, c)) {
      assertTrue(leq(a, c), "transitive <=");
    }
    assertEquals(a.compare(b) == Causality.CONCURRENT, a.isConcurrentWith(b));
    assertEquals(a.compare(b) == Causality.BEFORE, a.happenedBefore(b));

    // increment moves strictly after.
    String p = ps.get(r.nextInt(ps.size()));
    assertEquals(Causality.AFTER, a.increment(p).compare(a));

    // Agreement with the oracle.
    NaiveVectorClock na = NaiveVectorClock.of(a);
    NaiveVectorClock nb = NaiveVectorClock.of(b);
    assertEquals(na.compare(nb), a.compare(b), () -> "compare " + a + " with " + b);
    assertEquals(na.merge(nb).nonZero(), a.merge(b).toMap(), "merge");
    assertEquals(na.increment(p).nonZero(), a.increment(p).toMap(), "increment");
    for (String q : ps) {
      assertEquals(na.entries().getOrDefault(q, 0L), a.get(q), "get " + q);
    }

    // equals agrees with the value, hashCode with equals, and with Map's hash.
    assertEquals(na.nonZero().equals(nb.nonZero()), a.equals(b));
    assertEquals(a.toMap().hashCode(), a.hashCode());
    assertEquals(a, VectorClock.of(new TreeMap<>(a.toMap())));

    // Pruning: never creates concurrency, never reverses an order.
    String gone = ps.get(r.nextInt(ps.size()));
    Causality before = a.compare(b);
    Causality after = a.prune(gone).compare(b.prune(gone));
    if (before != Causality.CONCURRENT) {
      assertTrue(after == before || after == Causality.EQUAL, before + " became " + after);
    }
    if (a.get(gone) == b.get(gone)) {
      assertEquals(before, after, "pruning an entry both clocks agree on is exact");
    }
    assertEquals(0, a.prune(gone).get(gone));
  }

  private static boolean leq(VectorClock x, VectorClock y) {
    Causality c = x.compare(y);
    return c == Causality.BEFORE || c == Causality.EQUAL;
  }

  @Test
  void partialOrderLaws() throws Exception {
    Seeds.check(RUNS * 10, (r, seed) -> laws(r, ""));
  }

  @Test
  void lawsHoldWhenIdsAreNotInterned() throws Exception {
    // Fill the intern pool so that ids with a fresh prefix are stored as they come: the laws must
    // not depend on ids matching by reference.
    for (int i = 0; i < ProcessIds.CAPACITY; i++) {
      ProcessIds.intern("filler-" + i);
    }
    Seeds.check(RUNS, (r, seed) -> laws(r, "uninterned-" + seed + "-"));
  }
}
