package dev.weft.raft.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.raft.QuietLogger;
import dev.weft.raft.RaftConfig;
import dev.weft.raft.RaftStatus;
import dev.weft.raft.Role;
import dev.weft.raft.server.Envelope;
import dev.weft.raft.server.Replica;
import dev.weft.raft.server.ServerOptions;
import dev.weft.raft.server.SnapshotPolicy;
import dev.weft.raft.server.StateMachine;
import dev.weft.testkit.sim.FaultyDisk;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Clusters of 3 and 5 {@link Replica}s on {@link FileStorage} over the testkit's {@link
 * FaultyDisk}, driven step by step on one thread with a lossy, reordering network: processes crash,
 * disks lose power (dropping or tearing what was not synced), and a minority of disks get a flipped
 * bit, after which their node stays down (a disk that is not intact). Snapshots and compaction run
 * every 25 entries, and a node is now and then cut off for 40 to 100 steps, so restarted nodes
 * restore from snapshots and lagging ones get InstallSnapshot.
 *
 * <p>Checked after every step: at most one leader per term (Raft §5.2), and no two nodes apply
 * different commands at one index (state machine safety, Raft §5.4.3; also checked on every
 * snapshot restored). At the end, with the network healed: every command acknowledged to a client
 * is in the state of every node still up. A flipped bit is either refused when the node's storage
 * is opened ({@link StorageCorruptedException}) or, in the last record, cut off as a torn tail; it
 * is never applied.
 *
 * <p>Seeds: {@code -Dweft.diskfault.seeds=N} runs N seeds per cluster size (default 4); {@code
 * -Dweft.seed=S} replays one.
 */
class DiskFaultClusterTest {
  private static final Path DIR = Path.of("/data");

  @Test
  void threeNodes() throws IOException {
    runSeeds(3);
  }

  @Test
  void fiveNodes() throws IOException {
    runSeeds(5);
  }

  private static void runSeeds(int size) throws IOException {
    String replay = System.getProperty("weft.seed");
    int seeds = replay != null ? 1 : Integer.getInteger("weft.diskfault.seeds", 4);
    long first = replay != null ? Long.parseLong(replay) : 1000L * size;
    long[] totals = new long[7];
    for (long seed = first; seed < first + seeds; seed++) {
      Run r = new Run(size, seed);
      try {
        r.run(400);
      } catch (AssertionError | RuntimeException e) {
        throw new AssertionError(
            "seed " + seed + " (replay with -Dweft.seed=" + seed + "): " + e.getMessage(), e);
      }
      long[] s = {
        r.acked.size(), r.crashes, r.powerLosses, r.refused, r.tornTails, r.snapshots, r.installs
      };
      for (int i = 0; i < s.length; i++) {
        totals[i] += s[i];
      }
    }
    System.out.printf(
        "DiskFaultClusterTest, %d nodes: %d seeds from %d, %d acknowledged commands checked, %d"
            + " crashes, %d power losses, %d flipped bits refused at open, %d opened anyway (cut as a torn tail, or in snapshot data, which is checked when read),"
            + " %d snapshots taken, %d installed by InstallSnapshot%n",
        size, seeds, first, totals[0], totals[1], totals[2], totals[3], totals[4], totals[5],
        totals[6]);
    assertTrue(totals[0] > 20L * seeds, "too few acknowledged commands: " + totals[0]);
    assertTrue(totals[2] > 0 && totals[1] > 0, "no faults");
    assertTrue(totals[5] > 0, "no snapshot taken");
    assertTrue(totals[6] > 0, "no node caught up by InstallSnapshot");
  }

  /** Applies commands and checks them against what every node applied at each index. */
  private static final class Checked implements StateMachine {
    final String id;
    final Run run;
    TreeMap<Long, String> state = new TreeMap<>();

    Checked(String id, Run run) {
      this.id = id;
      this.run = run;
    }

    @Override
    public byte[] apply(long index, byte[] command) {
      String c = new String(command, StandardCharsets.UTF_8);
      run.check(id, index, c);
      state.put(index, c);
      return ByteBuffer.allocate(8).putLong(index).array();
    }

