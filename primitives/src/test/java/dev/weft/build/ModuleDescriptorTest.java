package dev.weft.build;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The published module exports its API packages, nothing else, and needs nothing beyond the JDK.
 */
class ModuleDescriptorTest {
  private static ModuleDescriptor descriptor() throws IOException {
    try (InputStream in = Files.newInputStream(Path.of("target/classes/module-info.class"))) {
      return ModuleDescriptor.read(in);
    }
  }

  @Test
  void exportsExactlyTheApiPackages() throws IOException {
    ModuleDescriptor d = descriptor();
    assertEquals("dev.weft.primitives", d.name());
    Set<String> exported =
        d.exports().stream().map(ModuleDescriptor.Exports::source).collect(Collectors.toSet());
    assertEquals(
        Set.of("dev.weft.chan", "dev.weft.sync", "dev.weft.sync.locks", "dev.weft.time"), exported);
    for (ModuleDescriptor.Exports e : d.exports()) {
      assertTrue(e.targets().isEmpty(), "no qualified exports: " + e);
    }
    assertTrue(d.opens().isEmpty(), "opens nothing");
  }

  @Test
  void requiresOnlyJdkModules() throws IOException {
    for (ModuleDescriptor.Requires r : descriptor().requires()) {
      assertTrue(
          r.name().startsWith("java.") || r.name().startsWith("jdk."),
          "runtime dependency outside the JDK: " + r.name());
    }
  }
}
