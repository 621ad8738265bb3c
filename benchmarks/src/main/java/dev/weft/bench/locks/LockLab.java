package dev.weft.bench.locks;

import dev.weft.bench.locks.report.JmhResult;
import dev.weft.bench.locks.report.LockReport;
import dev.weft.bench.locks.report.RunInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs the lock strategy lab ({@link LockBench} and {@link RwLockBench} in one JMH run) with the
 * quick or full profile, then writes the report: {@code jmh-result.json}, a Markdown {@code
 * README.md} with tables, and one SVG chart per shape, into the output folder.
 *
 * <pre>
 * LockLab quick|full OUTPUT_DIR [JMH options]   run, then report
 * LockLab report OUTPUT_DIR                     report again from OUTPUT_DIR/jmh-result.json
 * </pre>
 *
 * <p>JMH options given on the command line win over the profile's: {@code -p threads=1,2,4,8,16}
 * adds 16 threads on a larger machine, {@code -f 2} doubles the forks, and so on.
 */
public final class LockLab {
  static final String RESULT = "jmh-result.json";

  private LockLab() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 2 || !List.of("quick", "full", "report").contains(args[0])) {
      System.err.println(
          "usage: LockLab quick|full OUTPUT_DIR [JMH options]  |  LockLab report OUTPUT_DIR");
      System.exit(2);
    }
    String profile = args[0];
    Path out = Path.of(args[1]).toAbsolutePath().normalize();
    String[] jmhArgs = Arrays.copyOfRange(args, 2, args.length);
    Files.createDirectories(out);
    if (!profile.equals("report")) {
      long wall = run(profile, out, jmhArgs);
      new RunInfo(profile, command(profile, jmhArgs), wall, machine(), now()).save(out);
    }
    List<Path> written =
        LockReport.write(JmhResult.read(out.resolve(RESULT)), RunInfo.load(out), out);
    System.out.println("Lock strategy lab report: " + written.get(0));
    System.out.println(
        (written.size() - 1) + " charts beside it; raw data in " + out.resolve(RESULT));
  }

  /** Runs JMH with the profile's options under the user's; returns the wall time in seconds. */
  static long run(String profile, Path out, String[] jmhArgs) throws Exception {
    CommandLineOptions user = new CommandLineOptions(jmhArgs);
    OptionsBuilder options = new OptionsBuilder();
    options.parent(user);
    if (user.getIncludes().isEmpty()) {
      options
          .include(LockBench.class.getName() + ".run$")
          .include(RwLockBench.class.getName() + ".run$");
    }
    boolean quick = profile.equals("quick");
    if (!user.getForkCount().hasValue()) {
      options.forks(1);
    }
    if (!user.getWarmupIterations().hasValue()) {
      options.warmupIterations(quick ? 1 : 3);
    }
    if (!user.getWarmupTime().hasValue()) {
      options.warmupTime(quick ? TimeValue.milliseconds(200) : TimeValue.seconds(1));
    }
    if (!user.getMeasurementIterations().hasValue()) {
      options.measurementIterations(quick ? 1 : 5);
    }
    if (!user.getMeasurementTime().hasValue()) {
      options.measurementTime(quick ? TimeValue.milliseconds(300) : TimeValue.seconds(1));
    }
    if (quick) {
      // The quick grid: every strategy, thread count and thread kind, one critical-section
      // length each side of the lock's own cost, no outside work (the most contention).
      param(options, user, "critical", "10", "1000");
      param(options, user, "outside", "0");
    }
    options.shouldFailOnError(true);
    options.resultFormat(ResultFormatType.JSON);
    options.result(out.resolve(RESULT).toString());
    long start = System.nanoTime();
    new Runner(options.build()).run();
    return TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
  }

  private static void param(
      OptionsBuilder options, CommandLineOptions user, String name, String... values) {
    if (!user.getParameter(name).hasValue()) {
      options.param(name, values);
    }
  }

  static String command(String profile, String[] jmhArgs) {
    StringBuilder c = new StringBuilder("mvn -q -Plocks -pl benchmarks -am -DskipTests verify");
    if (!profile.equals("quick")) {
      c.append(" -Dlocks.profile=").append(profile);
    }
    if (jmhArgs.length > 0) {
      c.append(" -Dlocks.args=\"").append(String.join(" ", jmhArgs)).append('"');
    }
    return c.toString();
  }

  /** Processor model, logical CPUs and operating system, as far as the JVM and Linux tell. */
  static String machine() {
    String cpu = "unknown processor";
    Path info = Path.of("/proc/cpuinfo");
    if (Files.isReadable(info)) {
      try (Stream<String> lines = Files.lines(info)) {
        cpu =
            lines
                .filter(l -> l.startsWith("model name"))
                .map(l -> l.substring(l.indexOf(':') + 1).strip())
                .findFirst()
                .orElse(cpu);
      } catch (IOException | RuntimeException e) {
        // keep "unknown processor"
      }
    }
    return String.format(
        "%s, %d logical CPUs, %s %s (%s)",
        cpu,
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("os.name"),
        System.getProperty("os.version"),
        System.getProperty("os.arch"));
  }

  private static String now() {
    return Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
  }
}
