package dev.weft.bench.raft;

import java.util.Random;
import java.util.function.LongSupplier;

/**
 * Bytes on the wire per 64-byte command, for weft over gRPC and for Apache Ratis: three nodes in
 * this JVM whose peers reach each other through {@link CountingProxy}s, which count the TCP payload
 * in both directions (AppendEntries, responses, heartbeats and everything else between the nodes).
 * Each cluster runs closed-loop clients for a warm-up and then a counted period, at two
 * concurrencies: 8 threads with 64 commands in flight each (as in {@link RaftClusterBench}, where
 * commands share AppendEntries) and one command at a time (one command per AppendEntries). A count,
 * not a timing: the commands per second it prints go through the proxies and are no benchmark.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.weft.bench.raft.WireBytes [seconds]
 * </pre>
 */
public final class WireBytes {
  private static final byte[] COMMAND = new byte[64];

  static {
    new Random(42).nextBytes(COMMAND);
  }

  private WireBytes() {}

  /**
   * Runs the counts and prints one line per cluster and concurrency.
   *
   * @param args optional: the counted seconds per run (default 5)
   * @throws Exception if a cluster fails
   */
  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    for (String impl : new String[] {"weft-grpc", "ratis"}) {
      for (int[] shape : new int[][] {{8, 64}, {1, 1}}) {
        run(impl, shape[0], shape[1], seconds);
      }
    }
    System.exit(0); // Ratis leaves non-daemon threads behind
  }

  private static void run(String impl, int threads, int window, int seconds) throws Exception {
    Cluster cluster;
    LongSupplier wire;
    if (impl.equals("ratis")) {
      RatisCluster r = new RatisCluster(true);
      cluster = r;
      wire = r::wireBytes;
    } else {
      WeftGrpcCluster w = new WeftGrpcCluster(true);
      cluster = w;
      wire = w::wireBytes;
    }
    try (cluster) {
      Cluster.closedLoop(cluster, COMMAND, threads, window, 2); // warm-up
      long before = wire.getAsLong();
      long start = System.nanoTime();
      long commands = Cluster.closedLoop(cluster, COMMAND, threads, window, seconds);
      double elapsed = (System.nanoTime() - start) / 1e9;
      long bytes = wire.getAsLong() - before;
      System.out.printf(
          "%-9s %d x %-2d in flight: %,d commands, %,d bytes between nodes, %.0f bytes per"
              + " 64-byte command (%.0f commands/s through the proxies)%n",
          impl, threads, window, commands, bytes, (double) bytes / commands, commands / elapsed);
    }
  }
}