    @Override
    public byte[] snapshot() {
      StringBuilder b = new StringBuilder();
      state.forEach((i, c) -> b.append(i).append(':').append(c).append('\n'));
      return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void restore(byte[] snapshot) {
      TreeMap<Long, String> s = new TreeMap<>();
      for (String line : new String(snapshot, StandardCharsets.UTF_8).split("\n")) {
        if (!line.isEmpty()) {
          int colon = line.indexOf(':');
          long index = Long.parseLong(line.substring(0, colon));
          String c = line.substring(colon + 1);
          run.check(id + " (restored)", index, c);
          s.put(index, c);
        }
      }
      state = s;
    }
  }

  private static final class Node {
    final String id;
    final FaultyDisk disk;
    FileStorage storage;
    Replica replica;
    Checked machine;
    boolean down;

    Node(String id, FaultyDisk disk) {
      this.id = id;
      this.disk = disk;
    }
  }

  private static final class Run {
    final long seed;
    final Random random;
    final List<String> ids = new ArrayList<>();
    final Map<String, Node> nodes = new LinkedHashMap<>();
    final Map<Long, String> appliedAt = new HashMap<>();
    final Map<Long, String> leaders = new HashMap<>();
    final Map<Long, String> acked = new HashMap<>();
    final List<Envelope> wire = new ArrayList<>();
    final FileStorage.Options options;
    long starts;
    long crashes;
    long powerLosses;
    long refused;
    long tornTails;
    long snapshots;
    long installs;
    int corrupted;
    String isolated;
    int isolatedUntil;

    Run(int size, long seed) throws IOException {
      this.seed = seed;
      this.random = new Random(seed);
      for (int i = 1; i <= size; i++) {
        ids.add("n" + i);
      }
      this.options =
          FileStorage.Options.defaults()
              .withSegmentSize(2048)
              .withRetainedEntries(random.nextInt(10))
              .withLogger(new LogLines());
      for (String id : ids) {
        Node n = new Node(id, new FaultyDisk(new Random(seed * 31 + id.hashCode())));
        nodes.put(id, n);
        start(n);
      }
    }

    void check(String who, long index, String command) {
      String before = appliedAt.putIfAbsent(index, command);
      if (before != null && !before.equals(command)) {
        throw new AssertionError(
            who + " applied " + command + " at " + index + " where " + before + " was applied");
      }
    }

    void start(Node n) throws IOException {
      n.storage = FileStorage.open(DIR, options.withIo(new FaultyDiskIo(n.disk)));
      n.machine = new Checked(n.id, this);
      ServerOptions o =
          ServerOptions.defaults()
              .withTickInterval(Duration.ofMillis(10))
              .withProposalTimeout(Duration.ofSeconds(2))
              .withSnapshots(SnapshotPolicy.every(25).withRetainedEntries(5).withChunkBytes(256));
      RaftConfig config =
          new RaftConfig(n.id, ids, 10, 1, seed * 1000 + starts++).withLogger(QuietLogger.INSTANCE);
      long before = n.storage.snapshotMetadata().index();
      n.replica = new Replica(config, n.storage, n.machine, o);
      assertEquals(Math.max(before, 0), n.replica.applied(), "restored from its snapshot");
    }

    List<Node> up() {
      return nodes.values().stream().filter(n -> !n.down).toList();
    }

    void run(int steps) throws IOException {
      for (int step = 0; step < steps; step++) {
        if (isolated != null && step >= isolatedUntil) {
          isolated = null;
        }
        if (isolated == null && random.nextInt(40) == 0) {
          // cut one node off for long enough that the others snapshot and compact past it
          isolated = ids.get(random.nextInt(ids.size()));
          isolatedUntil = step + 40 + random.nextInt(60);
        }
        fault();
        traffic(step);
        tickAndDeliver(0.1);
        checkLeaders();
      }
      // heal: no more faults or losses; the nodes still up must converge
      isolated = null;
      for (int step = 0; step < 300; step++) {
        tickAndDeliver(0);
        checkLeaders();
      }
      long last = acked.keySet().stream().mapToLong(Long::longValue).max().orElse(0);
      for (Node n : up()) {
        assertTrue(n.replica.applied() >= last, n.id + " applied " + n.replica.applied());
        for (Map.Entry<Long, String> a : acked.entrySet()) {
          assertEquals(
              a.getValue(),
              n.machine.state.get(a.getKey()),
              n.id + " lost the acknowledged command at " + a.getKey());
        }
      }
    }

