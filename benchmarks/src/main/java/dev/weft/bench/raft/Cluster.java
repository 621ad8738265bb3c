package dev.weft.bench.raft;

import java.util.concurrent.CompletableFuture;

/** A three-node Raft group in this JVM, behind the calls the benchmarks need. */
interface Cluster extends AutoCloseable {
  /** Bytes in every command both benchmarks submit. */
  int COMMAND_BYTES = 64;

  /**
   * Replicates a command through the leader.
   *
   * @param command the command; a fresh array per call, never changed afterwards
   * @return completes once the command is committed and applied on the leader
   */
  CompletableFuture<?> submit(byte[] command);

  /**
   * The settings that decide batching and back-pressure, in words for the report: entries per
   * AppendEntries, AppendEntries in flight per follower, how the log is bounded.
   *
   * @return one line
   */
  String settings();

  /**
   * What each node's loop did since the previous call, in words, for a line after each iteration:
   * its role, the turns that applied entries and the entries they applied. Empty where the
   * implementation does not say.
   *
   * @return one line, or an empty string
   */
  default String progress() {
    return "";
  }

  @Override
  void close();

  /**
   * A fresh command: {@value #COMMAND_BYTES} bytes holding {@code seq} and a fixed pattern, so each
   * submit allocates its payload as a real client's would, on either side.
   *
   * @param seq a number that tells commands apart
   * @return a new array
   */
  static byte[] command(long seq) {
    byte[] c = new byte[COMMAND_BYTES];
    for (int i = 0; i < COMMAND_BYTES; i++) {
      c[i] = (byte) (seq >>> ((i & 7) << 3) ^ i);
    }
    return c;
  }

  /**
   * Starts a cluster.
   *
   * @param impl {@code weft} (its own flow control), {@code weft-microraft-flow} (weft with
   *     MicroRaft's: one AppendEntries of at most 1,000 commands in flight per follower), or {@code
   *     microraft}
   * @param weftSnapshots whether weft's driver snapshots and truncates its log every {@value
   *     WeftCluster#SNAPSHOT_EVERY} entries, as MicroRaft's side always does
   * @return the started cluster, with a leader that has committed a command
   * @throws Exception if it cannot start
   */
  static Cluster create(String impl, boolean weftSnapshots) throws Exception {
    return switch (impl) {
      case "weft" -> new WeftCluster(WeftCluster.Flow.WEFT, weftSnapshots);
      case "weft-microraft-flow" -> new WeftCluster(WeftCluster.Flow.MICRORAFT, weftSnapshots);
      case "microraft" -> new MicroRaftCluster();
      case "weft-grpc" -> new WeftGrpcCluster();
      case "ratis" -> new RatisCluster();
      default -> throw new IllegalArgumentException("unknown implementation " + impl);
    };
  }

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
}
