package dev.weft.bench.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.weft.bench.locks.report.Series;
import dev.weft.bench.locks.report.SvgChart;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The replication schemes' report, from {@code ReplicationBench}'s JMH JSON: a table of operations
 * per second and messages per operation for each scheme and share of writes, a chart (operations
 * per second against the share of writes, one line per scheme), and, with {@code --readme}, the
 * table in the README between its {@value #START} and {@value #END} lines.
 *
 * {@snippet lang = "sh" :
 * java -cp benchmarks/target/benchmarks.jar dev.weft.bench.report.ReplicationReport \
 *   --readme README.md benchmarks/results/replication/jmh-result.json benchmarks/results/replication
 * }
 */
public final class ReplicationReport {
  private ReplicationReport() {}

  /** The line before the README's table. */
  static final String START = "<!-- replication-report:start -->";

  /** The line after it. */
  static final String END = "<!-- replication-report:end -->";

  /** The benchmark's schemes, in the table's order, with their labels. */
  static final Map<String, String> SCHEMES =
      Map.of(
          "raft", "Raft key-value",
          "primary-backup", "primary-backup",
          "chain-tail", "chain, tail reads",
          "chain-craq", "chain, CRAQ reads");

  private static final List<String> ORDER =
      List.of("raft", "primary-backup", "chain-tail", "chain-craq");

  /**
   * One point of the run.
   *
   * @param scheme the service
   * @param writePercent the share of writes
   * @param ops operations per second, all threads
   * @param error its 99.9% confidence half-width
   * @param writes writes in all measurement iterations (a JMH event counter: a total)
   * @param messages messages on the service's network in all measurement iterations
   * @param seconds the measured time, iterations times their length
   */
  record Point(
      String scheme,
      int writePercent,
      double ops,
      double error,
      double writes,
      double messages,
      double seconds) {
    double messagesPerOp() {
      return messages / (ops * seconds);
    }

    double messagesPerWrite() {
      return messages / writes;
    }
  }

  /**
   * Writes the report.
   *
   * @param args {@code [--readme README.md] jmh.json out-dir}
   * @throws IOException if a file cannot be read or written
   * @throws IllegalArgumentException for bad arguments or a file that is not the benchmark's
   */
  public static void main(String[] args) throws IOException {
    Path readme = null;
    if (args.length > 1 && args[0].equals("--readme")) {
      readme = Path.of(args[1]);
      args = java.util.Arrays.copyOfRange(args, 2, args.length);
    }
    if (args.length != 2) {
      throw new IllegalArgumentException(
          "usage: ReplicationReport [--readme README.md] jmh.json out-dir");
    }
    String readmeText = null;
    if (readme != null) {
      readmeText = Files.readString(readme, StandardCharsets.UTF_8);
      ChannelReport.withSection(readmeText, START, END, ""); // checks the markers first
    }
    JsonNode root = new ObjectMapper().readTree(Files.readString(Path.of(args[0])));
    List<Point> points = points(root);
    Path out = Path.of(args[1]);
    Files.createDirectories(out);
    String conditions = conditions(root);
    String table = table(points);
    Files.writeString(
        out.resolve("README.md"),
        "# Replication schemes: Raft, primary-backup, chain replication\n\n"
            + "`ReplicationBench`: "
            + conditions
            + "\n\n"
            + table
            + "\n![operations per second](replication.svg)\n",
        StandardCharsets.UTF_8);
    Files.writeString(out.resolve("replication.svg"), chart(points), StandardCharsets.UTF_8);
    if (readme != null) {
      Files.writeString(
          readme,
          ChannelReport.withSection(
              readmeText, START, END, table + "\n" + conditions.split("\\. ")[0] + ".\n"),
          StandardCharsets.UTF_8);
    }
  }

  /**
   * The points of a JMH JSON array of {@code ReplicationBench.operation} results.
   *
   * @throws IllegalArgumentException if a result lacks the benchmark's parameters or counters
   */
  static List<Point> points(JsonNode root) {
    if (!root.isArray() || root.isEmpty()) {
      throw new IllegalArgumentException("not a JMH result array, or an empty one");
    }
    List<Point> points = new ArrayList<>();
    for (JsonNode r : root) {
      JsonNode params = r.path("params");
      JsonNode secondary = r.path("secondaryMetrics");
      if (!params.has("scheme")
          || !params.has("writePercent")
          || !secondary.has("writes")
          || !secondary.has("messages")) {
        throw new IllegalArgumentException(
            "not a ReplicationBench result: " + r.path("benchmark").asText("?"));
      }
      points.add(
          new Point(
              params.get("scheme").asText(),
              Integer.parseInt(params.get("writePercent").asText()),
              r.path("primaryMetric").path("score").asDouble(),
              r.path("primaryMetric").path("scoreError").asDouble(Double.NaN),
              secondary.get("writes").path("score").asDouble(),
              secondary.get("messages").path("score").asDouble(),
              r.path("measurementIterations").asInt() * seconds(r.path("measurementTime"))));
    }
    return points;
  }

  /** JMH's iteration time, such as {@code "2 s"} or {@code "500 ms"}, in seconds. */
  static double seconds(JsonNode time) {
    String[] parts = time.asText("").trim().split(" ");
    if (parts.length != 2) {
      throw new IllegalArgumentException("not an iteration time: " + time);
    }
    double v = Double.parseDouble(parts[0]);
    return switch (parts[1]) {
      case "s" -> v;
      case "ms" -> v / 1e3;
      case "min" -> v * 60;
      default -> throw new IllegalArgumentException("not an iteration time: " + time);
    };
  }

  private static String conditions(JsonNode root) {
    JsonNode first = root.get(0);
    return String.format(
        Locale.ROOT,
        "%s %s, %d fork(s), %d x %s warm-up, %d x %s measurement, %d client threads, each one"
            + " blocking operation at a time. Messages are every message on the service's"
            + " network (heartbeats, leases and the configuration service's Raft included), per"
            + " operation; per write at 95%% writes, where reads and the background matter least.",
        first.path("jvm").asText("java").replaceAll(".*/", ""),
        first.path("vmVersion").asText(),
        first.path("forks").asInt(),
        first.path("warmupIterations").asInt(),
        first.path("warmupTime").asText(),
        first.path("measurementIterations").asInt(),
        first.path("measurementTime").asText(),
        first.path("threads").asInt());
  }

  /** The table: one row per scheme, operations per second at each share of writes. */
  static String table(List<Point> points) {
    List<Integer> shares = points.stream().map(Point::writePercent).distinct().sorted().toList();
    StringBuilder md = new StringBuilder("| scheme |");
    StringBuilder rule = new StringBuilder("|---|");
    for (int w : shares) {
      md.append(" ops/s at ").append(w).append("% writes |");
      rule.append("---:|");
    }
    for (int w : shares) {
      md.append(" messages/op at ").append(w).append("% |");
      rule.append("---:|");
    }
    md.append(" messages/write at ").append(shares.get(shares.size() - 1)).append("% |\n");
    rule.append("---:|\n");
    md.append(rule);
    for (String scheme : ORDER) {
      Map<Integer, Point> row = new LinkedHashMap<>();
      for (Point p : points) {
        if (p.scheme().equals(scheme)) {
          row.put(p.writePercent(), p);
        }
      }
      if (row.isEmpty()) {
        continue;
      }
      md.append("| ").append(SCHEMES.get(scheme)).append(" |");
      for (int w : shares) {
        Point p = row.get(w);
        md.append(' ').append(p == null ? "-" : ops(p)).append(" |");
      }
      for (int w : shares) {
        Point p = row.get(w);
        md.append(' ')
            .append(p == null ? "-" : String.format(Locale.ROOT, "%.1f", p.messagesPerOp()))
            .append(" |");
      }
      Point last = row.get(shares.get(shares.size() - 1));
      md.append(' ')
          .append(last == null ? "-" : String.format(Locale.ROOT, "%.1f", last.messagesPerWrite()))
          .append(" |\n");
    }
    return md.toString();
  }

  private static String ops(Point p) {
    return Double.isNaN(p.error())
        ? String.format(Locale.ROOT, "%,.0f", p.ops())
        : String.format(Locale.ROOT, "%,.0f ± %,.0f", p.ops(), p.error());
  }

  private static String chart(List<Point> points) {
    List<Series> series = new ArrayList<>();
    for (String scheme : ORDER) {
      List<Series.Point> line = new ArrayList<>();
      points.stream()
          .filter(p -> p.scheme().equals(scheme))
          .sorted(java.util.Comparator.comparingInt(Point::writePercent))
          .forEach(p -> line.add(new Series.Point(p.writePercent(), p.ops(), p.error())));
      if (!line.isEmpty()) {
        series.add(new Series(SCHEMES.get(scheme), line));
      }
    }
    return SvgChart.render(
        "Replication schemes: operations per second", "operations/s", "% writes", series);
  }
}
