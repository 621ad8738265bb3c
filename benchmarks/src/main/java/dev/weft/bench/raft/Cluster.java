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
      default -> throw new IllegalArgumentException("unknown implementation " + impl);
    };
  }
}
