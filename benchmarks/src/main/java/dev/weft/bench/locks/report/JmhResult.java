package dev.weft.bench.locks.report;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One row of a JMH JSON result file ({@code -rf json}): the benchmark, its parameters, the primary
 * score with its error (NaN when JMH had too few iterations to give one) and unit, and how it was
 * run. Every report of the benchmarks module reads JMH's output through {@link #read}; the JSON
 * itself is parsed by Jackson.
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
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Reads every result of a JMH JSON file.
   *
   * @throws IOException if the file cannot be read
   * @throws IllegalArgumentException if it is not a JMH result file, naming the line and column
   */
  public static List<JmhResult> read(Path file) throws IOException {
    return parse(Files.readString(file, StandardCharsets.UTF_8));
  }

  /**
   * Parses the text of a JMH JSON file.
   *
   * @throws IllegalArgumentException if it is not JSON, or not an array of JMH results
   */
  public static List<JmhResult> parse(String json) {
    JsonNode rows;
    try {
      rows = JSON.readTree(json);
    } catch (JacksonException e) {
      throw new IllegalArgumentException(
          "not JSON: "
              + e.getOriginalMessage()
              + " (line "
              + e.getLocation().getLineNr()
              + ", column "
              + e.getLocation().getColumnNr()
              + ")",
          e);
    }
    if (rows == null || !rows.isArray()) {
      throw new IllegalArgumentException("a JMH result file is a JSON array");
    }
    List<JmhResult> results = new ArrayList<>();
    for (JsonNode r : rows) {
      if (!r.isObject()) {
        throw new IllegalArgumentException("a JMH result is a JSON object: " + r);
      }
      Map<String, String> params = new LinkedHashMap<>();
      r.path("params").properties().forEach(p -> params.put(p.getKey(), p.getValue().asText()));
      JsonNode metric = r.get("primaryMetric");
      if (metric == null || !metric.isObject()) {
        throw new IllegalArgumentException("a JMH result without primaryMetric: " + r);
      }
      String settings =
          String.format(
              "%s fork(s), %s x %s warm-up, %s x %s measurement",
              text(r, "forks"),
              text(r, "warmupIterations"),
              text(r, "warmupTime"),
              text(r, "measurementIterations"),
              text(r, "measurementTime"));
      results.add(
          new JmhResult(
              text(r, "benchmark"),
              params,
              number(metric, "score"),
              metric.hasNonNull("scoreError") ? number(metric, "scoreError") : Double.NaN,
              text(metric, "scoreUnit"),
              text(r, "vmName")
                  + " "
                  + text(r, "vmVersion")
                  + " (JDK "
                  + text(r, "jdkVersion")
                  + ")",
              settings));
    }
    return results;
  }

  /** A field as text; JMH writes numbers such as forks as JSON numbers, times as strings. */
  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? "null" : value.asText();
  }

  /** A number, or a string holding one: JMH writes a score it could not compute as "NaN". */
  private static double number(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value != null && value.isNumber()) {
      return value.doubleValue();
    }
    if (value != null && value.isTextual()) {
      try {
        return Double.parseDouble(value.textValue());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(field + " is not a number: " + value, e);
      }
    }
    throw new IllegalArgumentException(field + " is not a number: " + value);
  }
}
