package dev.weft.bench.locks.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** JMH JSON in, Markdown and SVG out: the report must never be silently empty or wrong. */
class LockReportTest {
  private static final RunInfo INFO =
      new RunInfo("quick", "mvn -Plocks", 125, "Test CPU, 2 logical CPUs", "2026-11-25T22:00:00Z");

  /** One JMH result row as JMH 1.37 writes it. */
  private static String row(String bench, String params, String score, String error) {
    return String.format(
        Locale.ROOT,
        """
        {
          "jmhVersion" : "1.37",
          "benchmark" : "dev.weft.bench.locks.%s.run",
          "mode" : "thrpt",
          "threads" : 1,
          "forks" : 1,
          "jdkVersion" : "25",
          "vmName" : "OpenJDK 64-Bit Server VM",
          "vmVersion" : "25+36-LTS",
          "warmupIterations" : 1,
          "warmupTime" : "200 ms",
          "measurementIterations" : 1,
          "measurementTime" : "400 ms",
          "params" : { %s },
          "primaryMetric" : {
            "score" : %s,
            "scoreError" : %s,
            "scoreConfidence" : [ "NaN", "NaN" ],
            "scoreUnit" : "ops/us",
            "rawData" : [ [ 1.0 ] ]
          },
          "secondaryMetrics" : { }
        }""",
        bench,
        params,
        score,
        error);
  }

  private static String exclusive(String lock, int threads, String kind, double score) {
    return row(
        "LockBench",
        String.format(
            "\"lock\" : \"%s\", \"threads\" : \"%d\", \"kind\" : \"%s\", \"critical\" : \"10\","
                + " \"outside\" : \"0\"",
            lock, threads, kind),
        Double.toString(score),
        "0.5");
  }

  private static String readWrite(String lock, int reads, int threads, double score) {
    return row(
        "RwLockBench",
        String.format(
            "\"lock\" : \"%s\", \"readPercent\" : \"%d\", \"threads\" : \"%d\", \"kind\" :"
                + " \"platform\", \"critical\" : \"10\", \"outside\" : \"0\"",
            lock, reads, threads),
        Double.toString(score),
        "\"NaN\"");
  }

  /** Two exclusive strategies on two kinds, one reader-writer strategy at 0% and 90% reads. */
  private static String sample() {
    List<String> rows = new ArrayList<>();
    for (String kind : List.of("platform", "virtual")) {
      rows.add(exclusive("ReentrantLock", 1, kind, 40));
      rows.add(exclusive("ReentrantLock", 2, kind, 20));
      rows.add(exclusive("ReentrantLock", 4, kind, 18));
      rows.add(exclusive("TicketLock", 1, kind, 50));
      rows.add(exclusive("TicketLock", 2, kind, 25));
      rows.add(exclusive("TicketLock", 4, kind, 0.5));
    }
    for (int reads : List.of(0, 90)) {
      rows.add(readWrite("RWMutex", reads, 1, 30 + reads));
      rows.add(readWrite("RWMutex", reads, 2, 15 + reads));
      rows.add(readWrite("RWMutex", reads, 4, 10 + reads));
    }
    return "[" + String.join(",\n", rows) + "]";
  }

  @Test
  void parsesJmhRows() {
    List<JmhResult> results = JmhResult.parse(sample());
    assertEquals(18, results.size());
    JmhResult first = results.get(0);
    assertEquals("dev.weft.bench.locks.LockBench.run", first.benchmark());
    assertEquals("ReentrantLock", first.params().get("lock"));
    assertEquals(40.0, first.score());
    assertEquals(0.5, first.error());
    assertEquals("ops/us", first.unit());
    assertTrue(first.jdk().contains("25+36-LTS"), first.jdk());
    assertEquals("1 fork(s), 1 x 200 ms warm-up, 1 x 400 ms measurement", first.settings());
    assertTrue(Double.isNaN(results.get(17).error()), "\"NaN\" error reads as NaN");
  }

