package dev.weft.build;

import dev.weft.testkit.ModuleDescriptors;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The published module exports its API packages and nothing else, and needs nothing beyond the JDK
 * and weft's consensus module (which brings the primitives).
 */
class ModuleDescriptorTest {
  @Test
  void exportsExactlyTheApiPackages() throws IOException {
    ModuleDescriptors.check(
        Path.of("target/classes/module-info.class"),
        "dev.weft.replication",
        Set.of(
            "dev.weft.replication",
            "dev.weft.replication.kv",
            "dev.weft.replication.config",
            "dev.weft.replication.pb",
            "dev.weft.replication.chain"),
        Set.of("dev.weft.consensus"));
  }
}
