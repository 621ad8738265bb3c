package dev.weft.bench.report;

import dev.weft.bench.locks.report.JmhResult;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a JMH JSON file of {@code ChannelBench} (with its nested queue benchmarks), {@code
 * SelectBench} and {@code TickerBench} (and, optionally, the output of {@code
 * ../shared/baselines/go-channels/run}) into a Markdown report: a table of ns per element with
 * ratios for each thread kind, the JCTools and Agrona variants one by one, the ticker, and the
 * performance targets with whether each holds; and one SVG bar chart per thread kind.
 *
 * <p>Usage: {@code java -cp benchmarks.jar dev.weft.bench.report.ChannelReport [--readme README.md]
 * jmh.json [go-output.txt] out-dir}. With {@code --readme}, it also rewrites the part of that file
 * between {@value #START} and {@value #END} with a summary: one row per shape and thread kind, the
 * tickers, and the targets that do not hold.
 */
public final class ChannelReport {
  private ChannelReport() {}

  /**
   * One benchmark shape: how to find it in JMH's results and in Go's.
   *
   * @param queues the benchmark of the JCTools and Agrona queues in this shape, or null
   */
  record Shape(
      String label, String benchmark, String capacity, String channels, String go, String queues) {}

  private static final String ONE = "ChannelBench.oneToOne";
  private static final String MANY = "ChannelBench.ManyToMany.fourToFour";
  private static final String QUEUES_ONE = "ChannelBench.Queues.oneToOne";
  private static final String QUEUES_MANY = "ChannelBench.QueuesManyToMany.fourToFour";

  static final List<Shape> SHAPES =
      List.of(
          new Shape("buffered 16, 1:1", ONE, "16", null, "BenchmarkSPSC_Buf16", QUEUES_ONE),
          new Shape("buffered 1024, 1:1", ONE, "1024", null, "BenchmarkSPSC_Buf1024", QUEUES_ONE),
          new Shape("unbuffered, 1:1", ONE, "0", null, "BenchmarkSPSC_Unbuffered", null),
          new Shape("buffered 16, 4x4", MANY, "16", null, "BenchmarkMPMC4x4_Buf16", QUEUES_MANY),
          new Shape(
              "buffered 1024, 4x4", MANY, "1024", null, "BenchmarkMPMC4x4_Buf1024", QUEUES_MANY),
          new Shape("unbuffered, 4x4", MANY, "0", null, "BenchmarkMPMC4x4_Unbuffered", null),
          new Shape(
              "ping-pong round trip",
              "ChannelBench.PingPong.roundTrip",
              null,
              null,
              "BenchmarkPingPong",
              null),
          new Shape(
              "select over 2", "SelectBench.sendAndReceive", null, "2", "BenchmarkSelect2", null),
          new Shape("select over 4", "SelectBench.sendAndReceive", null, "4", null, null));

  static final List<String> IMPLS = List.of("weft", "jox", "jdk", "ltq");

  /** The JCTools and Agrona variants, in the order of the detail table. */
  static final List<String> QUEUES =
      List.of(
          "jctools-spsc-park",
          "jctools-mpmc-park",
          "agrona-spsc-park",
          "agrona-mpsc-park",
          "agrona-mpmc-park",
          "jctools-spsc-spin",
          "jctools-mpmc-spin",
          "agrona-spsc-spin",
          "agrona-mpsc-spin",
          "agrona-mpmc-spin");

  private static final List<String> KINDS = List.of("platform", "virtual");

  /** Marks the start of the README's generated channel summary. */
  static final String START = "<!-- channel-report:start -->";

  /** Marks its end. */
  static final String END = "<!-- channel-report:end -->";

  /** The fastest of a set of variants: its name and score (NaN when none ran). */
  record Best(String name, double score) {}

  /**
   * Writes the report.
   *
   * @param args the JMH JSON file, optionally Go's benchmark output, and the output folder
   * @throws IOException if a file cannot be read or written
   */
  public static void main(String[] args) throws IOException {
    Path readme = null;
    if (args.length > 1 && args[0].equals("--readme")) {
      readme = Path.of(args[1]);
      args = java.util.Arrays.copyOfRange(args, 2, args.length);
    }
    if (args.length < 2) {
      throw new IllegalArgumentException(
          "usage: ChannelReport [--readme README.md] jmh.json [go.txt] out-dir");
    }
    String readmeText = null;
    if (readme != null) {
      if (!Files.isRegularFile(readme)) {
        throw new IllegalArgumentException("no README at " + readme);
      }
      readmeText = Files.readString(readme, StandardCharsets.UTF_8);
      withSummary(readmeText, ""); // checks the markers before anything is written
    }
    List<JmhResult> results = JmhResult.read(Path.of(args[0]));
    Map<String, List<Double>> goRuns = args.length > 2 ? goRuns(Path.of(args[1])) : Map.of();
    Map<String, Double> go = means(goRuns);
    Path out = Path.of(args[args.length - 1]);
    Files.createDirectories(out);
    StringBuilder md = new StringBuilder();
    String jdk = results.isEmpty() ? "?" : results.get(0).jdk();
    String settings = results.isEmpty() ? "?" : results.get(0).settings();
    md.append("# Channels: weft against Jox, the JDK's queues, JCTools, Agrona and Go\n\n")
        .append("ns per element (per round trip for ping-pong; per select for select), lower is ")
        .append("better. `jdk` is `ArrayBlockingQueue` when buffered and `SynchronousQueue` when ")
        .append("unbuffered; `ltq` is `LinkedTransferQueue`. `park` and `spin` are the fastest ")
        .append("JCTools or Agrona array queue in that shape, made blocking by parking (woken by ")
        .append("the other side, as weft's waiters are) or by Agrona's `BackoffIdleStrategy`; ")
        .append("each variant is listed below. `x` columns are the peer's time over weft's; ")
        .append("`/Go` is weft's time over Go's. Go ran separately on the same machine: its ")
        .append("figure is the mean of its runs (see the end). ")
        .append(jdk)
        .append("; ")
        .append(settings)
        .append(".\n\n")
        .append(floor(results));
    for (String kind : KINDS) {
      md.append("## ")
          .append(kind)
          .append(" threads\n\n")
          .append("| shape | weft | jox | jdk | ltq | park | spin | Go |")
          .append(" jox x | jdk x | park x | /Go |\n")
          .append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
      List<double[]> bars = new ArrayList<>();
      for (Shape s : SHAPES) {
        double[] v = new double[IMPLS.size()];
        for (int i = 0; i < IMPLS.size(); i++) {
          v[i] = find(results, s, IMPLS.get(i), kind);
        }
        Best park = best(results, s, kind, "-park");
        Best spin = best(results, s, kind, "-spin");
        double g = goFigure(go, s);
        bars.add(new double[] {v[0], v[1], v[2], v[3], park.score(), g});
        md.append("| ").append(s.label());
        for (double x : v) {
          md.append(" | ").append(fmt(x));
        }
        md.append(" | ")
            .append(named(park))
            .append(" | ")
            .append(named(spin))
            .append(" | ")
            .append(fmt(g))
            .append(" | ")
            .append(ratio(v[1], v[0]))
            .append(" | ")
            .append(ratio(v[2], v[0]))
            .append(" | ")
            .append(ratio(park.score(), v[0]))
            .append(" | ")
            .append(ratio(v[0], g))
            .append(" |\n");
      }
      md.append("\n![").append(kind).append("](channels-").append(kind).append(".svg)\n\n");
      Files.writeString(
          out.resolve("channels-" + kind + ".svg"), svg(kind, bars), StandardCharsets.UTF_8);
    }
    queueTable(md, results);
    tickerTable(md, results);
    targetTable(md, results, go);
    List<Placements.Split> splits = Placements.read(Path.of(args[0]));
    placementTable(md, results, splits, go);
    goTable(md, goRuns);
    Files.writeString(out.resolve("README.md"), md.toString(), StandardCharsets.UTF_8);
    if (readme != null) {
      Files.writeString(
          readme,
          withSummary(readmeText, summary(results, go) + placementSummary(results, splits, go)),
          StandardCharsets.UTF_8);
    }
  }

  /**
   * {@code text} with whatever lay between its markers replaced by {@code summary}.
   *
   * @throws IllegalArgumentException if the markers are missing, repeated or out of order
   */
  static String withSummary(String text, String summary) {
    return withSection(text, START, END, summary);
  }

  /**
   * {@code text} with whatever lay between the lines {@code start} and {@code end} replaced by
   * {@code body}: how each report writes its part of the README.
   *
   * @throws IllegalArgumentException if the markers are missing, repeated or out of order
   */
  static String withSection(String text, String start, String end, String body) {
    int from = text.indexOf(start);
    int to = text.indexOf(end);
    if (from < 0
        || to < from
        || text.indexOf(start, from + 1) >= 0
        || text.indexOf(end, to + 1) >= 0) {
      throw new IllegalArgumentException(
          "the README needs one " + start + " followed by one " + end + " line");
    }
    return text.substring(0, from + start.length()) + "\n" + body + text.substring(to);
  }

  /**
   * The README's summary: every shape and thread kind with weft, Jox, the JDK's queue and the
   * fastest parking JCTools or Agrona queue (each with its time over weft's), and Go; the tickers;
   * and the targets, saying plainly which do not hold.
   */
  static String summary(List<JmhResult> results, Map<String, Double> go) {
    StringBuilder md = new StringBuilder();
    String jdk = results.isEmpty() ? "?" : results.get(0).jdk();
    String settings = results.isEmpty() ? "?" : results.get(0).settings();
    md.append("ns per element, lower is better; in brackets the peer's time over weft's. ")
        .append(jdk)
        .append(", ")
        .append(settings)
        .append(".\n\n")
        .append("| shape | threads | weft | Jox 1.0.1 | JDK queue | fastest parking JCTools/Agrona")
        .append(" | Go |\n|---|---|---:|---:|---:|---:|---:|\n");
    for (Shape s : SHAPES) {
      for (String kind : KINDS) {
        double w = find(results, s, "weft", kind);
        if (Double.isNaN(w)) {
          continue;
        }
        Best park = best(results, s, kind, "-park");
        md.append("| ")
            .append(s.label())
            .append(" | ")
            .append(kind)
            .append(" | ")
            .append(round(w))
            .append(" | ")
            .append(withRatio(find(results, s, "jox", kind), w))
            .append(" | ")
            .append(withRatio(find(results, s, "jdk", kind), w))
            .append(" | ")
            .append(
                Double.isNaN(park.score())
                    ? ""
                    : withRatio(park.score(), w) + " `" + park.name() + "`")
            .append(" | ")
            .append(kind.equals("virtual") ? round(goFigure(go, s)) : "")
            .append(" |\n");
      }
    }
    double ticker = score(results, "TickerBench.weftTickerStartStop");
    double stpe = score(results, "TickerBench.jdkFixedRateStartCancel");
    if (!Double.isNaN(ticker)) {
      md.append("\n`Ticker.every` + `stop`: ")
          .append(round(ticker))
          .append(" ns, with `channel()` ")
          .append(round(score(results, "TickerBench.weftTickerStartChannelStop")))
          .append(" ns; `ScheduledThreadPoolExecutor` `scheduleAtFixedRate` + `cancel`: ")
          .append(round(stpe))
          .append(" ns.\n");
    }
    String floor = floor(results);
    md.append(floor.isEmpty() ? "" : "\n" + floor);
    List<String[]> targets = targets(results, go);
    List<String> missed = new ArrayList<>();
    List<String> unmeasured = new ArrayList<>();
    for (String[] t : targets) {
      if (t[1].isEmpty()) {
        unmeasured.add(t[0]);
      } else if (!t[3].equals("yes")) {
        missed.add(t[0] + " (" + t[1] + ", " + t[2] + ")");
      }
    }
    int measured = targets.size() - unmeasured.size();
    md.append("\nTargets: ")
        .append(measured - missed.size())
        .append(" of the ")
        .append(measured)
        .append(" measured hold")
        .append(missed.isEmpty() ? ".\n" : "; these do not:\n\n");
    for (String m : missed) {
      md.append("- ").append(m).append('\n');
    }
    if (!unmeasured.isEmpty()) {
      md.append("\nNot measured in this run: ").append(String.join("; ", unmeasured)).append(".\n");
    }
    return md.toString();
  }

  /**
   * The machine's hand-off floor measured in the same run ({@code CoreLatencyBench}), as a
   * paragraph, or "" if the run did not measure it.
   */
  static String floor(List<JmhResult> results) {
    List<String> parts = new ArrayList<>();
    for (String kind : KINDS) {
      double v = score(results, "CoreLatencyBench." + kind + "RoundTrip");
      if (!Double.isNaN(v)) {
        parts.add(round(v) + " ns on " + kind + " threads");
      }
    }
    if (parts.isEmpty()) {
      return "";
    }
    return "The machine's floor, same run: a cache-line round trip between two spinning threads"
        + " took "
        + String.join(" and ", parts)
        + " (`CoreLatencyBench`). A hand-off from one core to another cannot take less than about"
        + " half of it; on a virtual machine it moves with where the hypervisor places the virtual"
        + " CPUs.\n\n";
  }

  private static String round(double v) {
    return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.0f", v);
  }

  private static String withRatio(double peer, double weft) {
    return Double.isNaN(peer)
        ? ""
        : round(peer) + " (" + String.format(Locale.ROOT, "%.2fx", peer / weft) + ")";
  }

  private static void queueTable(StringBuilder md, List<JmhResult> results) {
    md.append("## JCTools 4.0.5 and Agrona 2.6.0, every variant\n\n")
        .append("`spsc`: JCTools `SpscArrayQueue`, Agrona `OneToOneConcurrentArrayQueue`; ")
        .append("`mpmc`: JCTools `MpmcArrayQueue`, Agrona `ManyToManyConcurrentArrayQueue`; ")
        .append("`mpsc`: Agrona `ManyToOneConcurrentArrayQueue` (one consumer, so 1:1 only).\n\n")
        .append("| shape | threads | weft");
    for (String q : QUEUES) {
      md.append(" | ").append(q);
    }
    md.append(" |\n|---|---|---:");
    md.append("|---:".repeat(QUEUES.size())).append("|\n");
    for (Shape s : SHAPES) {
      if (s.queues() == null) {
        continue;
      }
      for (String kind : KINDS) {
        md.append("| ")
            .append(s.label())
            .append(" | ")
            .append(kind)
            .append(" | ")
            .append(fmt(find(results, s, "weft", kind)));
        for (String q : QUEUES) {
          md.append(" | ").append(fmt(findQueue(results, s, q, kind)));
        }
        md.append(" |\n");
      }
    }
    md.append('\n');
  }

  private static void tickerTable(StringBuilder md, List<JmhResult> results) {
    double weft = score(results, "TickerBench.weftTickerStartStop");
    double jdk = score(results, "TickerBench.jdkFixedRateStartCancel");
    if (Double.isNaN(weft) && Double.isNaN(jdk)) {
      return;
    }
    md.append("## Tickers\n\n")
        .append("| operation | weft | `ScheduledThreadPoolExecutor` | weft / JDK |\n")
        .append("|---|---:|---:|---:|\n")
        .append("| `Ticker.every` + `stop`, against `scheduleAtFixedRate` + `cancel` (ns) | ")
        .append(fmt(weft))
        .append(" | ")
        .append(fmt(jdk))
        .append(" | ")
        .append(ratio(weft, jdk))
        .append(" |\n\n");
  }

  /** The targets of the channel work, each with the figures that decide it. */
  static List<String[]> targets(List<JmhResult> results, Map<String, Double> go) {
    List<String[]> rows = new ArrayList<>();
    Shape unbuffered = shape("unbuffered, 1:1");
    Shape unbuffered4 = shape("unbuffered, 4x4");
    atLeast(
        rows, "unbuffered 1:1, virtual: Jox / weft", results, unbuffered, "jox", "virtual", 1.5);
    atLeast(
        rows,
        "unbuffered 1:1, virtual: SynchronousQueue / weft",
        results,
        unbuffered,
        "jdk",
        "virtual",
        1.0);
    atLeast(
        rows, "unbuffered 1:1, platform: Jox / weft", results, unbuffered, "jox", "platform", 10);
    atLeast(
        rows,
        "unbuffered 1:1, platform: SynchronousQueue / weft",
        results,
        unbuffered,
        "jdk",
        "platform",
        10);
    for (String kind : KINDS) {
      atLeast(
          rows, "unbuffered 4x4, " + kind + ": Jox / weft", results, unbuffered4, "jox", kind, 1);
      atLeast(
          rows,
          "unbuffered 4x4, " + kind + ": SynchronousQueue / weft",
          results,
          unbuffered4,
          "jdk",
          kind,
          1);
    }
    atLeast(
        rows,
        "buffered 16 1:1, virtual: Jox / weft",
        results,
        shape("buffered 16, 1:1"),
        "jox",
        "virtual",
        2);
    for (Shape s : SHAPES) {
      double g = goFigure(go, s);
      if (!Double.isNaN(g)) {
        double w = find(results, s, "weft", "virtual");
        rows.add(check(s.label() + ", virtual: weft / Go", w / g, w / g <= 1.5, "at most 1.5"));
      }
    }
    for (Shape s : SHAPES) {
      if (s.queues() == null) {
        continue;
      }
      for (String kind : KINDS) {
        Best park = best(results, s, kind, "-park");
        double w = find(results, s, "weft", kind);
        rows.add(
            check(
                s.label()
                    + ", "
                    + kind
                    + ": best parking queue"
                    + (park.name().isEmpty() ? "" : " (" + park.name() + ")")
                    + " / weft",
                park.score() / w,
                park.score() / w >= 1,
                "at least 1"));
      }
    }
    double ticker = score(results, "TickerBench.weftTickerStartStop");
    double stpe = score(results, "TickerBench.jdkFixedRateStartCancel");
    rows.add(
        check(
            "Ticker.every + stop / ScheduledThreadPoolExecutor schedule + cancel",
            ticker / stpe,
            ticker / stpe <= 1.2,
            "at most 1.2"));
    return rows;
  }

  /**
   * The targets again over the iterations of one placement each, if the run used {@code
   * PlacementProfiler}; nothing otherwise.
   */
  private static void placementTable(
      StringBuilder md,
      List<JmhResult> results,
      List<Placements.Split> splits,
      Map<String, Double> go) {
    if (!Placements.probed(splits)) {
      return;
    }
    List<String[]> all = targets(results, go);
    Map<Placements.Placement, List<String[]>> by = new EnumMap<>(Placements.Placement.class);
    StringBuilder header = new StringBuilder("| target | all |");
    for (Placements.Placement p : Placements.Placement.values()) {
      by.put(p, targets(results, splits, p, go));
      header.append(' ').append(p.name().toLowerCase(Locale.ROOT)).append(" |");
    }
    md.append("## Targets by placement\n\n")
        .append(placementCounts(splits))
        .append(" Ratios over the iterations of one placement only, at least ")
        .append(Placements.MIN_ITERATIONS)
        .append(" on each side; Go's figures are not split. A row names the fastest queue over all")
        .append(" iterations; its other columns take the fastest in that placement.\n\n")
        .append(header)
        .append(" wanted |\n|---|---:|")
        .append("---:|".repeat(by.size()))
        .append("---|\n");
    for (int i = 0; i < all.size(); i++) {
      md.append("| ").append(all.get(i)[0]).append(" | ").append(marked(all.get(i))).append(" | ");
      for (List<String[]> rows : by.values()) {
        md.append(marked(rows.get(i))).append(" | ");
      }
      md.append(all.get(i)[2]).append(" |\n");
    }
    md.append('\n');
  }

  /** The targets, each judged over the iterations of placement {@code p} only. */
  private static List<String[]> targets(
      List<JmhResult> results,
      List<Placements.Split> splits,
      Placements.Placement p,
      Map<String, Double> go) {
    return targets(Placements.rescored(results, splits, p), go);
  }

  /** A target's ratio, in bold where it misses. */
  private static String marked(String[] target) {
    return target[3].equals("**no**") ? "**" + target[1] + "**" : target[1];
  }

  /** How many iterations met each placement, as a sentence. */
  private static String placementCounts(List<Placements.Split> splits) {
    int near = 0;
    int far = 0;
    int mixed = 0;
    for (Placements.Split s : splits) {
      near += s.near().size();
      far += s.far().size();
      mixed += s.mixed();
    }
    return String.format(
        Locale.ROOT,
        "`PlacementProfiler` measured the cache-line round trip between the two cores before and"
            + " after every measurement iteration: %d iterations were near (both probes under"
            + " %.0f ns), %d far (both over %.0f ns) and %d mixed.",
        near,
        Placements.NEAR_NS,
        far,
        Placements.FAR_NS,
        mixed);
  }

  /**
   * For the README: how many targets hold over far iterations only and over near ones only, and
   * which verdicts differ from those over all iterations; "" if the run did not use {@code
   * PlacementProfiler}.
   */
  static String placementSummary(
      List<JmhResult> results, List<Placements.Split> splits, Map<String, Double> go) {
    if (!Placements.probed(splits)) {
      return "";
    }
    StringBuilder md = new StringBuilder("\n").append(placementCounts(splits));
    List<String[]> all = targets(results, go);
    for (Placements.Placement p : Placements.Placement.values()) {
      List<String[]> rows = targets(results, splits, p, go);
      List<String> differ = new ArrayList<>();
      int measured = 0;
      int hold = 0;
      for (int i = 0; i < rows.size(); i++) {
        String[] t = rows.get(i);
        if (t[3].equals("not measured")) {
          continue;
        }
        measured++;
        hold += t[3].equals("yes") ? 1 : 0;
        if (!t[3].equals(all.get(i)[3])) {
          differ.add(t[0] + " (" + (t[3].equals("yes") ? "holds" : "misses") + " at " + t[1] + ")");
        }
      }
      md.append(" Over ").append(p.name().toLowerCase(Locale.ROOT)).append(" iterations only: ");
      if (measured == 0) {
        md.append("too few to judge any target.");
      } else {
        md.append(hold)
            .append(" of ")
            .append(measured)
            .append(" hold")
            .append(
                differ.isEmpty()
                    ? ", the same verdicts as over all iterations."
                    : "; verdicts that differ from all iterations: "
                        + String.join("; ", differ)
                        + ".");
      }
    }
    return md.append('\n').toString();
  }

  private static void targetTable(
      StringBuilder md, List<JmhResult> results, Map<String, Double> go) {
    md.append("## Targets\n\n| target | ratio | wanted | holds |\n|---|---:|---|---|\n");
    for (String[] row : targets(results, go)) {
      md.append("| ").append(String.join(" | ", row)).append(" |\n");
    }
    md.append('\n');
  }

  private static void atLeast(
      List<String[]> rows,
      String what,
      List<JmhResult> results,
      Shape s,
      String peer,
      String kind,
      double wanted) {
    double r = find(results, s, peer, kind) / find(results, s, "weft", kind);
    rows.add(
        check(
            what,
            r,
            r >= wanted,
            "at least " + BigDecimal.valueOf(wanted).stripTrailingZeros().toPlainString()));
  }

  private static String[] check(String what, double ratio, boolean holds, String wanted) {
    return new String[] {
      what, fmtRatio(ratio), wanted, Double.isNaN(ratio) ? "not measured" : holds ? "yes" : "**no**"
    };
  }

  private static Shape shape(String label) {
    for (Shape s : SHAPES) {
      if (s.label().equals(label)) {
        return s;
      }
    }
    throw new IllegalArgumentException("no shape " + label);
  }

  static double find(List<JmhResult> results, Shape s, String impl, String kind) {
    return find(results, s.benchmark(), s, impl, kind);
  }

  static double findQueue(List<JmhResult> results, Shape s, String impl, String kind) {
    return s.queues() == null ? Double.NaN : find(results, s.queues(), s, impl, kind);
  }

  private static double find(
      List<JmhResult> results, String benchmark, Shape s, String impl, String kind) {
    for (JmhResult r : results) {
      if (!r.benchmark().endsWith("." + benchmark)) {
        continue;
      }
      Map<String, String> p = r.params();
      if (impl.equals(p.get("impl"))
          && kind.equals(p.get("kind"))
          && (s.capacity() == null || s.capacity().equals(p.get("capacity")))
          && (s.channels() == null || s.channels().equals(p.get("channels")))) {
        return r.score();
      }
    }
    return Double.NaN;
  }

  /** The fastest queue variant whose name ends with {@code suffix} in shape {@code s}. */
  static Best best(List<JmhResult> results, Shape s, String kind, String suffix) {
    Best best = new Best("", Double.NaN);
    for (String q : QUEUES) {
      double v = q.endsWith(suffix) ? findQueue(results, s, q, kind) : Double.NaN;
      if (!Double.isNaN(v) && (Double.isNaN(best.score()) || v < best.score())) {
        best = new Best(q, v);
      }
    }
    return best;
  }

  private static double score(List<JmhResult> results, String benchmark) {
    for (JmhResult r : results) {
      if (r.benchmark().endsWith("." + benchmark)) {
        return r.score();
      }
    }
    return Double.NaN;
  }

  private static double goFigure(Map<String, Double> go, Shape s) {
    return s.go() == null ? Double.NaN : go.getOrDefault(s.go(), Double.NaN);
  }

  /**
   * Go's figure for each benchmark: the mean of its runs ({@link #goRuns}), from one or more runs
   * of {@code ../shared/baselines/go-channels/run} one after another. One run measures each shape
   * for about a second in one placement of the machine's two virtual CPUs, and Go's own times move
   * up to twofold with that placement (hand-off-floor.md, section 14), so a single run is one draw;
   * the mean of several is comparable with JMH's mean over as many iterations.
   */
  static Map<String, Double> means(Map<String, List<Double>> runs) {
    Map<String, Double> m = new LinkedHashMap<>();
    runs.forEach((name, xs) -> m.put(name, mean(xs)));
    return m;
  }

  /** Every figure of each Go benchmark in {@code file}, in the order of the runs. */
  static Map<String, List<Double>> goRuns(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(
          "no Go baseline at " + file + ": run ../shared/baselines/go-channels/run > " + file);
    }
    Map<String, List<Double>> m = new LinkedHashMap<>();
    Pattern line = Pattern.compile("^(Benchmark[A-Za-z0-9_]+?)(-\\d+)?\\s+\\d+\\s+([0-9.]+) ns/op");
    for (String l : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      Matcher matcher = line.matcher(l.trim());
      if (matcher.find()) {
        m.computeIfAbsent(matcher.group(1), k -> new ArrayList<>())
            .add(Double.parseDouble(matcher.group(3)));
      }
    }
    return m;
  }

  private static double mean(List<Double> xs) {
    double sum = 0;
    for (double x : xs) {
      sum += x;
    }
    return sum / xs.size();
  }

  /** One row per Go benchmark: how many runs, their mean (Go's figure here), least and most. */
  private static void goTable(StringBuilder md, Map<String, List<Double>> runs) {
    if (runs.isEmpty()) {
      return;
    }
    md.append("## Go's runs\n\n")
        .append("Go's figure above is the mean of its runs, one after another right after the ")
        .append("JMH run; each run measures a shape for about a second, in whatever placement ")
        .append("the two virtual CPUs had then.\n\n")
        .append("| Go benchmark | runs | mean | least | most |\n|---|---:|---:|---:|---:|\n");
    runs.forEach(
        (name, xs) ->
            md.append("| ")
                .append(name)
                .append(" | ")
                .append(xs.size())
                .append(" | ")
                .append(fmt(mean(xs)))
                .append(" | ")
                .append(fmt(Collections.min(xs)))
                .append(" | ")
                .append(fmt(Collections.max(xs)))
                .append(" |\n"));
    md.append('\n');
  }

  static String fmt(double v) {
    return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.1f", v);
  }

  private static String named(Best b) {
    return Double.isNaN(b.score()) ? "" : fmt(b.score()) + " " + b.name();
  }

  static String ratio(double peer, double weft) {
    return Double.isNaN(peer) || Double.isNaN(weft) ? "" : fmtRatio(peer / weft);
  }

  private static String fmtRatio(double r) {
    return Double.isNaN(r) ? "" : String.format(Locale.ROOT, "%.2f", r);
  }

  private static final String[] COLORS = {
    "#1b7837", "#762a83", "#e08214", "#2166ac", "#b2182b", "#999999"
  };
  private static final String[] NAMES = {"weft", "jox", "jdk", "ltq", "park queue", "Go"};

  /** Horizontal grouped bars on a log scale, one group per shape. */
  static String svg(String kind, List<double[]> bars) {
    int left = 170;
    int width = 560;
    int barH = 7;
    int groupH = barH * NAMES.length + 10;
    int top = 40;
    int height = top + groupH * SHAPES.size() + 50;
    double lo = 10;
    double hi = 100_000;
    StringBuilder b = new StringBuilder();
    b.append(
            String.format(
                Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" font-size=\"11\">%n",
                left + width + 130,
                height))
        .append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n")
        .append(
            String.format(
                "<text x=\"%d\" y=\"20\" font-size=\"14\">Channels, %s threads: ns per element (log scale, lower is better)</text>%n",
                left - 150, kind));
    for (double t = lo; t <= hi; t *= 10) {
      double x = left + width * Math.log(t / lo) / Math.log(hi / lo);
      b.append(
          String.format(
              Locale.ROOT,
              "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#ddd\"/><text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
              x,
              top - 5,
              x,
              height - 40,
              x,
              height - 26,
              (long) t));
    }
    for (int g = 0; g < SHAPES.size(); g++) {
      int y0 = top + g * groupH;
      b.append(
          String.format(
              "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>%n",
              left - 8, y0 + groupH / 2, SHAPES.get(g).label()));
      double[] v = bars.get(g);
      for (int i = 0; i < v.length; i++) {
        if (Double.isNaN(v[i])) {
          continue;
        }
        double c = Math.max(lo, Math.min(hi, v[i]));
        double w = width * Math.log(c / lo) / Math.log(hi / lo);
        b.append(
            String.format(
                Locale.ROOT,
                "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"><title>%s %.1f ns</title></rect>%n",
                left,
                y0 + i * barH,
                Math.max(1, w),
                barH - 1,
                COLORS[i],
                NAMES[i],
                v[i]));
      }
    }
    for (int i = 0; i < NAMES.length; i++) {
      int y = top + i * 16;
      b.append(
          String.format(
              "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"10\" fill=\"%s\"/><text x=\"%d\" y=\"%d\">%s</text>%n",
              left + width + 20, y, COLORS[i], left + width + 38, y + 9, NAMES[i]));
    }
    return b.append("</svg>\n").toString();
  }
}
