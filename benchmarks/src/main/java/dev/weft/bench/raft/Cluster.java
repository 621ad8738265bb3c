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

  /**
   * Closed-loop clients: {@code threads} platform threads, each submitting {@code window} commands
   * and waiting for all of them, again and again, for {@code seconds}.
   *
   * @return the commands completed
   */
  static long closedLoop(Cluster cluster, byte[] command, int threads, int window, int seconds)
      throws InterruptedException {
    java.util.concurrent.atomic.LongAdder done = new java.util.concurrent.atomic.LongAdder();
    long end = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(seconds);
    Thread[] clients = new Thread[threads];
    for (int t = 0; t < threads; t++) {
      clients[t] =
          Thread.ofPlatform()
              .start(
                  () -> {
                    CompletableFuture<?>[] w = new CompletableFuture<?>[window];
                    while (System.nanoTime() - end < 0) {
                      for (int i = 0; i < window; i++) {
                        w[i] = cluster.submit(command);
                      }
                      for (int i = 0; i < window; i++) {
                        w[i].join();
                      }
                      done.add(window);
                    }
                  });
    }
    for (Thread c : clients) {
      c.join();
    }
    return done.sum();
  }

  /** Deletes a directory tree, best effort (a benchmark's temporary storage). */
  static void deleteTree(java.nio.file.Path dir) {
    try (var paths = java.nio.file.Files.walk(dir)) {
      for (java.nio.file.Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        java.nio.file.Files.deleteIfExists(p);
      }
    } catch (java.io.IOException e) {
      System.err.println("could not delete " + dir + ": " + e);
    }
  }

  static Cluster create(String impl) throws Exception {
    return switch (impl) {
      case "weft" -> new WeftCluster();
      case "microraft" -> new MicroRaftCluster();
      case "weft-grpc" -> new WeftGrpcCluster();
      case "ratis" -> new RatisCluster();
      default -> throw new IllegalArgumentException("unknown implementation " + impl);
    };
  }
}