  @Test
  void groupsIntoOneChartPerShapeWithReferencesInReadCharts() {
    List<LockReport.Chart> charts = LockReport.charts(JmhResult.parse(sample()));
    List<String> files = charts.stream().map(c -> c.shape().fileName()).toList();
    assertEquals(
        List.of(
            "locks-platform-cs10-out0-r0.svg",
            "locks-platform-cs10-out0-r90.svg",
            "locks-virtual-cs10-out0-r0.svg"),
        files);
    LockReport.Chart zero = charts.get(0);
    assertEquals(
        List.of("ReentrantLock", "TicketLock", "RWMutex"),
        zero.series().stream().map(Series::strategy).toList());
    assertEquals(List.of(1, 2, 4), zero.threads());
    LockReport.Chart ninety = charts.get(1);
    assertEquals(
        List.of("ReentrantLock", "RWMutex"),
        ninety.series().stream().map(Series::strategy).toList(),
        "the read chart draws the exclusive reference, not every exclusive lock");
    assertEquals(100.0, ninety.series().get(1).at(4));
  }

  @Test
  void writesTheReportAndOneNonEmptyChartPerShape(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("locks-stale-cs1-out1-r1.svg"), "<svg/>");
    List<Path> written = LockReport.write(JmhResult.parse(sample()), INFO, dir);
    assertEquals(4, written.size());
    assertFalse(Files.exists(dir.resolve("locks-stale-cs1-out1-r1.svg")), "old charts removed");

    String md = Files.readString(dir.resolve("README.md"));
    assertTrue(md.contains("# Lock strategy lab: quick profile"), md);
    assertTrue(md.contains("Smoke data, not a measurement"), md);
    assertTrue(md.contains("Test CPU, 2 logical CPUs"), md);
    assertTrue(md.contains("OpenJDK 64-Bit Server VM 25+36-LTS (JDK 25)"), md);
    assertTrue(md.contains("2 min 05 s"), md);
    assertTrue(
        md.contains(
            "![platform threads, critical section 10 tokens, outside 0 tokens, 0% reads](locks-platform-cs10-out0-r0.svg)"),
        md);
    assertTrue(md.contains("| strategy | 1 thread | 2 threads | 4 threads |"), md);
    // TicketLock wins at 1 and 2 threads (bold), ratio to ReentrantLock, error shown.
    assertTrue(
        md.contains(
            "| TicketLock | **50.0 ±0.500 (1.25×)** | **25.0 ±0.500 (1.25×)** | 0.500 ±0.500 (0.03×) |"),
        md);
    // The winners table and the collapse list.
    assertTrue(
        md.contains(
            "| platform threads, critical section 10 tokens, outside 0 tokens, 0% reads | TicketLock 50.0 | TicketLock 25.0 | ReentrantLock 18.0 |"),
        md);
    assertTrue(
        md.contains("TicketLock at 4 threads reaches 1% of its best (50.0 at 1 threads)"), md);
    assertFalse(md.contains("ReentrantLock at 4 threads reaches"), "18 of 40 is no collapse");
    assertFalse(md.contains("NaN"), md);

