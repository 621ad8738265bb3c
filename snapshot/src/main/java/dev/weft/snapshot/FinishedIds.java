package dev.weft.snapshot;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The most recent snapshot ids a node has finished with, completed or abandoned, up to a fixed
 * number; older ones are forgotten first. Not thread-safe: the node uses it under its lock.
 *
 * <p>Footprint: about 80 bytes per retained id (a linked hash map entry and a boxed long).
 */
final class FinishedIds {
  enum Outcome {
    COMPLETED,
    ABANDONED
  }

  private final Map<Long, Outcome> ids;

  FinishedIds(int capacity) {
    this.ids =
        new LinkedHashMap<>() {
          private static final long serialVersionUID = 1L;

          @Override
          protected boolean removeEldestEntry(Map.Entry<Long, Outcome> eldest) {
            return size() > capacity;
          }
        };
  }

  void add(long id, Outcome outcome) {
    ids.put(id, outcome);
  }

  /** Returns how {@code id} finished, or null if it did not or has been forgotten. */
  Outcome get(long id) {
    return ids.get(id);
  }

  int size() {
    return ids.size();
  }
}
