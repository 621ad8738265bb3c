package dev.weft.clocks;

import java.util.Map;
import java.util.TreeMap;

/** The obvious sorted-map vector clock, as an oracle for {@link VectorClock}. */
record NaiveVectorClock(TreeMap<String, Long> entries) {
  static NaiveVectorClock of(VectorClock clock) {
    return new NaiveVectorClock(new TreeMap<>(clock.toMap()));
  }

  NaiveVectorClock merge(NaiveVectorClock other) {
    TreeMap<String, Long> m = new TreeMap<>(entries);
    other.entries.forEach((k, v) -> m.merge(k, v, Math::max));
    return new NaiveVectorClock(m);
  }

  NaiveVectorClock increment(String process) {
    TreeMap<String, Long> m = new TreeMap<>(entries);
    m.merge(process, 1L, Long::sum);
    return new NaiveVectorClock(m);
  }

  Causality compare(NaiveVectorClock other) {
    boolean less = false;
    boolean greater = false;
    TreeMap<String, Long> all = new TreeMap<>(entries);
    all.putAll(other.entries);
    for (String k : all.keySet()) {
      long x = entries.getOrDefault(k, 0L);
      long y = other.entries.getOrDefault(k, 0L);
      less |= x < y;
      greater |= x > y;
    }
    if (less && greater) {
      return Causality.CONCURRENT;
    }
    return less ? Causality.BEFORE : greater ? Causality.AFTER : Causality.EQUAL;
  }

  Map<String, Long> nonZero() {
    TreeMap<String, Long> m = new TreeMap<>(entries);
    m.values().removeIf(v -> v == 0);
    return m;
  }
}
