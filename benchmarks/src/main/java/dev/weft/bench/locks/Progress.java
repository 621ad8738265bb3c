package dev.weft.bench.locks;

import java.io.IOException;
import java.io.PrintStream;
import java.util.Collection;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.format.OutputFormat;

/**
 * JMH's output for the lock lab: everything JMH prints goes to a log file, and the console gets one
 * line per finished point with its score, how far the run is, and the time left, estimated from the
 * points done so far.
 */
final class Progress implements OutputFormat {
  private final OutputFormat log;
  private final PrintStream console;
  private final int planned;
  private long started;
  private int done;

  /**
   * @param log where JMH's own output goes
   * @param console where the progress lines go
   * @param planned how many points the run has, or 0 if unknown
   */
  Progress(OutputFormat log, PrintStream console, int planned) {
    this.log = log;
    this.console = console;
    this.planned = planned;
  }

  @Override
  public void startRun() {
    started = System.nanoTime();
    log.startRun();
  }

  @Override
  public void endBenchmark(BenchmarkResult result) {
    log.endBenchmark(result);
    done++;
    long elapsed = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
    StringBuilder line = new StringBuilder();
    if (planned > 0) {
      line.append(String.format(Locale.ROOT, "[%d/%d %3d%%]", done, planned, 100 * done / planned));
    } else {
      line.append('[').append(done).append(']');
    }
    BenchmarkParams p = result.getParams();
    String bench = p.getBenchmark();
    line.append(' ')
        .append(bench.substring(bench.lastIndexOf('.', bench.lastIndexOf('.') - 1) + 1));
    for (String key : p.getParamsKeys()) {
      line.append(' ').append(key).append('=').append(p.getParam(key));
    }
    if (result.getPrimaryResult() != null) {
      line.append(
          String.format(
              Locale.ROOT,
              ": %.3g %s",
              result.getPrimaryResult().getScore(),
              result.getPrimaryResult().getScoreUnit()));
    }
    line.append(" | ").append(minutes(elapsed)).append(" elapsed");
    if (planned > done) {
      line.append(", about ").append(minutes(elapsed * (planned - done) / done)).append(" left");
    }
    console.println(line);
    console.flush();
  }

  static String minutes(long seconds) {
    return seconds < 60
        ? seconds + " s"
        : String.format(Locale.ROOT, "%d min %02d s", seconds / 60, seconds % 60);
  }

  @Override
  public void iteration(BenchmarkParams benchmark, IterationParams params, int iteration) {
    log.iteration(benchmark, params, iteration);
  }

  @Override
  public void iterationResult(
      BenchmarkParams benchmark, IterationParams params, int iteration, IterationResult data) {
    log.iterationResult(benchmark, params, iteration, data);
  }

  @Override
  public void startBenchmark(BenchmarkParams benchmark) {
    log.startBenchmark(benchmark);
  }

  @Override
  public void endRun(Collection<RunResult> result) {
    log.endRun(result);
  }

  @Override
  public void print(String s) {
    log.print(s);
  }

  @Override
  public void println(String s) {
    log.println(s);
  }

  @Override
  public void flush() {
    log.flush();
  }

  @Override
  public void close() {
    log.close();
  }

  @Override
  public void verbosePrintln(String s) {
    log.verbosePrintln(s);
  }

  @Override
  public void write(int b) {
    log.write(b);
  }

  @Override
  public void write(byte[] b) throws IOException {
    log.write(b);
  }
}
