package dev.weft.bench.locks.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One row of a JMH JSON result file: the benchmark, its parameters, the primary score with its
 * error (NaN when JMH had too few iterations to give one) and unit, and how it was run.
 *
 * @param benchmark the benchmark method's full name
 * @param params the {@code @Param} values, as JMH wrote them
 * @param score the primary metric's score
 * @param error the half-width of its 99.9% confidence interval, or NaN
 * @param unit the score's unit, such as {@code ops/us}
 * @param jdk the JDK and VM that ran it
 * @param settings forks, warm-up and measurement iterations and times
 */
public record JmhResult(
    String benchmark,
    Map<String, String> params,
    double score,
    double error,
    String unit,
    String jdk,
    String settings) {

  /** Reads every result of a JMH JSON file ({@code -rf json}). */
  public static List<JmhResult> read(Path file) throws IOException {
    return parse(Files.readString(file, StandardCharsets.UTF_8));
  }

  /** Parses the text of a JMH JSON file. */
  public static List<JmhResult> parse(String json) {
    if (!(Json.parse(json) instanceof List<?> rows)) {
      throw new IllegalArgumentException("a JMH result file is a JSON array");
    }
    List<JmhResult> results = new ArrayList<>();
    for (Object row : rows) {
      if (!(row instanceof Map<?, ?> r)) {
        throw new IllegalArgumentException("a JMH result is a JSON object: " + row);
      }
      Map<String, String> params = new LinkedHashMap<>();
      if (r.get("params") instanceof Map<?, ?> p) {
        p.forEach((k, v) -> params.put(String.valueOf(k), String.valueOf(v)));
      }
      if (!(r.get("primaryMetric") instanceof Map<?, ?> metric)) {
        throw new IllegalArgumentException("a JMH result without primaryMetric: " + row);
      }
      String settings =
          String.format(
              "%s fork(s), %s x %s warm-up, %s x %s measurement",
              text(r.get("forks")),
              text(r.get("warmupIterations")),
              text(r.get("warmupTime")),
              text(r.get("measurementIterations")),
              text(r.get("measurementTime")));
      results.add(
          new JmhResult(
              String.valueOf(r.get("benchmark")),
              params,
              Json.number(metric.get("score")),
              metric.get("scoreError") == null ? Double.NaN : Json.number(metric.get("scoreError")),
              String.valueOf(metric.get("scoreUnit")),
              text(r.get("vmName"))
                  + " "
                  + text(r.get("vmVersion"))
                  + " (JDK "
                  + text(r.get("jdkVersion"))
                  + ")",
              settings));
    }
    return results;
  }

  /** A JSON value as JMH meant it: whole numbers without ".0". */
  private static String text(Object value) {
    if (value instanceof Double d && d == Math.rint(d) && !d.isInfinite()) {
      return Long.toString(d.longValue());
    }
    return String.valueOf(value);
  }
}
