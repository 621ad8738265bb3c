package dev.weft.bench.raft;

import java.util.concurrent.CompletableFuture;

/** A three-node Raft group in this JVM, behind the one call the benchmarks need. */
interface Cluster extends AutoCloseable {
  /**
   * Replicates a command through the leader.
   *
   * @param command the command
   * @return completes once the command is committed and applied on the leader
   */
  CompletableFuture<?> submit(byte[] command);

  @Override
  void close();

  static Cluster create(String impl) throws Exception {
    return switch (impl) {
      case "weft" -> new WeftCluster();
      case "microraft" -> new MicroRaftCluster();
      default -> throw new IllegalArgumentException("unknown implementation " + impl);
    };
  }
}
