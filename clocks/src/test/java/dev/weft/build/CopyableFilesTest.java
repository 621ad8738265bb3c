package dev.weft.build;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.testkit.CopyableFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The README tells users which files to copy for each primitive. Each listed set must compile on
 * its own, with nothing else on the class or source path, and every source file must be listed.
 */
class CopyableFilesTest {
  private static final Path README = Path.of("..", "README.md");
  private static final Path SOURCES = Path.of("src", "main", "java");

  private static Map<String, List<String>> table() throws IOException {
    return CopyableFiles.table(README, "clocks");
  }

  @Test
  void everySourceFileIsInSomeRow() throws IOException {
    List<String> listed = table().values().stream().flatMap(List::stream).toList();
    for (String source : CopyableFiles.sources(SOURCES)) {
      assertTrue(listed.contains(source), "README's copy table never mentions " + source);
    }
  }

  @TestFactory
  Stream<DynamicTest> eachRowCompilesAlone() throws IOException {
    return table().entrySet().stream()
        .map(
            row ->
                DynamicTest.dynamicTest(
                    row.getKey(),
                    () -> {
                      Optional<String> errors = CopyableFiles.compileAlone(SOURCES, row.getValue());
                      assertTrue(
                          errors.isEmpty(),
                          row.getKey()
                              + " does not compile from "
                              + row.getValue()
                              + ":\n"
                              + errors.orElse(""));
                    }));
  }
}
