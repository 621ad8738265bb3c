package dev.weft.bench.locks.report;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * Draws throughput against thread count as an SVG line chart, one line per strategy, with a
 * logarithmic y axis (a collapse by 10x shows as far as a gain by 10x) and thread counts evenly
 * spaced (1, 2, 4, 8 and 16 are evenly spaced on a log scale). The legend lists the strategies best
 * first at the highest thread count, with its score there; each point carries its 99.9% confidence
 * interval when JMH gave one. Plain text, no library (ADR 0032 says why).
 */
public final class SvgChart {
  static final int WIDTH = 900;
  static final int HEIGHT = 460;
  private static final int LEFT = 70;
  private static final int TOP = 48;
  private static final int PLOT_WIDTH = 520;
  private static final int PLOT_HEIGHT = 340;
  private static final int LEGEND_X = LEFT + PLOT_WIDTH + 24;

  private SvgChart() {}

  /**
   * Renders a chart.
   *
   * @param title the chart's title
   * @param yLabel the y axis label (the unit)
   * @param series the lines
   * @return the SVG document
   * @throws IllegalArgumentException if no series has a positive, finite score: an empty chart is
   *     an error, never an output
   */
  public static String render(String title, String yLabel, List<Series> series) {
    return render(title, yLabel, "threads", series);
  }

  /**
   * Renders a chart whose x axis is something other than threads (each point's {@code threads} is
   * then that quantity, such as a percentage of writes).
   *
   * @param title the chart's title
   * @param yLabel the y axis label (the unit)
   * @param xLabel the x axis label, also used in the legend's heading ("at 95 % writes")
   * @param series the lines
   * @return the SVG document
   * @throws IllegalArgumentException if no series has a positive, finite score
   */
  public static String render(String title, String yLabel, String xLabel, List<Series> series) {
    TreeSet<Integer> threads = new TreeSet<>();
    double min = Double.POSITIVE_INFINITY;
    double max = 0;
    for (Series s : series) {
      for (Series.Point p : s.points()) {
        if (Series.usable(p.score())) {
          threads.add(p.threads());
          min = Math.min(min, p.score());
          max = Math.max(max, p.score());
        }
      }
    }
    if (threads.isEmpty()) {
      throw new IllegalArgumentException("chart '" + title + "' has no data to draw");
    }
    List<Integer> xs = new ArrayList<>(threads);
    double lo = Math.pow(10, Math.floor(Math.log10(min)));
    double hi = Math.pow(10, Math.ceil(Math.log10(max)));
    if (hi <= lo) {
      hi = lo * 10;
    }
    Scale scale = new Scale(xs, Math.log10(lo), Math.log10(hi));

    StringBuilder svg = new StringBuilder();
    svg.append(
        String.format(
            Locale.ROOT,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\""
                + " font-family=\"sans-serif\" font-size=\"12\">%n",
            WIDTH,
            HEIGHT,
            WIDTH,
            HEIGHT));
    svg.append(String.format("<title>%s</title>%n", escape(title)));
    svg.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
    svg.append(
        String.format(
            Locale.ROOT,
            "<text x=\"%d\" y=\"24\" font-size=\"15\" font-weight=\"bold\">%s</text>%n",
            LEFT,
            escape(title)));
    grid(svg, scale, lo, hi);
    axes(svg, scale, yLabel, xLabel);

    List<Series> drawn = new ArrayList<>();
    for (Series s : series) {
      if (s.points().stream().anyMatch(p -> Series.usable(p.score()))) {
        drawn.add(s);
        line(svg, scale, s);
      }
    }
    legend(svg, drawn, xs.get(xs.size() - 1), xLabel);
    svg.append("</svg>\n");
    return svg.toString();
  }

  private static void grid(StringBuilder svg, Scale scale, double lo, double hi) {
    for (double decade = lo; decade < hi * 1.0001; decade *= 10) {
      for (int m : new int[] {1, 2, 5}) {
        double v = decade * m;
        if (v > hi * 1.0001) {
          break;
        }
        double y = scale.y(v);
        svg.append(
            String.format(
                Locale.ROOT,
                "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"%s\"/>%n",
                LEFT,
                y,
                LEFT + PLOT_WIDTH,
                y,
                m == 1 ? "#bbbbbb" : "#e5e5e5"));
        svg.append(
            String.format(
                Locale.ROOT,
                "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\" fill=\"#444\">%s</text>%n",
                LEFT - 6,
                y + 4,
                tick(v)));
      }
    }
  }

  private static void axes(StringBuilder svg, Scale scale, String yLabel, String xLabel) {
    int bottom = TOP + PLOT_HEIGHT;
    svg.append(
        String.format(
            Locale.ROOT,
            "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#444\"/>%n",
            LEFT,
            TOP,
            PLOT_WIDTH,
            PLOT_HEIGHT));
    for (int i = 0; i < scale.threads.size(); i++) {
      double x = scale.x(i);
      svg.append(
          String.format(
              Locale.ROOT,
              "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#444\"/>%n",
              x,
              bottom,
              x,
              bottom + 5));
      svg.append(
          String.format(
              Locale.ROOT,
              "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%d</text>%n",
              x,
              bottom + 19,
              scale.threads.get(i)));
    }
    svg.append(
        String.format(
            Locale.ROOT,
            "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
            LEFT + PLOT_WIDTH / 2,
            bottom + 40,
            escape(xLabel)));
    svg.append(
        String.format(
            Locale.ROOT,
            "<text transform=\"translate(18 %d) rotate(-90)\" text-anchor=\"middle\">%s</text>%n",
            TOP + PLOT_HEIGHT / 2,
            escape(yLabel)));
  }