    for (Path svg : written.subList(1, written.size())) {
      String text = Files.readString(svg);
      assertTrue(text.startsWith("<svg xmlns=\"http://www.w3.org/2000/svg\""), svg.toString());
      assertTrue(text.strip().endsWith("</svg>"), svg.toString());
      assertFalse(text.contains("NaN"), svg + " has NaN coordinates");
      List<String> lines = polylines(text);
      assertFalse(lines.isEmpty(), svg + " draws no line");
      for (String points : lines) {
        assertEquals(3, points.split(" ").length, svg + ": a line with a missing point: " + points);
      }
    }
    String platform = Files.readString(dir.resolve("locks-platform-cs10-out0-r0.svg"));
    assertEquals(3, polylines(platform).size());
    assertTrue(
        platform.contains(">TicketLock  0.500</text>"), "legend gives the score at 4 threads");
    assertTrue(platform.contains(">weft RWMutex  10.0</text>"), platform);
  }

  @Test
  void linesRiseWhereScoresRise() {
    Series s =
        new Series(
            "McsLock",
            List.of(new Series.Point(1, 1, Double.NaN), new Series.Point(2, 100, Double.NaN)));
    String svg = SvgChart.render("t", "u", List.of(s));
    String[] points = polylines(svg).get(0).split(" ");
    double y1 = Double.parseDouble(points[0].split(",")[1]);
    double y2 = Double.parseDouble(points[1].split(",")[1]);
    assertTrue(y2 < y1, "a higher score is drawn higher (smaller y): " + y1 + " vs " + y2);
    double x1 = Double.parseDouble(points[0].split(",")[0]);
    double x2 = Double.parseDouble(points[1].split(",")[0]);
    assertTrue(x2 > x1, "more threads to the right");
  }

  @Test
  void confidenceIntervalsAreDrawnWhereJmhGaveThem() {
    Series withError =
        new Series(
            "McsLock", List.of(new Series.Point(1, 15, 2), new Series.Point(2, 30, Double.NaN)));
    String svg = SvgChart.render("t", "u", List.of(withError));
    Matcher whisker = Pattern.compile("<path d=\"M([\\d.]+) ([\\d.]+)V([\\d.]+)").matcher(svg);
    assertTrue(whisker.find(), svg);
    double top = Double.parseDouble(whisker.group(2));
    double bottom = Double.parseDouble(whisker.group(3));
    String[] points = polylines(svg).get(0).split(" ");
    double y = Double.parseDouble(points[0].split(",")[1]);
    assertTrue(
        top < y && y < bottom, "the interval spans the point: " + top + " " + y + " " + bottom);
    assertFalse(whisker.find(), "no interval where JMH gave none");
  }

  @Test
  void axisLabelsCarryNoTrailingZeros() {
    assertEquals("5", SvgChart.tick(5.0));
    assertEquals("0.5", SvgChart.tick(0.5));
    assertEquals("0.002", SvgChart.tick(0.002));
    assertEquals("100", SvgChart.tick(100));
  }

  @Test
  void refusesToDrawAnEmptyChart() {
    assertThrows(IllegalArgumentException.class, () -> SvgChart.render("t", "u", List.of()));
    Series nan = new Series("TasLock", List.of(new Series.Point(1, Double.NaN, Double.NaN)));
    assertThrows(IllegalArgumentException.class, () -> SvgChart.render("t", "u", List.of(nan)));
    Series zero = new Series("TasLock", List.of(new Series.Point(1, 0, Double.NaN)));
    assertThrows(IllegalArgumentException.class, () -> SvgChart.render("t", "u", List.of(zero)));
  }

  @Test
  void refusesToReportNothingOrResultsWithoutTheGrid(@TempDir Path dir) {
    assertThrows(
        IllegalArgumentException.class, () -> LockReport.write(JmhResult.parse("[]"), INFO, dir));
    String noLock =
        "[" + row("LockBench", "\"threads\" : \"1\", \"kind\" : \"platform\"", "1.0", "0") + "]";
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> LockReport.write(JmhResult.parse(noLock), INFO, dir));
    assertTrue(e.getMessage().contains("'lock'"), e.getMessage());
    String allNaN =
        "["
            + row(
                "LockBench",
                "\"lock\" : \"TasLock\", \"threads\" : \"1\", \"kind\" : \"platform\"",
                "\"NaN\"",
                "\"NaN\"")
            + "]";
    assertThrows(
        IllegalArgumentException.class, () -> LockReport.write(JmhResult.parse(allNaN), INFO, dir));
    assertFalse(Files.exists(dir.resolve("README.md")), "nothing is written when it fails");
  }

  private static List<String> polylines(String svg) {
    List<String> found = new ArrayList<>();
    Matcher m = Pattern.compile("<polyline [^>]*points=\"([^\"]*)\"").matcher(svg);
    while (m.find()) {
      found.add(m.group(1));
    }
    return found;
  }
}
