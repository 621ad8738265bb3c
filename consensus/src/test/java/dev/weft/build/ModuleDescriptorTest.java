package dev.weft.build;

import dev.weft.testkit.ModuleDescriptors;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The published module exports its API packages, nothing else (the internal quorum, tracker and log
 * packages stay hidden), and needs nothing beyond the JDK and weft's primitives.
 */
class ModuleDescriptorTest {
  @Test
  void exportsExactlyTheApiPackages() throws IOException {
    ModuleDescriptors.check(
        Path.of("target/classes/module-info.class"),
        "dev.weft.consensus",
        Set.of(
            "dev.weft.raft", "dev.weft.raft.server", "dev.weft.raft.wire", "dev.weft.raft.storage"),
        Set.of("dev.weft.primitives"));
  }
}
