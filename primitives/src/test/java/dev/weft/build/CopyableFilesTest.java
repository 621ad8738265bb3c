package dev.weft.build;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The README tells users which files to copy for each primitive. Each listed set must compile on
 * its own, with nothing else on the class or source path, so the list stays true.
 */
class CopyableFilesTest {
  private static final Path README = Path.of("..", "README.md");
  private static final Path SOURCES = Path.of("src", "main", "java");
  private static final String START = "<!-- copyable-files:start -->";
  private static final String END = "<!-- copyable-files:end -->";
  private static final Pattern ROW = Pattern.compile("^\\|\\s*`([^`]+)`[^|]*\\|(.*)\\|\\s*$");
  private static final Pattern FILE = Pattern.compile("`([^`]+\\.java)`");

  /** Rows of the README's copyable-files table: primitive name to the files it needs. */
  static Map<String, List<String>> table() throws IOException {
    String text = Files.readString(README, StandardCharsets.UTF_8);
    int start = text.indexOf(START);
    int end = text.indexOf(END);
    assertTrue(start >= 0 && end > start, "README must have the copyable-files table");
    Map<String, List<String>> rows = new LinkedHashMap<>();
    for (String line : text.substring(start + START.length(), end).split("\n")) {
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
    return rows;
  }

  @Test
  void everyPublicTypeIsCoveredByARow() throws IOException {
    Map<String, List<String>> rows = table();
    List<String> listed = rows.values().stream().flatMap(List::stream).toList();
    try (Stream<Path> files = Files.walk(SOURCES.resolve("dev/weft/sync"))) {
      for (Path p : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        String relative = SOURCES.relativize(p).toString().replace('\\', '/');
        if (relative.endsWith("package-info.java")) {
          continue;
        }
        assertTrue(listed.contains(relative), "README's copy table never mentions " + relative);
      }
    }
  }

  @TestFactory
  Stream<DynamicTest> eachRowCompilesAlone() throws IOException {
    return table().entrySet().stream()
        .map(
            row ->
                DynamicTest.dynamicTest(
                    row.getKey(), () -> compileAlone(row.getKey(), row.getValue())));
  }

  private static void compileAlone(String primitive, List<String> files) throws IOException {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
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
        Path source = SOURCES.resolve(f);
        assertTrue(Files.isRegularFile(source), primitive + ": no such file " + f);
        args.add(source.toString());
      }
      ByteArrayOutputStream messages = new ByteArrayOutputStream();
      PrintStream sink = new PrintStream(messages, true, StandardCharsets.UTF_8);
      int rc = javac.run(null, sink, sink, args.toArray(String[]::new));
      String diagnostics = messages.toString(StandardCharsets.UTF_8);
      assertEquals(0, rc, primitive + " does not compile from " + files + ":\n" + diagnostics);
      assertFalse(files.isEmpty());
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
