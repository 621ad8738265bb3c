package dev.weft.clocks;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Canonical instances of process ids, so that {@link VectorClock}s built or decoded separately
 * usually hold the very same {@code String} objects and compare their ids by reference.
 *
 * <p>Interning is only a speed-up: every comparison falls back to {@link String#equals} when the
 * references differ. The pool keeps at most {@value #CAPACITY} ids for the life of the JVM; ids
 * seen after it is full are used as they are. That bounds the memory a stream of short-lived
 * process ids can hold (a few hundred KiB) while the common case, a few dozen long-lived processes,
 * stays fast. A {@link ConcurrentHashMap} lookup costs a fraction of {@link String#intern()}, which
 * matters because decoding interns every id it reads.
 */
final class ProcessIds {
  static final int CAPACITY = 4096;

  private static final ConcurrentHashMap<String, String> POOL = new ConcurrentHashMap<>();

  private ProcessIds() {}

  static String intern(String id) {
    String pooled = POOL.get(id);
    if (pooled != null) {
      return pooled;
    }
    if (POOL.size() >= CAPACITY) {
      return id;
    }
    pooled = POOL.putIfAbsent(id, id);
    return pooled == null ? id : pooled;
  }
}