    private void fault() throws IOException {
      int r = random.nextInt(100);
      List<Node> up = up();
      Node victim = up.get(random.nextInt(up.size()));
      if (r < 2) {
        crashes++;
        victim.disk.crash();
        start(victim);
      } else if (r < 4) {
        powerLosses++;
        victim.disk.powerLoss();
        start(victim);
      } else if (r == 4 && corrupted < (ids.size() - 1) / 2) {
        corrupt(victim);
      }
    }

    /** Flips a durable bit of the victim's disk; it then stays down, its disk not intact. */
    private void corrupt(Node victim) throws IOException {
      victim.disk.crash();
      List<Path> files = new ArrayList<>(victim.disk.list(DIR));
      files.removeIf(p -> p.getFileName().toString().equals("LOCK"));
      Path file = files.get(random.nextInt(files.size()));
      int length = victim.disk.read(file).length;
      if (length == 0) {
        return;
      }
      victim.disk.flipBit(file, random.nextInt(length), random.nextInt(8));
      corrupted++;
      victim.down = true;
      try {
        FileStorage.open(DIR, options.withIo(new FaultyDiskIo(victim.disk))).close();
        tornTails++;
      } catch (StorageCorruptedException e) {
        refused++;
      }
      wire.removeIf(e -> e.to().equals(victim.id) || e.from().equals(victim.id));
    }

    private void traffic(int step) {
      if (random.nextInt(3) == 0) {
        return;
      }
      List<Node> up = up();
      // mostly to a leader, as a client that follows NotLeaderException's hint would
      Node n =
          up.stream()
              .filter(x -> x.replica.isLeader() && random.nextInt(4) != 0)
              .findFirst()
              .orElse(up.get(random.nextInt(up.size())));
      for (int i = 0; i < 3; i++) {
        String command = "c" + step + "." + i;
        n.replica
            .submit(command.getBytes(StandardCharsets.UTF_8))
            .whenComplete(
                (result, failure) -> {
                  if (failure == null) {
                    acked.put(ByteBuffer.wrap(result).getLong(), command);
                  }
                });
      }
    }

    private void tickAndDeliver(double loss) {
      for (Node n : up()) {
        n.replica.tick();
        wire.addAll(flush(n));
      }
      for (int k = wire.size(); k > 0 && !wire.isEmpty(); k--) {
        Envelope e = wire.remove(random.nextInt(wire.size()));
        Node to = nodes.get(e.to());
        boolean cut = e.to().equals(isolated) || e.from().equals(isolated);
        if (to == null || to.down || cut || random.nextDouble() < loss) {
          continue;
        }
        if (e instanceof Envelope.Raft raft
            && raft.message() instanceof dev.weft.raft.RaftMessage.InstallSnapshot c
            && c.done()) {
          installs++;
        }
        to.replica.receive(e);
        wire.addAll(flush(to));
      }
    }

    private List<Envelope> flush(Node n) {
      long before = n.storage.snapshotMetadata().index();
      List<Envelope> out = n.replica.flush();
      if (n.storage.snapshotMetadata().index() != before) {
        snapshots++;
      }
      return out;
    }

    private void checkLeaders() {
      for (Node n : up()) {
        RaftStatus s = n.replica.status();
        if (s.role() == Role.LEADER) {
          String other = leaders.putIfAbsent(s.term(), n.id);
          if (other != null && !other.equals(n.id)) {
            throw new AssertionError(
                "two leaders in term " + s.term() + ": " + other + ", " + n.id);
          }
        }
      }
    }
  }
}
