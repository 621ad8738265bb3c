package dev.weft.bench.locks;

import dev.weft.bench.locks.report.JmhResult;
import dev.weft.bench.locks.report.LockReport;
import dev.weft.bench.locks.report.RunInfo;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Runs the lock strategy lab ({@link LockBench} and {@link RwLockBench} in one JMH run) with one of
 * the {@link Profile}s, then writes the report: {@code jmh-result.json}, a Markdown {@code
 * README.md} with tables, and one SVG chart per shape, into the output folder.
 *
 * <pre>
 * LockLab quick|standard|full OUTPUT_DIR [JMH options]   run, then report
 * LockLab report OUTPUT_DIR                              report again from OUTPUT_DIR/jmh-result.json
 * </pre>
 *
 * <p>Before it starts it prints how many points it will measure and about how long that takes;
 * while it runs, one line per point with the time left; JMH's own output goes to a log file whose
 * path it prints. JMH options given on the command line win over the profile's: {@code -p
 * threads=1,2,4,8,16} adds 16 threads on a larger machine, {@code -f 2} doubles the forks, and so
 * on.
 */
public final class LockLab {
  static final String RESULT = "jmh-result.json";

  /** Seconds to start, warm up the JIT of, and end one JMH fork, besides its iterations. */
  static final double FORK_SECONDS = 1.2;

  private static final List<Class<?>> BENCHMARKS = List.of(LockBench.class, RwLockBench.class);

