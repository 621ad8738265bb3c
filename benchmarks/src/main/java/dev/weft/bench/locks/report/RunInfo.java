package dev.weft.bench.locks.report;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * What the report says about the run besides the figures: which profile, the command that
 * reproduces it, how long it took, on what machine and when. Saved beside the JSON so that the
 * report can be regenerated from the files alone.
 *
 * @param profile quick, standard or full
 * @param command the command that produced the JSON
 * @param wallSeconds how long the JMH run took, or -1 if unknown
 * @param machine processor, cores, operating system
 * @param date when the run ended, ISO-8601 UTC
 */
public record RunInfo(
    String profile, String command, long wallSeconds, String machine, String date) {
  static final String FILE = "run-info.properties";

  /** Writes this to {@code dir}/run-info.properties. */
  public void save(Path dir) throws IOException {
    Properties p = new Properties();
    p.setProperty("profile", profile);
    p.setProperty("command", command);
    p.setProperty("wallSeconds", Long.toString(wallSeconds));
    p.setProperty("machine", machine);
    p.setProperty("date", date);
    try (Writer w = Files.newBufferedWriter(dir.resolve(FILE), StandardCharsets.UTF_8)) {
      p.store(w, "written by dev.weft.bench.locks.LockLab");
    }
  }

  /** Reads {@code dir}/run-info.properties, or returns placeholders if it is absent. */
  public static RunInfo load(Path dir) throws IOException {
    Path file = dir.resolve(FILE);
    if (!Files.exists(file)) {
      return new RunInfo("unknown", "unknown", -1, "unknown", "unknown");
    }
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(r);
    }
    return new RunInfo(
        p.getProperty("profile", "unknown"),
        p.getProperty("command", "unknown"),
        Long.parseLong(p.getProperty("wallSeconds", "-1")),
        p.getProperty("machine", "unknown"),
        p.getProperty("date", "unknown"));
  }
}
