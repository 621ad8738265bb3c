package dev.weft.build;

import dev.weft.testkit.ModuleDescriptors;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The published module exports its API package, nothing else, and needs nothing beyond the JDK and
 * weft's primitives (the runner's channels).
 */
class ModuleDescriptorTest {
  @Test
  void exportsExactlyTheApiPackage() throws IOException {
    ModuleDescriptors.check(
        Path.of("target/classes/module-info.class"),
        "dev.weft.snapshot",
        Set.of("dev.weft.snapshot"),
        Set.of("dev.weft.primitives"));
  }
}
