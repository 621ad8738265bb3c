package dev.weft.bench.locks;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The lock lab's named profiles: which points of the grid each runs, and for how long.
 *
 * <ul>
 *   <li>{@link #QUICK}: a first look that every strategy runs, in a few minutes; smoke data.
 *   <li>{@link #STANDARD}: the points that the README's findings rest on, under 45 minutes on a
 *       2-core machine: every strategy, 1 to 8 threads of both kinds, a short (10 tokens) and a
 *       long (1000 tokens) critical section with no work outside it, and 90% and 99% reads.
 *   <li>{@link #FULL}: every combination of every parameter, with more iterations.
 * </ul>
 *
 * <p>Parameters a profile does not name take every value in the benchmark's {@code @Param}.
 */
enum Profile {
  QUICK(
      Map.of("threads", "2,8", "critical", "10", "outside", "0", "readPercent", "90"),
      1,
      0.2,
      1,
      0.3),
  STANDARD(Map.of("critical", "10,1000", "outside", "0", "readPercent", "90,99"), 2, 1, 4, 1),
  FULL(Map.of(), 3, 1, 5, 1);

  private final Map<String, String> params;
  final int warmupIterations;
  final double warmupSeconds;
  final int measurementIterations;
  final double measurementSeconds;

  Profile(
      Map<String, String> params,
      int warmupIterations,
      double warmupSeconds,
      int measurementIterations,
      double measurementSeconds) {
    this.params = params;
    this.warmupIterations = warmupIterations;
    this.warmupSeconds = warmupSeconds;
    this.measurementIterations = measurementIterations;
    this.measurementSeconds = measurementSeconds;
  }

  /** The profile called {@code name} (quick, standard or full). */
  static Profile named(String name) {
    for (Profile p : values()) {
      if (p.label().equals(name)) {
        return p;
      }
    }
    throw new IllegalArgumentException(
        "unknown lock lab profile '" + name + "': use quick, standard or full");
  }

  String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The values this profile gives parameter {@code name}, or null for all of them. */
  List<String> values(String name) {
    String v = params.get(name);
    return v == null ? null : Arrays.asList(v.split(","));
  }

  /** The parameters this profile restricts, for JMH's {@code -p}. */
  Map<String, String[]> restrictions() {
    Map<String, String[]> out = new LinkedHashMap<>();
    params.forEach((k, v) -> out.put(k, v.split(",")));
    return out;
  }
}
