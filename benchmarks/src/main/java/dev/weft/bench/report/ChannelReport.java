package dev.weft.bench.report;

import dev.weft.bench.locks.report.JmhResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a JMH JSON file of {@code ChannelBench} and {@code SelectBench} (and, optionally, the
 * output of {@code ../shared/baselines/go-channels/run}) into a Markdown table of ns per element
 * with ratios, and one SVG bar chart per thread kind.
 *
 * <p>Usage: {@code java -cp benchmarks.jar dev.weft.bench.report.ChannelReport jmh.json
 * [go-output.txt] out-dir}
 */
public final class ChannelReport {
  private ChannelReport() {}

  /** One benchmark shape: how to find it in JMH's results and in Go's. */
  record Shape(String label, String benchmark, String capacity, String channels, String go) {}

  static final List<Shape> SHAPES =
      List.of(
          new Shape("buffered 16, 1:1", "ChannelBench.oneToOne", "16", null, "BenchmarkSPSC_Buf16"),
          new Shape(
              "buffered 1024, 1:1", "ChannelBench.oneToOne", "1024", null, "BenchmarkSPSC_Buf1024"),
          new Shape(
              "unbuffered, 1:1", "ChannelBench.oneToOne", "0", null, "BenchmarkSPSC_Unbuffered"),
          new Shape(
              "buffered 16, 4x4",
              "ChannelBench.ManyToMany.fourToFour",
              "16",
              null,
              "BenchmarkMPMC4x4_Buf16"),
          new Shape(
              "unbuffered, 4x4",
              "ChannelBench.ManyToMany.fourToFour",
              "0",
              null,
              "BenchmarkMPMC4x4_Unbuffered"),
          new Shape(
              "ping-pong round trip",
              "ChannelBench.PingPong.roundTrip",
              null,
              null,
              "BenchmarkPingPong"),
          new Shape("select over 2", "SelectBench.sendAndReceive", null, "2", "BenchmarkSelect2"),
          new Shape("select over 4", "SelectBench.sendAndReceive", null, "4", null));

  static final List<String> IMPLS = List.of("weft", "jox", "jdk", "ltq");

  /**
   * Writes the report.
   *
   * @param args the JMH JSON file, optionally Go's benchmark output, and the output folder
   * @throws IOException if a file cannot be read or written
   */
  public static void main(String[] args) throws IOException {
    if (args.length < 2) {
      throw new IllegalArgumentException("usage: ChannelReport jmh.json [go.txt] out-dir");
    }
    List<JmhResult> results = JmhResult.read(Path.of(args[0]));
    Map<String, Double> go = args.length > 2 ? goFigures(Path.of(args[1])) : Map.of();
    Path out = Path.of(args[args.length - 1]);
    Files.createDirectories(out);
    StringBuilder md = new StringBuilder();
    String jdk = results.isEmpty() ? "?" : results.get(0).jdk();
    String settings = results.isEmpty() ? "?" : results.get(0).settings();
    md.append("# Channels: weft against Jox, the JDK's queues and Go\n\n")
        .append("ns per element (per round trip for ping-pong; per select for select), lower is ")
        .append(
            "better; `x` columns are the peer's time over weft's. `jdk` is `ArrayBlockingQueue` ")
        .append("when buffered and `SynchronousQueue` when unbuffered; `ltq` is ")
        .append("`LinkedTransferQueue`. Go ran separately on the same machine. ")
        .append(jdk)
        .append("; ")
        .append(settings)
        .append(".\n\n");
    for (String kind : List.of("platform", "virtual")) {
      md.append("## ")
          .append(kind)
          .append(" threads\n\n")
          .append("| shape | weft | jox | jdk | ltq | Go | jox x | jdk x |\n")
          .append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
      List<double[]> bars = new ArrayList<>();
      for (Shape s : SHAPES) {
        double[] v = new double[IMPLS.size() + 1];
        for (int i = 0; i < IMPLS.size(); i++) {
          v[i] = find(results, s, IMPLS.get(i), kind);
        }
        v[IMPLS.size()] = s.go() == null ? Double.NaN : go.getOrDefault(s.go(), Double.NaN);
        bars.add(v);
        md.append("| ").append(s.label());
        for (double x : v) {
          md.append(" | ").append(fmt(x));
        }
        md.append(" | ")
            .append(ratio(v[1], v[0]))
            .append(" | ")
            .append(ratio(v[2], v[0]))
            .append(" |\n");
      }
      md.append("\n![").append(kind).append("](channels-").append(kind).append(".svg)\n\n");
      Files.writeString(
          out.resolve("channels-" + kind + ".svg"), svg(kind, bars), StandardCharsets.UTF_8);
    }
    Files.writeString(out.resolve("README.md"), md.toString(), StandardCharsets.UTF_8);
  }

  static double find(List<JmhResult> results, Shape s, String impl, String kind) {
    for (JmhResult r : results) {
      if (!r.benchmark().endsWith("." + s.benchmark())) {
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

  static Map<String, Double> goFigures(Path file) throws IOException {
    Map<String, Double> m = new LinkedHashMap<>();
    Pattern line = Pattern.compile("^(Benchmark[A-Za-z0-9_]+?)(-\\d+)?\\s+\\d+\\s+([0-9.]+) ns/op");
    for (String l : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      Matcher matcher = line.matcher(l.trim());
      if (matcher.find()) {
        m.put(matcher.group(1), Double.parseDouble(matcher.group(3)));
      }
    }
    return m;
  }

  static String fmt(double v) {
    return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.1f", v);
  }

  static String ratio(double peer, double weft) {
    return Double.isNaN(peer) || Double.isNaN(weft)
        ? ""
        : String.format(Locale.ROOT, "%.2f", peer / weft);
  }

  private static final String[] COLORS = {"#1b7837", "#762a83", "#e08214", "#2166ac", "#999999"};
  private static final String[] NAMES = {"weft", "jox", "jdk", "ltq", "Go"};

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
                left + width + 110,
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
