package dev.weft.bench.raft;

import dev.weft.raft.MemoryStorage;
import dev.weft.raft.MutableStorage;
import dev.weft.raft.RaftConfig;
import dev.weft.raft.RaftStatus;
import dev.weft.raft.Role;
import dev.weft.raft.server.InProcessNetwork;
import dev.weft.raft.server.RaftMetrics;
import dev.weft.raft.server.RaftServer;
import dev.weft.raft.server.ServerOptions;
import dev.weft.raft.server.SnapshotPolicy;
import dev.weft.raft.server.StateMachine;
import dev.weft.raft.storage.FileStorage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Three weft {@link RaftServer}s with memory storage over an {@link InProcessNetwork}, with weft's
 * flow control or with MicroRaft's.
 */
final class WeftCluster implements Cluster {
  /** Log entries between snapshots, as {@link MicroRaftCluster} is configured. */
  static final int SNAPSHOT_EVERY = MicroRaftCluster.SNAPSHOT_EVERY;

  /** Whose batching and in-flight window the leader uses. */
  enum Flow {
    /** weft's defaults: 1 MiB of entry data per AppendEntries, 256 in flight per follower. */
    WEFT,
    /**
     * MicroRaft 0.7's: at most {@value MicroRaftCluster#APPEND_BATCH} entries per AppendEntries
     * ({@value MicroRaftCluster#APPEND_BATCH} commands of {@value Cluster#COMMAND_BYTES} bytes, as
     * weft counts entry data), one AppendEntries in flight per follower.
     */
    MICRORAFT
  }

  /**
   * Counts commands and returns an empty result: the cost of applying is not what is measured. Its
   * snapshot is the count (8 bytes), and a read returns the count.
   */
  static final class CountingMachine implements StateMachine {
    long applied;

    @Override
    public byte[] apply(long index, byte[] command) {
      applied++;
      return null;
    }

    @Override
    public byte[] read(byte[] query) {
      return snapshot();
    }

    @Override
    public byte[] snapshot() {
      return ByteBuffer.allocate(Long.BYTES).putLong(applied).array();
    }

    @Override
    public void restore(byte[] snapshot) {
      applied = ByteBuffer.wrap(snapshot).getLong();
    }
  }

  private final InProcessNetwork network = new InProcessNetwork();
  private final List<RaftServer> servers = new ArrayList<>();
  private final List<FileStorage> files = new ArrayList<>();
  private final Path dir;
  private RaftServer leader;

  private final String settings;
  private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();
  private final Map<String, Long> reported = new ConcurrentHashMap<>();

  WeftCluster(Flow flow, boolean snapshots) throws IOException, InterruptedException {
    this(flow, snapshots, CountingMachine::new, null);
  }

  /**
   * Starts the three servers with weft's flow control, each with a state machine from {@code
   * machines}, on {@link MemoryStorage}, or on {@link FileStorage} in a fresh directory under
   * {@code fileDir} (deleted by {@link #close}) if that is not null.
   */
  WeftCluster(Supplier<StateMachine> machines, Path fileDir)
      throws IOException, InterruptedException {
    this(Flow.WEFT, false, machines, fileDir);
  }

