package dev.weft.build;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.weft.testkit.CopyableFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The README tells users which files to copy for each primitive of this module: every source file
 * must be listed, and each listed set must compile on its own.
 */
class CopyableFilesTest {
  @Test
  void theReadmeCopyTableIsTrue() throws IOException {
    assertEquals(
        List.of(),
        CopyableFiles.problems(
            Path.of("..", "README.md"), "clocks", Path.of("src", "main", "java")));
  }
}
