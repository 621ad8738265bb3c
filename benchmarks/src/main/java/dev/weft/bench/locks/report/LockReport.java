package dev.weft.bench.locks.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Turns the JMH results of {@code LockBench} and {@code RwLockBench} into a Markdown report with
 * one SVG chart per shape (thread kind, critical-section length, work outside the lock, read
 * share): throughput against threads, one line per strategy.
 *
 * <p>Exclusive locks go into the 0% read-share charts. Reader-writer strategies go into the chart
 * of their read share; the charts of read shares above 0 also draw {@link #REFERENCES}, exclusive
 * locks that treat every read as a write, so that a reader sees what the read share buys.
 */
public final class LockReport {
  /** Exclusive strategies also drawn in the charts of read shares above 0%. */
  static final List<String> REFERENCES = List.of("ReentrantLock", "synchronized");

  /** The strategy every score is compared with, in the tables. */
  static final String BASELINE = "ReentrantLock";

  /** A strategy whose throughput at the most threads is below this share of its best collapsed. */
  static final double COLLAPSE = 0.25;

  /** The name of the report file in the output folder. */
  public static final String REPORT = "README.md";

  private LockReport() {}

  /**
   * One chart's coordinates.
   *
   * @param kind platform or virtual
   * @param critical consumeCPU tokens inside the lock, or -1 if not a parameter
   * @param outside consumeCPU tokens between acquisitions, or -1 if not a parameter
   * @param readPercent the share of reads, 0 for exclusive locks
   */
  public record Shape(String kind, int critical, int outside, int readPercent) {
    static final Comparator<Shape> ORDER =
        Comparator.comparing(Shape::kind)
            .thenComparingInt(Shape::critical)
            .thenComparingInt(Shape::outside)
            .thenComparingInt(Shape::readPercent);

    /** A readable description. */
    public String title() {
      StringBuilder s = new StringBuilder(kind + " threads");
      if (critical >= 0) {
        s.append(", critical section ").append(critical).append(" tokens");
      }
      if (outside >= 0) {
        s.append(", outside ").append(outside).append(" tokens");
      }
      return s.append(", ").append(readPercent).append("% reads").toString();
    }

    /** The chart's file name. */
    public String fileName() {
      return String.format(
          Locale.ROOT, "locks-%s-cs%d-out%d-r%d.svg", kind, critical, outside, readPercent);
    }
  }

  /**
   * A chart: its shape and its lines.
   *
   * @param shape where it sits in the grid
   * @param series one per strategy
   */
  public record Chart(Shape shape, List<Series> series) {
    /** The thread counts measured, in order. */
    public List<Integer> threads() {
      TreeSet<Integer> t = new TreeSet<>();
      series.forEach(s -> s.points().forEach(p -> t.add(p.threads())));
      return new ArrayList<>(t);
    }
  }

  /**
   * Groups results into charts, ordered by thread kind, critical section, outside work and read
   * share.
   *
   * @throws IllegalArgumentException if there are no results, or one lacks the {@code lock}, {@code
   *     threads} or {@code kind} parameter
   */
  public static List<Chart> charts(List<JmhResult> results) {
    if (results.isEmpty()) {
      throw new IllegalArgumentException("no JMH results: nothing to report");
    }
    Map<Shape, Map<String, TreeMap<Integer, Series.Point>>> grid = new TreeMap<>(Shape.ORDER);
    // The read-share charts, to which exclusive references are added.
    Set<Shape> readCharts = new TreeSet<>(Shape.ORDER);
    for (JmhResult r : results) {
      String share = r.params().get("readPercent");
      if (share != null && Integer.parseInt(share) > 0) {
        readCharts.add(
            new Shape(
                required(r, "kind"),
                optionalInt(r, "critical"),
                optionalInt(r, "outside"),
                Integer.parseInt(share)));
      }
    }
    for (JmhResult r : results) {
      String strategy = required(r, "lock");
      int threads = Integer.parseInt(required(r, "threads"));
      String kind = required(r, "kind");
      int critical = optionalInt(r, "critical");
      int outside = optionalInt(r, "outside");
      Series.Point point = new Series.Point(threads, r.score(), r.error());
      String share = r.params().get("readPercent");
      if (share != null) {
        add(grid, new Shape(kind, critical, outside, Integer.parseInt(share)), strategy, point);
        continue;
      }
      add(grid, new Shape(kind, critical, outside, 0), strategy, point);
      if (REFERENCES.contains(strategy)) {
        for (Shape rw : readCharts) {
          if (rw.kind().equals(kind) && rw.critical() == critical && rw.outside() == outside) {
            add(grid, rw, strategy, point);
          }
        }
      }
    }
    List<Chart> charts = new ArrayList<>();
    grid.forEach(
        (shape, byStrategy) -> {
          List<Series> series = new ArrayList<>();
          byStrategy.forEach(
              (name, points) -> series.add(new Series(name, List.copyOf(points.values()))));
          charts.add(new Chart(shape, series));
        });
    return charts;
  }

  /**
   * Writes the report and its charts into {@code dir}, replacing the charts of an earlier report.
   *
   * @return the files written, the report first
   * @throws IllegalArgumentException if there is nothing to report or a chart would be empty
   */
  public static List<Path> write(List<JmhResult> results, RunInfo info, Path dir)
      throws IOException {
    List<Chart> charts = charts(results);
    Map<Path, String> files = new LinkedHashMap<>();
    String unit = results.get(0).unit();
    for (Chart c : charts) {
      files.put(
          dir.resolve(c.shape().fileName()),
          SvgChart.render(c.shape().title(), axisLabel(unit), c.series()));
    }
    String md = markdown(charts, results, info);
    Files.createDirectories(dir);
    try (DirectoryStream<Path> old = Files.newDirectoryStream(dir, "locks-*.svg")) {
      for (Path p : old) {
        Files.delete(p);
      }
    }
    List<Path> written = new ArrayList<>();
    Path report = dir.resolve(REPORT);
    Files.writeString(report, md, StandardCharsets.UTF_8);
    written.add(report);
    for (Map.Entry<Path, String> f : files.entrySet()) {
      Files.writeString(f.getKey(), f.getValue(), StandardCharsets.UTF_8);
      written.add(f.getKey());
    }
    return written;
  }

  /** The Markdown report for {@code charts}. */
  static String markdown(List<Chart> charts, List<JmhResult> results, RunInfo info) {
    JmhResult first = results.get(0);
    StringBuilder md = new StringBuilder();
    md.append("# Lock strategy lab: ").append(info.profile()).append(" profile\n\n");
    if ("quick".equals(info.profile())) {
      md.append(
          "> **Smoke data, not a measurement.** The quick profile runs one short warm-up and one"
              + " short measurement per point, on whatever else the machine is doing. It shows that"
              + " every strategy runs and what the report looks like; no claim rests on it. The"
              + " standard and full profiles are the ones to read.\n\n");
    }
    md.append("- Machine: ").append(info.machine()).append('\n');
    md.append("- JDK: ").append(first.jdk()).append('\n');
    md.append("- Date: ").append(info.date()).append('\n');
    md.append("- JMH: ").append(first.settings()).append(" per point\n");
    if (info.wallSeconds() >= 0) {
      md.append(
          String.format(
              Locale.ROOT,
              "- Wall time of the JMH run: %d min %02d s\n",
              info.wallSeconds() / 60,
              info.wallSeconds() % 60));
    }
    md.append("- Command: `").append(info.command()).append("`\n");
    md.append("- Raw data: [jmh-result.json](jmh-result.json)\n\n");
    md.append("Throughput in ")
        .append(axisLabel(first.unit()))
        .append(
            ", higher is better; the charts' y axes are logarithmic. One operation: acquire the"
                + " lock, burn `critical` tokens of `Blackhole.consumeCPU`, increment (or, for a"
                + " read, read) a shared counter, release, then burn `outside` tokens. Each cell"
                + " gives the score, its 99.9% confidence half-width when JMH had iterations"
                + " enough for one, and its ratio to "
                + BASELINE
                + " at the same thread count. Beyond the machine's core count, threads outnumber"
                + " cores.\n\n");

    md.append("## Which strategy wins where\n\n");
    List<Integer> allThreads =
        new ArrayList<>(new TreeSet<>(charts.stream().flatMap(c -> c.threads().stream()).toList()));
    md.append("| shape |");
    allThreads.forEach(t -> md.append(' ').append(t).append(t == 1 ? " thread |" : " threads |"));
    md.append("\n|---|");
    allThreads.forEach(t -> md.append("---|"));
    md.append('\n');
    for (Chart c : charts) {
      md.append("| ").append(c.shape().title()).append(" |");
      for (int t : allThreads) {
        Series best = null;
        for (Series s : c.series()) {
          if (Series.usable(s.at(t)) && (best == null || s.at(t) > best.at(t))) {
            best = s;
          }
        }
        md.append(' ')
            .append(
                best == null
                    ? "-"
                    : Style.label(best.strategy()) + " " + SvgChart.number(best.at(t)))
            .append(" |");
      }
      md.append('\n');
    }

    md.append("\n## Where throughput collapses\n\n");
    md.append(
        String.format(
            Locale.ROOT,
            "Strategies whose throughput at the most threads measured is below %.0f%% of their"
                + " own best in the same chart.\n\n",
            COLLAPSE * 100));
    int collapses = 0;
    for (Chart c : charts) {
      for (Series s : c.series()) {
        double best = s.best();
        double last = s.last();
        if (s.points().size() > 1
            && Series.usable(best)
            && Series.usable(last)
            && last < COLLAPSE * best) {
          Series.Point peak =
              s.points().stream().filter(p -> p.score() == best).findFirst().orElseThrow();
          md.append(
              String.format(
                  Locale.ROOT,
                  "- %s: %s at %d threads reaches %.0f%% of its best (%s at %d threads).%n",
                  c.shape().title(),
                  Style.label(s.strategy()),
                  s.points().get(s.points().size() - 1).threads(),
                  100 * last / best,
                  SvgChart.number(best),
                  peak.threads()));
          collapses++;
        }
      }
    }
    if (collapses == 0) {
      md.append("- None.\n");
    }

    md.append("\n## Charts and tables\n");
    for (Chart c : charts) {
      md.append("\n### ").append(c.shape().title()).append("\n\n");
      md.append("![")
          .append(c.shape().title())
          .append("](")
          .append(c.shape().fileName())
          .append(")\n\n");
      if (c.shape().readPercent() > 0) {
        md.append(
            "ReentrantLock and synchronized are drawn for reference: they treat reads as writes.\n\n");
      }
      table(md, c);
    }
    return md.toString();
  }

  private static void table(StringBuilder md, Chart c) {
    List<Integer> threads = c.threads();
    int last = threads.get(threads.size() - 1);
    List<Series> rows = new ArrayList<>(c.series());
    rows.sort(
        Comparator.comparingDouble((Series s) -> Series.usable(s.at(last)) ? s.at(last) : -1)
            .reversed()
            .thenComparing(Series::strategy));
    Series baseline = null;
    for (Series s : c.series()) {
      if (s.strategy().equals(BASELINE)) {
        baseline = s;
      }
    }
    md.append("| strategy |");
    threads.forEach(t -> md.append(' ').append(t).append(t == 1 ? " thread |" : " threads |"));
    md.append("\n|---|");
    threads.forEach(t -> md.append("---:|"));
    md.append('\n');
    for (Series s : rows) {
      md.append("| ").append(Style.label(s.strategy())).append(" |");
      for (int t : threads) {
        Series.Point p = s.pointAt(t);
        md.append(' ');
        if (p == null || !Series.usable(p.score())) {
          md.append("-");
        } else {
          boolean best = true;
          for (Series other : c.series()) {
            if (other.at(t) > p.score()) {
              best = false;
            }
          }
          String cell = SvgChart.number(p.score());
          if (Double.isFinite(p.error())) {
            cell += " ±" + SvgChart.number(p.error());
          }
          if (baseline != null && Series.usable(baseline.at(t))) {
            cell += String.format(Locale.ROOT, " (%.2f×)", p.score() / baseline.at(t));
          }
          md.append(best ? "**" + cell + "**" : cell);
        }
        md.append(" |");
      }
      md.append('\n');
    }
  }

  static String axisLabel(String unit) {
    return "ops/us".equals(unit) ? "million operations per second (ops/µs)" : unit;
  }

  private static void add(
      Map<Shape, Map<String, TreeMap<Integer, Series.Point>>> grid,
      Shape shape,
      String strategy,
      Series.Point point) {
    grid.computeIfAbsent(shape, s -> new LinkedHashMap<>())
        .computeIfAbsent(strategy, s -> new TreeMap<>())
        .put(point.threads(), point);
  }

  private static String required(JmhResult r, String param) {
    String v = r.params().get(param);
    if (v == null) {
      throw new IllegalArgumentException(r.benchmark() + " has no '" + param + "' parameter");
    }
    return v;
  }

  private static int optionalInt(JmhResult r, String param) {
    String v = r.params().get(param);
    return v == null ? -1 : Integer.parseInt(v);
  }
}
