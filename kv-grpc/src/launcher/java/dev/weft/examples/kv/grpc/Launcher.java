package dev.weft.examples.kv.grpc;

import java.lang.reflect.InvocationTargetException;

/**
 * The runnable jar's entry point, compiled for Java 8 so that any {@code java} can load it: on a
 * Java older than 21 it prints one line naming the JDK the program needs and exits with status 1;
 * otherwise it runs {@code KvMain}.
 */
public final class Launcher {
  private static final int NEEDED = 21;

  private Launcher() {}

  /**
   * Checks the Java version, then runs the server or the client.
   *
   * @param args the command line, as {@code KvMain} takes it
   * @throws Throwable what {@code KvMain} throws
   */
  public static void main(String[] args) throws Throwable {
    String spec = System.getProperty("java.specification.version", "0");
    int major = parseMajor(spec);
    if (major < NEEDED) {
      System.err.println(
          "weft-kv needs Java "
              + NEEDED
              + " or newer (a JDK 21+, such as Temurin 25); this is Java "
              + spec
              + " at "
              + System.getProperty("java.home"));
      System.exit(1);
    }
    try {
      Class.forName("dev.weft.examples.kv.grpc.KvMain")
          .getMethod("main", String[].class)
          .invoke(null, (Object) args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  static int parseMajor(String spec) {
    String s = spec.startsWith("1.") ? spec.substring(2) : spec;
    int end = 0;
    while (end < s.length() && Character.isDigit(s.charAt(end))) {
      end++;
    }
    return end == 0 ? 0 : Integer.parseInt(s.substring(0, end));
  }
}
