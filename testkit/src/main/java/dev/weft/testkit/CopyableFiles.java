package dev.weft.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * Keeps a README's "files to copy" tables true. A table sits between the lines {@code <!--
 * copyable-files:NAME:start -->} and {@code <!-- copyable-files:NAME:end -->}; each row names a
 * primitive in backquotes in its first cell and lists, in backquotes, the source files (relative to
 * a module's {@code src/main/java}) that a user must copy to have it. {@link #compileAlone}
 * compiles such a set with nothing else on the class or source path.
 */
public final class CopyableFiles {
  private static final Pattern ROW = Pattern.compile("^\\|\\s*`([^`]+)`[^|]*\\|(.*)\\|\\s*$");
  private static final Pattern FILE = Pattern.compile("`([^`]+\\.java)`");

  private CopyableFiles() {}

  /**
   * Reads one table: primitive name to the files it needs, in README order.
   *
   * @param readme the README file
   * @param section the table's name in its markers
   * @return the rows; never empty
   * @throws IOException if the README cannot be read
   * @throws IllegalArgumentException if the table is missing or has no rows
   */
  public static Map<String, List<String>> table(Path readme, String section) throws IOException {
    String text = Files.readString(readme, StandardCharsets.UTF_8);
    String start = "<!-- copyable-files:" + section + ":start -->";
    String end = "<!-- copyable-files:" + section + ":end -->";
    int from = text.indexOf(start);
    int to = text.indexOf(end);
    if (from < 0 || to < from) {
      throw new IllegalArgumentException(readme + " has no copyable-files table " + section);
    }
    Map<String, List<String>> rows = new LinkedHashMap<>();
    for (String line : text.substring(from + start.length(), to).split("\n")) {
      Matcher row = ROW.matcher(line.strip());
      if (!row.matches()) {
        continue;
      }
      List<String> files = new ArrayList<>();
      Matcher file = FILE.matcher(row.group(2));
      while (file.find()) {
        files.add(file.group(1));
      }
      if (!files.isEmpty()) {
        rows.put(row.group(1), files);
      }
    }
    if (rows.isEmpty()) {
      throw new IllegalArgumentException("copyable-files table " + section + " has no rows");
    }
    return rows;
  }

  /**
   * Lists the source files under {@code sourceRoot} that a table must mention: every {@code .java}
   * file except {@code module-info.java} and {@code package-info.java}.
   *
   * @param sourceRoot a module's {@code src/main/java}
   * @return paths relative to {@code sourceRoot}, with {@code /} separators
   * @throws IOException if the tree cannot be read
   */
  public static List<String> sources(Path sourceRoot) throws IOException {
    try (Stream<Path> files = Files.walk(sourceRoot)) {
      return files
          .filter(p -> p.toString().endsWith(".java"))
          .map(p -> sourceRoot.relativize(p).toString().replace('\\', '/'))
          .filter(p -> !p.endsWith("module-info.java") && !p.endsWith("package-info.java"))
          .sorted()
          .toList();
    }
  }

  /**
   * Checks a module against its README table: every source file must be listed in some row, and
   * every row must compile alone ({@link #compileAlone}).
   *
   * @param readme the README file
   * @param section the table's name in its markers
   * @param sourceRoot the module's {@code src/main/java}
   * @return one message per problem; empty if the table is true
   * @throws IOException if a file cannot be read
   */
  public static List<String> problems(Path readme, String section, Path sourceRoot)
      throws IOException {
    Map<String, List<String>> rows = table(readme, section);
    List<String> problems = new ArrayList<>();
    List<String> listed = rows.values().stream().flatMap(List::stream).toList();
    for (String source : sources(sourceRoot)) {
      if (!listed.contains(source)) {
        problems.add("the README's " + section + " table never mentions " + source);
      }
    }
    for (Map.Entry<String, List<String>> row : rows.entrySet()) {
      compileAlone(sourceRoot, row.getValue())
          .ifPresent(
              errors ->
                  problems.add(
                      row.getKey() + " does not compile from " + row.getValue() + ":\n" + errors));
    }
    return problems;
  }

  /**
   * Compiles {@code files} on their own with {@code javac --release 21 -Xlint:all,-try -Werror} and
   * empty class and source paths.
   *
   * @param sourceRoot the directory the file names are relative to
   * @param files the files to compile
   * @return javac's messages if compilation failed, or empty if it succeeded
   * @throws IOException if a temporary directory cannot be made or removed
   */
  public static Optional<String> compileAlone(Path sourceRoot, List<String> files)
      throws IOException {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    if (javac == null) {
      throw new IllegalStateException("no system Java compiler: run the tests on a JDK");
    }
    Path empty = Files.createTempDirectory("weft-copy-empty");
    Path out = Files.createTempDirectory("weft-copy-out");
    try {
      List<String> args =
          new ArrayList<>(
              List.of(
                  "--release",
                  "21",
                  "-proc:none",
                  "-Xlint:all,-try",
                  "-Werror",
                  "--class-path",
                  empty.toString(),
                  "--source-path",
                  empty.toString(),
                  "-d",
                  out.toString()));
      for (String f : files) {
        Path source = sourceRoot.resolve(f);
        if (!Files.isRegularFile(source)) {
          return Optional.of("no such file: " + source);
        }
        args.add(source.toString());
      }
      ByteArrayOutputStream messages = new ByteArrayOutputStream();
      PrintStream sink = new PrintStream(messages, true, StandardCharsets.UTF_8);
      int rc = javac.run(null, sink, sink, args.toArray(String[]::new));
      return rc == 0 ? Optional.empty() : Optional.of(messages.toString(StandardCharsets.UTF_8));
    } finally {
      deleteTree(out);
      deleteTree(empty);
    }
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> all = Files.walk(root)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
