package dev.weft.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;

/**
 * Checks a published module's descriptor: its name, that it exports exactly its API packages
 * (unqualified) and opens nothing, and that it requires only the JDK and the modules allowed.
 *
 * {@snippet :
 * ModuleDescriptors.check(
 *     Path.of("target/classes/module-info.class"),
 *     "dev.weft.snapshot",
 *     Set.of("dev.weft.snapshot"),
 *     Set.of("dev.weft.primitives"));
 * }
 */
public final class ModuleDescriptors {
  private ModuleDescriptors() {}

  /**
   * Reads {@code moduleInfo} and checks it.
   *
   * @param moduleInfo a compiled {@code module-info.class}
   * @param name the module's expected name
   * @param exports the packages it must export, and the only ones
   * @param allowedRequires modules outside the JDK ({@code java.*}, {@code jdk.*}) it may require
   * @return the descriptor, for further checks
   * @throws IOException if the file cannot be read
   * @throws AssertionError if a check fails
   */
  public static ModuleDescriptor check(
      Path moduleInfo, String name, Set<String> exports, Set<String> allowedRequires)
      throws IOException {
    ModuleDescriptor d;
    try (InputStream in = Files.newInputStream(moduleInfo)) {
      d = ModuleDescriptor.read(in);
    }
    if (!d.name().equals(name)) {
      throw new AssertionError("module is named " + d.name() + ", expected " + name);
    }
    Set<String> exported = new TreeSet<>();
    for (ModuleDescriptor.Exports e : d.exports()) {
      if (!e.targets().isEmpty()) {
        throw new AssertionError("qualified export: " + e);
      }
      exported.add(e.source());
    }
    if (!exported.equals(new TreeSet<>(exports))) {
      throw new AssertionError(name + " exports " + exported + ", expected " + exports);
    }
    if (!d.opens().isEmpty()) {
      throw new AssertionError(name + " opens " + d.opens());
    }
    for (ModuleDescriptor.Requires r : d.requires()) {
      String m = r.name();
      if (!m.startsWith("java.") && !m.startsWith("jdk.") && !allowedRequires.contains(m)) {
        throw new AssertionError(name + " requires " + m + ", outside the JDK");
      }
    }
    return d;
  }
}
