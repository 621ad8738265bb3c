package dev.weft.build;

import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.weft.testkit.ModuleDescriptors;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The testkit module exports its two API packages and needs nothing beyond the JDK. */
class ModuleDescriptorTest {
  private static final Path MODULE_INFO = Path.of("target/classes/module-info.class");

  @Test
  void exportsExactlyTheApiPackagesAndRequiresOnlyTheJdk() throws IOException {
    ModuleDescriptors.check(
        MODULE_INFO,
        "dev.weft.testkit",
        Set.of("dev.weft.testkit", "dev.weft.testkit.lin", "dev.weft.testkit.sim"),
        Set.of());
  }

  @Test
  void theCheckFailsOnADifferentDescriptor() {
    assertThrows(
        AssertionError.class,
        () -> ModuleDescriptors.check(MODULE_INFO, "dev.weft.other", Set.of(), Set.of()));
    assertThrows(
        AssertionError.class,
        () ->
            ModuleDescriptors.check(
                MODULE_INFO, "dev.weft.testkit", Set.of("dev.weft.testkit"), Set.of()));
  }
}