  private static void line(StringBuilder svg, Scale scale, Series s) {
    Style style = Style.of(s.strategy());
    StringBuilder points = new StringBuilder();
    StringBuilder dots = new StringBuilder();
    for (Series.Point p : s.points()) {
      if (!Series.usable(p.score())) {
        continue;
      }
      double x = scale.x(scale.threads.indexOf(p.threads()));
      double y = scale.y(p.score());
      if (Double.isFinite(p.error()) && p.error() > 0) {
        // The 99.9% confidence interval, clipped to the plot: lines whose whiskers overlap are not
        // told apart by this run.
        double top = scale.y(Math.min(p.score() + p.error(), scale.hi()));
        double bottom =
            p.score() - p.error() > scale.lo() ? scale.y(p.score() - p.error()) : TOP + PLOT_HEIGHT;
        dots.append(
            String.format(
                Locale.ROOT,
                "<path d=\"M%.1f %.1fV%.1fM%.1f %.1fh6M%.1f %.1fh6\" stroke=\"%s\""
                    + " stroke-width=\"1\" opacity=\"0.7\"/>%n",
                x,
                top,
                bottom,
                x - 3,
                top,
                x - 3,
                bottom,
                style.color()));
      }
      points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
      dots.append(
          String.format(
              Locale.ROOT,
              "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"><title>%s, %d threads: %s</title></circle>%n",
              x,
              y,
              style.color(),
              escape(style.label()),
              p.threads(),
              number(p.score())));
    }
    svg.append(
        String.format(
            Locale.ROOT,
            "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"%.1f\"%s points=\"%s\">"
                + "<title>%s</title></polyline>%n",
            style.color(),
            style.width(),
            style.dash().isEmpty() ? "" : " stroke-dasharray=\"" + style.dash() + "\"",
            points.toString().strip(),
            escape(style.label())));
    svg.append(dots);
  }

  private static void legend(StringBuilder svg, List<Series> drawn, int maxThreads, String xLabel) {
    List<Series> order = new ArrayList<>(drawn);
    order.sort(
        Comparator.comparingDouble((Series s) -> orderKey(s, maxThreads))
            .reversed()
            .thenComparing(Series::strategy));
    svg.append(
        String.format(
            Locale.ROOT,
            "<text x=\"%d\" y=\"%d\" font-weight=\"bold\">at %d %s</text>%n",
            LEGEND_X,
            TOP + 4,
            maxThreads,
            escape(xLabel)));
    int y = TOP + 24;
    for (Series s : order) {
      Style style = Style.of(s.strategy());
      double at = s.at(maxThreads);
      svg.append(
          String.format(
              Locale.ROOT,
              "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"%.1f\"%s/>%n",
              LEGEND_X,
              y - 4,
              LEGEND_X + 28,
              y - 4,
              style.color(),
              style.width(),
              style.dash().isEmpty() ? "" : " stroke-dasharray=\"" + style.dash() + "\""));
      svg.append(
          String.format(
              Locale.ROOT,
              "<text x=\"%d\" y=\"%d\">%s  %s</text>%n",
              LEGEND_X + 36,
              y,
              escape(style.label()),
              Series.usable(at) ? number(at) : "-"));
      y += 19;
    }
  }

  private static double orderKey(Series s, int maxThreads) {
    double at = s.at(maxThreads);
    return Series.usable(at) ? at : -1;
  }

  /** A compact number: 3 significant digits, no exponent. */
  static String number(double v) {
    if (v >= 100) {
      return String.format(Locale.ROOT, "%.0f", v);
    }
    if (v >= 10) {
      return String.format(Locale.ROOT, "%.1f", v);
    }
    if (v >= 1) {
      return String.format(Locale.ROOT, "%.2f", v);
    }
    String s = String.format(Locale.ROOT, "%.3g", v);
    return s.contains("e") ? String.format(Locale.ROOT, "%.6f", v).replaceAll("0+$", "") : s;
  }

  /** An axis label: 1, 2, 5, 10, 0.5, 0.02; no trailing zeros. */
  static String tick(double v) {
    return new BigDecimal(v, new MathContext(3)).stripTrailingZeros().toPlainString();
  }

  static String escape(String text) {
    return text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }

  /** Maps thread indices and scores to plot coordinates. */
  private static final class Scale {
    final List<Integer> threads;
    final double logLo;
    final double logHi;

    Scale(List<Integer> threads, double logLo, double logHi) {
      this.threads = threads;
      this.logLo = logLo;
      this.logHi = logHi;
    }

    double x(int index) {
      int n = threads.size();
      double margin = PLOT_WIDTH * 0.06;
      if (n == 1) {
        return LEFT + PLOT_WIDTH / 2.0;
      }
      return LEFT + margin + (PLOT_WIDTH - 2 * margin) * index / (n - 1);
    }

    double y(double value) {
      double f = (Math.log10(value) - logLo) / (logHi - logLo);
      return TOP + PLOT_HEIGHT * (1 - f);
    }

    double lo() {
      return Math.pow(10, logLo);
    }

    double hi() {
      return Math.pow(10, logHi);
    }
  }
}