  private LockLab() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      usage();
    }
    String profile = args[0];
    Path out = Path.of(args[1]).toAbsolutePath().normalize();
    String[] jmhArgs = Arrays.copyOfRange(args, 2, args.length);
    Files.createDirectories(out);
    if (!profile.equals("report")) {
      Profile p;
      try {
        p = Profile.named(profile);
      } catch (IllegalArgumentException e) {
        System.err.println(e.getMessage());
        usage();
        return;
      }
      long wall = run(p, out, jmhArgs);
      new RunInfo(p.label(), command(p.label(), jmhArgs), wall, machine(), now()).save(out);
    }
    List<Path> written =
        LockReport.write(JmhResult.read(out.resolve(RESULT)), RunInfo.load(out), out);
    System.out.println("Lock strategy lab report: " + written.get(0));
    System.out.println(
        (written.size() - 1) + " charts beside it; raw data in " + out.resolve(RESULT));
  }

  private static void usage() {
    System.err.println(
        "usage: LockLab quick|standard|full OUTPUT_DIR [JMH options]  |  LockLab report"
            + " OUTPUT_DIR");
    System.exit(2);
  }

  /**
   * How much a run measures.
   *
   * @param points parameter combinations, or 0 if unknown (the user chose the benchmarks)
   * @param secondsPerPoint forks times (fork overhead, warm-up and measurement)
   * @param settings the forks and iterations, in words
   */
  record Plan(int points, double secondsPerPoint, String settings) {
    long seconds() {
      return Math.round(points * secondsPerPoint);
    }

    String describe(String profile) {
      String head =
          String.format(
              Locale.ROOT, "Lock strategy lab, %s profile: %s", profile, settings + " per point");
      if (points == 0) {
        return head + "; benchmarks chosen on the command line, so no estimate.";
      }
      return String.format(
          Locale.ROOT,
          "%s; %d points, about %s (not counting the build; a point whose single invocation"
              + " outlasts an iteration takes longer).",
          head,
          points,
          Progress.minutes(seconds()));
    }
  }

  /** The profile's options under the user's. */
  static Options options(Profile profile, CommandLineOptions user, Path out) {
    OptionsBuilder options = new OptionsBuilder();
    options.parent(user);
    if (user.getIncludes().isEmpty()) {
      BENCHMARKS.forEach(b -> options.include(b.getName() + ".run$"));
    }
    if (!user.getForkCount().hasValue()) {
      options.forks(1);
    }
    if (!user.getWarmupIterations().hasValue()) {
      options.warmupIterations(profile.warmupIterations);
    }
    if (!user.getWarmupTime().hasValue()) {
      options.warmupTime(millis(profile.warmupSeconds));
    }
    if (!user.getMeasurementIterations().hasValue()) {
      options.measurementIterations(profile.measurementIterations);
    }
    if (!user.getMeasurementTime().hasValue()) {
      options.measurementTime(millis(profile.measurementSeconds));
    }
    profile
        .restrictions()
        .forEach(
            (name, values) -> {
              if (!user.getParameter(name).hasValue()) {
                options.param(name, values);
              }
            });
    options.shouldFailOnError(true);
    options.resultFormat(ResultFormatType.JSON);
    options.result(out.resolve(RESULT).toString());
    return options.build();
  }

  /** Counts the points of {@code options} and estimates their time. */
  static Plan plan(Profile profile, CommandLineOptions user, Options options) {
    int forks = options.getForkCount().orElse(1);
    int wi = options.getWarmupIterations().orElse(1);
    double w = seconds(options.getWarmupTime().orElse(TimeValue.seconds(1)));
    int i = options.getMeasurementIterations().orElse(1);
    double r = seconds(options.getMeasurementTime().orElse(TimeValue.seconds(1)));
    String settings =
        String.format(
            Locale.ROOT,
            "%d fork(s), %d x %s warm-up, %d x %s measurement",
            forks,
            wi,
            options.getWarmupTime().orElse(TimeValue.seconds(1)),
            i,
            options.getMeasurementTime().orElse(TimeValue.seconds(1)));
    int points = 0;
    if (user.getIncludes().isEmpty()) {
      for (Class<?> bench : BENCHMARKS) {
        int combinations = 1;
        for (Field f : bench.getFields()) {
          Param param = f.getAnnotation(Param.class);
          if (param != null) {
            combinations *= valuesOf(f.getName(), param, profile, options);
          }
        }
        points += combinations;
      }
    }
    return new Plan(points, forks * (FORK_SECONDS + wi * w + i * r), settings);
  }

  private static int valuesOf(String name, Param param, Profile profile, Options options) {
    if (options.getParameter(name).hasValue()) {
      return options.getParameter(name).get().size();
    }
    List<String> restricted = profile.values(name);
    return restricted != null ? restricted.size() : param.value().length;
  }

  /** Runs JMH with the profile's options under the user's; returns the wall time in seconds. */
  static long run(Profile profile, Path out, String[] jmhArgs) throws Exception {
    CommandLineOptions user = new CommandLineOptions(jmhArgs);
    Options options = options(profile, user, out);
    Plan plan = plan(profile, user, options);
    Path log = Files.createTempFile("weft-lock-lab-", ".log");
    System.out.println(plan.describe(profile.label()));
    System.out.println("JMH's own output: " + log);
    long start = System.nanoTime();
    try (PrintStream logStream =
        new PrintStream(Files.newOutputStream(log), true, StandardCharsets.UTF_8)) {
      Progress progress =
          new Progress(
              OutputFormatFactory.createFormatInstance(logStream, VerboseMode.NORMAL),
              System.out,
              plan.points());
      new Runner(options, progress).run();
    }
    long wall = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
    System.out.println(
        "JMH ran for "
            + Progress.minutes(wall)
            + " against an estimate of "
            + Progress.minutes(plan.seconds())
            + ".");
    return wall;
  }

  private static TimeValue millis(double seconds) {
    return TimeValue.milliseconds(Math.round(seconds * 1000));
  }

  private static double seconds(TimeValue t) {
    return t.convertTo(TimeUnit.MILLISECONDS) / 1000.0;
  }

  static String command(String profile, String[] jmhArgs) {
    StringBuilder c = new StringBuilder("mvn -q -Plocks -pl benchmarks -am -DskipTests verify");
    c.append(" -Dlocks.profile=").append(profile);
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
