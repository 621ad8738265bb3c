package dev.weft.build;

import dev.weft.testkit.ModuleDescriptors;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The published module exports its API packages, nothing else, and needs nothing beyond the JDK.
 */
class ModuleDescriptorTest {
  @Test
  void exportsExactlyTheApiPackagesAndRequiresOnlyTheJdk() throws IOException {
    ModuleDescriptors.check(
        Path.of("target/classes/module-info.class"),
        "dev.weft.primitives",
        Set.of("dev.weft.chan", "dev.weft.sync", "dev.weft.sync.locks", "dev.weft.time"),
        Set.of());
  }
}
