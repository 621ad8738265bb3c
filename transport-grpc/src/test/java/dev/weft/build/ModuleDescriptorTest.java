package dev.weft.build;

import dev.weft.testkit.ModuleDescriptors;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The published module exports its API packages and nothing else (the generated wire classes stay
 * hidden), and requires only weft's consensus module, gRPC and protobuf (as automatic modules).
 */
class ModuleDescriptorTest {
  @Test
  void exportsExactlyTheApiPackages() throws IOException {
    ModuleDescriptors.check(
        Path.of("target/classes/module-info.class"),
        "dev.weft.grpc",
        Set.of("dev.weft.grpc", "dev.weft.grpc.rpc"),
        Set.of(
            "dev.weft.consensus",
            "io.grpc",
            "io.grpc.stub",
            "io.grpc.protobuf",
            "io.grpc.netty.shaded",
            "com.google.protobuf",
            "com.google.common.util.concurrent.internal"));
  }
}
