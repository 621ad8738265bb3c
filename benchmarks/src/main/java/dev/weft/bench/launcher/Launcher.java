package dev.weft.bench.launcher;

import java.lang.reflect.InvocationTargetException;
import java.util.Arrays;

/**
 * The main class of {@code benchmarks.jar}, compiled for Java 8 so that any {@code java} can load
 * it: on a JVM older than 21 it stops at once with one line naming the JDK needed (instead of an
 * {@code UnsupportedClassVersionError} per benchmark and an empty table); otherwise it runs JMH,
 * or, with {@code --main CLASS}, that class's {@code main} (the reports).
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar [JMH options]
 * java -jar benchmarks/target/benchmarks.jar --main dev.weft.bench.report.ChannelReport ARGS...
 * </pre>
 */
public final class Launcher {
  static final int NEEDED = 21;

  private Launcher() {}

  /**
   * Checks the Java version, then runs JMH or the class given with {@code --main}.
   *
   * @param args JMH's options, or {@code --main CLASS} and its arguments
   * @throws Throwable whatever the main method it runs throws
   */
  public static void main(String[] args) throws Throwable {
    String spec = System.getProperty("java.specification.version");
    if (feature(spec) < NEEDED) {
      System.err.println(
          "benchmarks.jar needs Java "
              + NEEDED
              + " or newer, but this java is "
              + spec
              + " ("
              + System.getProperty("java.home")
              + "): run it with a JDK "
              + NEEDED
              + "+ java, e.g. /usr/lib/jvm/temurin-25-jdk-amd64/bin/java -jar benchmarks.jar");
      System.exit(1);
    }
    String main = "org.openjdk.jmh.Main";
    String[] rest = args;
    if (args.length > 0 && args[0].equals("--main")) {
      if (args.length < 2) {
        System.err.println("usage: java -jar benchmarks.jar --main CLASS [ARGS...]");
        System.exit(2);
      }
      main = args[1];
      rest = Arrays.copyOfRange(args, 2, args.length);
    }
    try {
      Class.forName(main).getMethod("main", String[].class).invoke(null, (Object) rest);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  /** The feature release of a {@code java.specification.version}: "1.8" is 8, "17" is 17. */
  static int feature(String spec) {
    if (spec == null) {
      return 0;
    }
    String s = spec.startsWith("1.") ? spec.substring(2) : spec;
    int dot = s.indexOf('.');
    try {
      return Integer.parseInt(dot < 0 ? s : s.substring(0, dot));
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
