package dev.weft.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScenarioFilesTest {
  @TempDir Path dir;

  @Test
  void commandsWithoutCommentsGoToTheInterpreterAndOutputsAreCompared() throws IOException {
    Path file = dir.resolve("a.txt");
    Files.write(
        file, List.of("# a comment", "echo x   # trailing", "", "echo y", "----", "x  ", "y", ""));
    List<String> seen = new ArrayList<>();
    ScenarioFiles.Outcome same =
        ScenarioFiles.run(
            file,
            commands -> {
              seen.addAll(commands);
              return commands.stream().map(c -> c.substring(5)).toList();
            });
    assertEquals(List.of("echo x", "echo y"), seen);
    assertEquals(new ScenarioFiles.Outcome("x\ny", "x\ny"), same);

    ScenarioFiles.Outcome different = ScenarioFiles.run(file, commands -> List.of("z"));
    assertEquals(new ScenarioFiles.Outcome("x\ny", "z"), different);
  }

  @Test
  void listsTheTextFilesInOrderAndRefusesAnEmptyDirectory() throws IOException {
    assertThrows(IllegalStateException.class, () -> ScenarioFiles.list(dir));
    Files.writeString(dir.resolve("b.txt"), "----\n");
    Files.writeString(dir.resolve("a.txt"), "----\n");
    Files.writeString(dir.resolve("notes.md"), "");
    assertEquals(List.of(dir.resolve("a.txt"), dir.resolve("b.txt")), ScenarioFiles.list(dir));
  }

  @Test
  void aFileWithoutTheSeparatorIsRefused() throws IOException {
    Path file = dir.resolve("bad.txt");
    Files.writeString(file, "echo x\n");
    assertThrows(IllegalArgumentException.class, () -> ScenarioFiles.run(file, c -> c));
  }
}
