package dev.weft.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Data-driven scenario files, in the style of etcd raft's {@code testdata}: commands, a line {@code
 * ----}, and the output the commands are expected to print. A test interprets the commands (the
 * language is its own) and compares the output with the expectation; with {@code -D}{@value
 * #REWRITE_PROPERTY}{@code =true} the actual output is written into the file instead, to be
 * reviewed as a diff.
 *
 * {@snippet :
 * for (Path file : ScenarioFiles.list(Path.of("src/test/resources/testdata"))) {
 *   ScenarioFiles.Outcome o = ScenarioFiles.run(file, commands -> new Story().runAll(commands));
 *   assertEquals(o.expected(), o.actual(), file.toString());
 * }
 * }
 *
 * <p>In a command line, {@code #} starts a comment; blank lines are skipped. Trailing blanks and
 * trailing empty lines of the output are not significant.
 */
public final class ScenarioFiles {
  /** The system property that rewrites the expected output: {@code -Dweft.rewrite=true}. */
  public static final String REWRITE_PROPERTY = "weft.rewrite";

  /** The line between the commands and the expected output. */
  public static final String SEPARATOR = "----";

  /**
   * A scenario's expected and actual output, each as lines joined with {@code \n}.
   *
   * @param expected the output the file expects (the actual one in rewrite mode)
   * @param actual the output the commands printed
   */
  public record Outcome(String expected, String actual) {
    /**
     * Checks the components.
     *
     * @throws NullPointerException if a component is null
     */
    public Outcome {
      Objects.requireNonNull(expected, "expected");
      Objects.requireNonNull(actual, "actual");
    }
  }

  private ScenarioFiles() {}

  /**
   * Lists the scenario files ({@code *.txt}) in a directory, sorted by name.
   *
   * @param dir the directory
   * @return the files; never empty
   * @throws IOException if the directory cannot be listed
   * @throws IllegalStateException if it holds no scenario
   */
  public static List<Path> list(Path dir) throws IOException {
    List<Path> files;
    try (Stream<Path> list = Files.list(dir)) {
      files = list.filter(p -> p.toString().endsWith(".txt")).sorted().toList();
    }
    if (files.isEmpty()) {
      throw new IllegalStateException("no scenarios in " + dir);
    }
    return files;
  }

  /**
   * Runs one scenario file: hands its commands (comments and blank lines removed) to {@code
   * interpreter}, and returns what it printed next to what the file expects. In rewrite mode, first
   * writes the actual output into the file.
   *
   * @param file the scenario file
   * @param interpreter runs the commands, in order, and returns the lines they printed
   * @return the expected and actual output
   * @throws IOException if the file cannot be read or rewritten
   * @throws IllegalArgumentException if the file has no {@value #SEPARATOR} line
   */
  public static Outcome run(Path file, Function<List<String>, List<String>> interpreter)
      throws IOException {
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    int separator = lines.indexOf(SEPARATOR);
    if (separator < 0) {
      throw new IllegalArgumentException(file + " has no " + SEPARATOR + " line");
    }
    List<String> commands = new ArrayList<>();
    for (String line : lines.subList(0, separator)) {
      String command = line.replaceFirst("#.*", "").strip();
      if (!command.isEmpty()) {
        commands.add(command);
      }
    }
    List<String> actual = trim(interpreter.apply(commands));
    List<String> expected = trim(lines.subList(separator + 1, lines.size()));
    if (Boolean.getBoolean(REWRITE_PROPERTY)) {
      List<String> rewritten = new ArrayList<>(lines.subList(0, separator + 1));
      rewritten.addAll(actual);
      Files.write(file, rewritten, StandardCharsets.UTF_8);
      expected = actual;
    }
    return new Outcome(String.join("\n", expected), String.join("\n", actual));
  }

  private static List<String> trim(List<String> lines) {
    List<String> out = lines.stream().map(String::stripTrailing).collect(Collectors.toList());
    while (!out.isEmpty() && out.get(out.size() - 1).isEmpty()) {
      out.remove(out.size() - 1);
    }
    return out;
  }
}