  private WeftCluster(Flow flow, boolean snapshots, Supplier<StateMachine> machines, Path fileDir)
      throws IOException, InterruptedException {
    dir = fileDir == null ? null : Files.createTempDirectory(fileDir, "weft-bench-raft");
    List<String> ids = List.of("a", "b", "c");
    ServerOptions options = ServerOptions.defaults().withTickInterval(Duration.ofMillis(10));
    if (snapshots) {
      options = options.withSnapshots(SnapshotPolicy.every(SNAPSHOT_EVERY));
    }
    RaftConfig template = new RaftConfig("a", ids, 100, 10, 0);
    if (flow == Flow.MICRORAFT) {
      template =
          template
              .withMaxInflightMessages(1)
              .withMaxSizePerMessage((long) MicroRaftCluster.APPEND_BATCH * COMMAND_BYTES);
    }
    settings =
        String.format(
            "weft (%s flow control): at most %,d bytes of entry data per AppendEntries (%,d"
                + " commands of %d bytes), %d AppendEntries and %,d bytes in flight per follower,"
                + " up to %,d inputs per loop turn, %,d proposals queued; log: %s",
            flow == Flow.WEFT ? "its own" : "MicroRaft's",
            template.maxSizePerMessage(),
            template.maxSizePerMessage() / COMMAND_BYTES,
            COMMAND_BYTES,
            template.maxInflightMessages(),
            template.maxInflightBytes(),
            options.maxBatch(),
            options.proposalQueueCapacity(),
            dir != null
                ? "FileStorage in " + dir
                : snapshots
                    ? String.format(
                        "MemoryStorage, snapshot and truncate every %,d committed entries",
                        SNAPSHOT_EVERY)
                    : "MemoryStorage keeps every entry (no snapshots)");
    for (String id : ids) {
      servers.add(
          RaftServer.start(
              // election timeout 1-2 s and heartbeats every 100 ms, near MicroRaft's settings, so
              // that a long GC pause under load does not depose the leader mid-measurement
              new RaftConfig(id, ids, 100, 10, id.hashCode())
                  .withMaxInflightMessages(template.maxInflightMessages())
                  .withMaxSizePerMessage(template.maxSizePerMessage()),
              storage(id),
              machines.get(),
              network.endpoint(id),
              options,
              counters(id)));
    }
    leader = awaitLeader(servers);
  }

  private MutableStorage storage(String id) throws IOException {
    if (dir == null) {
      return new MemoryStorage();
    }
    FileStorage f = FileStorage.open(dir.resolve(id));
    files.add(f);
    return f;
  }

  @Override
  public String settings() {
    return settings;
  }

  /** Waits until every server names the same leader, and that leader has committed a command. */
  static RaftServer awaitLeader(List<RaftServer> servers) throws InterruptedException {
    for (int i = 0; i < 2000; i++) {
      for (RaftServer s : servers) {
        if (s.status().role() == Role.LEADER
            && servers.stream().allMatch(o -> s.id().equals(o.status().leader()))
            && s.submit(new byte[1]).handle((r, e) -> e == null).join()) {
          return s;
        }
      }
      Thread.sleep(5);
    }
    throw new IllegalStateException("no leader elected");
  }

  /** The leader the cluster last knew of. */
  RaftServer leader() {
    return leader;
  }

  /** Records that leadership moved to {@code id}. */
  void leaderIs(String id) {
    for (RaftServer s : servers) {
      if (s.id().equals(id)) {
        leader = s;
      }
    }
  }

  /** The servers, in start order. */
  List<RaftServer> servers() {
    return servers;
  }

  /**
   * Per node, since the previous call: the loop turns that applied entries and the entries they
   * applied (so the mean batch a turn commits), and the node's role.
   */
  @Override
  public String progress() {
    StringBuilder b = new StringBuilder();
    for (RaftServer s : servers) {
      RaftStatus st = s.status();
      long turns = delta(st.id() + " weft.raft.commit.batches");
      long entries = delta(st.id() + " weft.raft.applied.entries");
      b.append(b.isEmpty() ? "" : "; ")
          .append(
              String.format(
                  "%s %s: %,d turns applied %,d entries (%.1f a turn)",
                  st.id(),
                  st.role().name().toLowerCase(Locale.ROOT),
                  turns,
                  entries,
                  turns == 0 ? 0.0 : (double) entries / turns));
    }
    return b.toString();
  }

  /** A registry that keeps only the counters, by node and name. */
  private RaftMetrics counters(String id) {
    return new RaftMetrics() {
      @Override
      public Counter counter(String name, String description, Map<String, String> tags) {
        return counts.computeIfAbsent(id + " " + name, k -> new LongAdder())::add;
      }

      @Override
      public void gauge(
          String name, String description, Map<String, String> tags, LongSupplier value) {}
    };
  }

  private long delta(String key) {
    LongAdder a = counts.get(key);
    long now = a == null ? 0 : a.sum();
    Long before = reported.put(key, now);
    return now - (before == null ? 0 : before);
  }

  @Override
  public CompletableFuture<?> submit(byte[] command) {
    return leader.submit(command);
  }

  @Override
  public void close() {
    for (RaftServer s : servers) {
      s.close();
    }
    network.close();
    if (dir == null) {
      return;
    }
    try {
      for (FileStorage f : files) {
        f.close();
      }
      try (Stream<Path> walk = Files.walk(dir)) {
        for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + dir, e);
    }
  }
}
