package dev.weft.raft.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.raft.RaftConfig;
import dev.weft.raft.SnapshotMetadata;
import dev.weft.raft.SnapshotReader;
import dev.weft.raft.SnapshotWriter;
import dev.weft.raft.storage.FileStorage;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an operator sees of a three-server cluster on {@link FileStorage} that elects a leader,
 * commits commands, stores and opens a snapshot, and shuts down: the Flight Recorder events (read
 * back from a recording file), the {@link RaftMetrics} meters, and the log (nothing above INFO).
 */
class ObservabilityTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final int COMMANDS = 20;

  @TempDir Path dir;

  /** A registry that keeps counters and gauges by "name node". */
  static final class MapMetrics implements RaftMetrics {
    final Map<String, AtomicLong> counters = new ConcurrentHashMap<>();
    final Map<String, LongSupplier> gauges = new ConcurrentHashMap<>();

    @Override
    public Counter counter(String name, String description, Map<String, String> tags) {
      assertTrue(!description.isBlank());
      AtomicLong c = new AtomicLong();
      assertNull(counters.put(name + " " + tags.get("node"), c), "registered twice: " + name);
      return c::addAndGet;
    }

    @Override
    public void gauge(
        String name, String description, Map<String, String> tags, LongSupplier value) {
      assertNull(gauges.put(name + " " + tags.get("node"), value), "registered twice: " + name);
    }

    long sum(String name) {
      return counters.entrySet().stream()
          .filter(e -> e.getKey().startsWith(name + " "))
          .mapToLong(e -> e.getValue().get())
          .sum();
    }
  }

  /** Runs the scenario; returns the leader's id. */
  String runCluster(RaftMetrics metrics) throws Exception {
    InProcessNetwork network = new InProcessNetwork();
    List<String> ids = List.of("n1", "n2", "n3");
    Map<String, RaftServer> servers = new LinkedHashMap<>();
    Map<String, FileStorage> storages = new LinkedHashMap<>();
    try {
      for (String id : ids) {
        FileStorage storage = FileStorage.open(dir.resolve(id));
        storages.put(id, storage);
        servers.put(
            id,
            RaftServer.start(
                new RaftConfig(id, ids, 10, 1, id.hashCode()),
                storage,
                new TestCluster.LogMachine(),
                network.endpoint(id),
                TestCluster.fast(),
                metrics));
      }
      RaftServer leader = awaitLeader(servers.values());
      List<CompletableFuture<byte[]>> results = new ArrayList<>();
      for (int i = 0; i < COMMANDS; i++) {
        results.add(leader.submit(("command-" + i).getBytes(StandardCharsets.UTF_8)));
      }
      long index = lastIndex(results);
      awaitApplied(servers.values(), index);
      FileStorage storage = storages.get(leader.id());
      try (SnapshotWriter w =
          storage.beginSnapshot(new SnapshotMetadata(index, leader.status().term()))) {
        w.output().write(new byte[1000]);
        w.commit();
      }
      try (SnapshotReader r = storage.openSnapshot()) {
        assertEquals(1000, r.input().readAllBytes().length);
      }
      return leader.id();
    } finally {
      closeAll(servers, network, storages);
    }
  }

  private static void closeAll(
      Map<String, RaftServer> servers,
      InProcessNetwork network,
      Map<String, FileStorage> storages) {
    for (RaftServer s : servers.values()) {
      s.close();
    }
    network.close();
    for (FileStorage s : storages.values()) {
      s.close();
    }
  }

  /**
   * Waits for every command's result (the index it was applied at) and returns the last. The
   * server's status is published after a turn's results, so a test that has its results may still
   * read the status of the turn before.
   */
  private static long lastIndex(List<CompletableFuture<byte[]>> results) throws Exception {
    long last = 0;
    for (CompletableFuture<byte[]> f : results) {
      last = Math.max(last, ByteBuffer.wrap(f.get(WAIT.toSeconds(), TimeUnit.SECONDS)).getLong());
    }
    return last;
  }

  private static RaftServer awaitLeader(Iterable<RaftServer> servers) throws InterruptedException {
    long end = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() - end < 0) {
      for (RaftServer s : servers) {
        if (s.status().role() == dev.weft.raft.Role.LEADER) {
          return s;
        }
      }
      Thread.sleep(5);
    }
    throw new AssertionError("no leader within " + WAIT);
  }

  private static void awaitApplied(Iterable<RaftServer> servers, long index)
      throws InterruptedException {
    long end = System.nanoTime() + WAIT.toNanos();
    for (RaftServer s : servers) {
      while (s.status().commitIndex() < index) {
        assertTrue(System.nanoTime() - end < 0, "not committed everywhere: " + s);
        Thread.sleep(5);
      }
    }
  }

  @Test
  void aRecordingHoldsEachRaftAndStorageEventWithSaneFields() throws Exception {
    Path file = dir.resolve("raft.jfr");
    String leader;
    try (Recording recording = new Recording()) {
      for (String name :
          List.of(
              "dev.weft.RaftElection",
              "dev.weft.RaftLeaderChange",
              "dev.weft.RaftCommitBatch",
              "dev.weft.StorageFsync",
              "dev.weft.RaftSnapshot")) {
        recording.enable(name);
      }
      recording.start();
      leader = runCluster(RaftMetrics.none());
      recording.stop();
      recording.dump(file);
    }
    Map<String, List<RecordedEvent>> byName = new LinkedHashMap<>();
    try (RecordingFile in = new RecordingFile(file)) {
      while (in.hasMoreEvents()) {
        RecordedEvent e = in.readEvent();
        if (e.getEventType().getName().startsWith("dev.weft.")) {
          assertNull(e.getStackTrace(), "stack traces are off by default: " + e);
          byName.computeIfAbsent(e.getEventType().getName(), k -> new ArrayList<>()).add(e);
        }
      }
    }
    List<RecordedEvent> won =
        byName.getOrDefault("dev.weft.RaftElection", List.of()).stream()
            .filter(e -> e.getBoolean("won"))
            .toList();
    assertTrue(!won.isEmpty(), "an election won: " + byName.keySet());
    RecordedEvent last = won.get(won.size() - 1);
    assertEquals(leader, last.getString("node"));
    assertEquals(leader, last.getString("leader"));
    assertTrue(last.getLong("term") >= 1);
    assertTrue(last.getLong("electionTime") >= 0 && last.getLong("electionTime") < 20e9);

    List<String> changes =
        byName.get("dev.weft.RaftLeaderChange").stream()
            .filter(e -> leader.equals(e.getString("leader")))
            .map(e -> e.getString("node"))
            .distinct()
            .sorted()
            .toList();
    assertEquals(List.of("n1", "n2", "n3"), changes, "every node learns the leader");

    long leaderEntries = 0;
    long leaderBytes = 0;
    long previousLast = 0;
    // A virtual thread's events go to its carrier's buffer, and a loop moves between carriers, so
    // the file's order is not the order of events: take them by start time.
    List<RecordedEvent> batches = new ArrayList<>(byName.get("dev.weft.RaftCommitBatch"));
    batches.sort(java.util.Comparator.comparing(RecordedEvent::getStartTime));
    for (RecordedEvent e : batches) {
      long first = e.getLong("firstIndex");
      long lastIndex = e.getLong("lastIndex");
      assertTrue(first >= 1 && lastIndex >= first, "indexes " + e);
      assertEquals(lastIndex - first + 1, e.getLong("entries"));
      assertTrue(e.getLong("bytes") >= 0);
      if (e.getString("node").equals(leader)) {
        assertTrue(first > previousLast, "batches follow each other: " + e);
        previousLast = lastIndex;
        leaderEntries += e.getLong("entries");
        leaderBytes += e.getLong("bytes");
      }
    }
    assertTrue(leaderEntries >= COMMANDS, "entries applied on the leader: " + leaderEntries);
    long commandBytes = 0;
    for (int i = 0; i < COMMANDS; i++) {
      commandBytes += ("command-" + i).length();
    }
    assertEquals(commandBytes, leaderBytes, "command bytes applied on the leader");

    List<RecordedEvent> fsyncs = byName.get("dev.weft.StorageFsync");
    assertTrue(fsyncs.size() >= 3, "fsyncs: " + fsyncs.size());
    assertTrue(fsyncs.stream().anyMatch(e -> e.getLong("bytes") > 0), "an fsync wrote bytes");
    for (RecordedEvent e : fsyncs) {
      assertTrue(e.getString("directory").startsWith(dir.toString()), e::toString);
      assertTrue(e.getDuration().toNanos() > 0 && e.getDuration().toSeconds() < 20, e::toString);
    }

    List<String> snapshots =
        byName.get("dev.weft.RaftSnapshot").stream()
            .map(e -> e.getString("operation") + " " + e.getLong("bytes"))
            .toList();
    assertEquals(List.of("save 1000", "open 1000"), snapshots);
    for (RecordedEvent e : byName.get("dev.weft.RaftSnapshot")) {
      assertTrue(e.getLong("index") >= COMMANDS && e.getLong("term") >= 1, e::toString);
      assertEquals(dir.resolve(leader).toString(), e.getString("directory"));
    }
  }

  @Test
  @Timeout(60)
  void aSnapshotTransferIsRecordedOnTheLeaderAndOnTheFollower() throws Exception {
    Path file = dir.resolve("install.jfr");
    InProcessNetwork network = new InProcessNetwork();
    List<String> ids = List.of("n1", "n2", "n3");
    Map<String, RaftServer> servers = new LinkedHashMap<>();
    Map<String, FileStorage> storages = new LinkedHashMap<>();
    // Snapshots every 10 entries keeping 2, sent in 64-byte chunks: several chunks per transfer.
    ServerOptions options =
        TestCluster.fast()
            .withSnapshots(SnapshotPolicy.every(10).withRetainedEntries(2).withChunkBytes(64));
    String leaderId;
    SnapshotMetadata snapshot;
    long snapshotBytes;
    try (Recording recording = new Recording()) {
      recording.enable("dev.weft.RaftInstallSnapshot");
      recording.start();
      try {
        for (String id : ids) {
          // small segments and no tail of its own, so that the storage compacts what it may
          storages.put(
              id,
              FileStorage.open(
                  dir.resolve(id),
                  FileStorage.Options.defaults().withSegmentSize(1024).withRetainedEntries(0)));
        }
        // n3 stays down while the other two commit and compact past everything it lacks.
        for (String id : List.of("n1", "n2")) {
          servers.put(id, startServer(id, ids, storages.get(id), network, options));
        }
        RaftServer leader = awaitLeader(servers.values());
        leaderId = leader.id();
        List<CompletableFuture<byte[]>> results = new ArrayList<>();
        for (int i = 0; i < 4 * COMMANDS; i++) {
          results.add(leader.submit(("command-" + i).getBytes(StandardCharsets.UTF_8)));
        }
        long last = lastIndex(results);
        // A snapshot of everything applied: the policy takes no other while nothing more is
        // applied,
        // so this is the one n3 will receive.
        long covered = leader.snapshot().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertEquals(last, covered);
        FileStorage leaderStorage = storages.get(leaderId);
        long end = System.nanoTime() + WAIT.toNanos();
        while (leaderStorage.firstIndex() <= 2) {
          assertTrue(System.nanoTime() - end < 0, "the leader never compacted its log");
          Thread.sleep(5);
        }
        snapshot = leaderStorage.snapshotMetadata();
        assertEquals(covered, snapshot.index());
        try (SnapshotReader r = leaderStorage.openSnapshot()) {
          snapshotBytes = r.size();
        }
        assertTrue(snapshotBytes > 64, "a snapshot of several chunks: " + snapshotBytes);

        servers.put("n3", startServer("n3", ids, storages.get("n3"), network, options));
        awaitApplied(servers.values(), last);
        assertEquals(snapshot.index(), storages.get("n3").snapshotMetadata().index());
      } finally {
        closeAll(servers, network, storages);
      }
      recording.stop();
      recording.dump(file);
    }
    List<RecordedEvent> events = new ArrayList<>();
    try (RecordingFile in = new RecordingFile(file)) {
      while (in.hasMoreEvents()) {
        RecordedEvent e = in.readEvent();
        if (e.getEventType().getName().equals("dev.weft.RaftInstallSnapshot")) {
          assertNull(e.getStackTrace(), "stack traces are off by default: " + e);
          events.add(e);
        }
      }
    }
    for (String direction : List.of("send", "receive")) {
      String node = direction.equals("send") ? leaderId : "n3";
      String peer = direction.equals("send") ? "n3" : leaderId;
      List<RecordedEvent> done =
          events.stream()
              .filter(e -> e.getString("direction").equals(direction))
              .filter(e -> e.getBoolean("completed"))
              .toList();
      assertTrue(!done.isEmpty(), "a completed " + direction + ": " + events);
      RecordedEvent e = done.get(done.size() - 1);
      assertEquals(node, e.getString("node"), e::toString);
      assertEquals(peer, e.getString("peer"), e::toString);
      assertEquals(snapshot.index(), e.getLong("index"), e::toString);
      assertEquals(snapshot.term(), e.getLong("term"), e::toString);
      if (direction.equals("receive")) {
        assertEquals(snapshotBytes, e.getLong("bytes"), e::toString);
      } else {
        // every byte acknowledged, unless the follower's append answer overtook the last one
        assertTrue(e.getLong("bytes") > 0 && e.getLong("bytes") <= snapshotBytes, e::toString);
      }
      assertTrue(e.getDuration().toNanos() > 0 && e.getDuration().toSeconds() < 60, e::toString);
    }
  }

  private static RaftServer startServer(
      String id,
      List<String> ids,
      FileStorage storage,
      InProcessNetwork network,
      ServerOptions options) {
    return RaftServer.start(
        new RaftConfig(id, ids, 10, 1, id.hashCode()),
        storage,
        new ListMachine(),
        network.endpoint(id),
        options,
        RaftMetrics.none());
  }

  /** Keeps the commands it applied, one a line; its snapshot is that text. */
  static final class ListMachine implements StateMachine {
    private final StringBuilder lines = new StringBuilder();

    @Override
    public synchronized byte[] apply(long index, byte[] command) {
      lines.append(index).append(' ').append(new String(command, StandardCharsets.UTF_8));
      lines.append('\n');
      return ByteBuffer.allocate(8).putLong(index).array();
    }

    @Override
    public synchronized byte[] snapshot() {
      return lines.toString().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public synchronized void restore(byte[] snapshot) {
      lines.setLength(0);
      lines.append(new String(snapshot, StandardCharsets.UTF_8));
    }
  }

  @Test
  void metricsCountElectionsAndAppliedEntriesAndGaugesReadTheStatus() throws Exception {
    MapMetrics metrics = new MapMetrics();
    String leader = runCluster(metrics);
    assertEquals(33, metrics.counters.size() + metrics.gauges.size(), "11 meters per node");
    assertTrue(metrics.sum("weft.raft.elections.won") >= 1);
    assertTrue(metrics.sum("weft.raft.elections") >= metrics.sum("weft.raft.elections.won"));
    assertTrue(metrics.counters.get("weft.raft.leader.changes " + leader).get() >= 1);
    for (String node : List.of("n1", "n2", "n3")) {
      long applied = metrics.counters.get("weft.raft.applied.entries " + node).get();
      assertTrue(applied >= COMMANDS, node + " applied " + applied);
      assertTrue(metrics.counters.get("weft.raft.commit.batches " + node).get() >= 1);
      assertTrue(metrics.counters.get("weft.raft.applied.bytes " + node).get() > 0);
      assertEquals(applied, metrics.gauges.get("weft.raft.applied.index " + node).getAsLong());
      assertTrue(metrics.gauges.get("weft.raft.term " + node).getAsLong() >= 1);
      assertTrue(
          metrics.gauges.get("weft.raft.last.index " + node).getAsLong()
              >= metrics.gauges.get("weft.raft.commit.index " + node).getAsLong());
    }
  }

  @Test
  void normalOperationLogsNothingAboveInfo() throws Exception {
    List<LogRecord> records = new ArrayList<>();
    Handler capture =
        new Handler() {
          @Override
          public void publish(LogRecord r) {
            synchronized (records) {
              records.add(r);
            }
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    capture.setLevel(Level.ALL);
    Logger weft = Logger.getLogger("dev.weft");
    Level before = weft.getLevel();
    weft.setLevel(Level.ALL);
    weft.addHandler(capture);
    try {
      runCluster(RaftMetrics.none());
    } finally {
      weft.removeHandler(capture);
      weft.setLevel(before);
    }
    List<String> aboveInfo;
    synchronized (records) {
      assertTrue(
          records.stream().anyMatch(r -> r.getLoggerName().startsWith("dev.weft")),
          "the capture sees weft's INFO lines (elections), so it would see worse");
      aboveInfo =
          records.stream()
              .filter(r -> r.getLevel().intValue() > Level.INFO.intValue())
              .map(r -> r.getLevel() + " " + r.getLoggerName() + ": " + r.getMessage())
              .toList();
    }
    assertEquals(List.of(), aboveInfo);
  }
}
