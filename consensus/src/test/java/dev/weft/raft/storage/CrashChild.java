package dev.weft.raft.storage;

import dev.weft.raft.RaftConfig;
import dev.weft.raft.Role;
import dev.weft.raft.SnapshotMetadata;
import dev.weft.raft.SnapshotReader;
import dev.weft.raft.server.InProcessNetwork;
import dev.weft.raft.server.RaftServer;
import dev.weft.raft.server.ServerOptions;
import dev.weft.raft.server.StateMachine;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Semaphore;
import java.util.zip.CRC32C;

/**
 * The process {@link CrashTest} kills: a single-node {@link RaftServer} on a {@link FileStorage}
 * (one node commits on its own), submitting commands as fast as the disk allows and printing one
 * line per command whose future completed, until it is killed. A second thread snapshots the state
 * machine and compacts the log every {@value #SNAPSHOT_EVERY} entries.
 *
 * <p>Output: {@code READY <applied> <crc>} once it leads and has replayed what the storage holds
 * (the CRC32C of every applied command, in order), then {@code ACK <index> <command in hex> .} per
 * acknowledged command. Arguments: the directory, a seed, the round.
 */
final class CrashChild {
  static final int SNAPSHOT_EVERY = 300;
  static final int SEGMENT_SIZE = 16 << 10;

  /** Every command applied, in order: the state, and what its snapshots hold. */
  static final class History implements StateMachine {
    private final List<Long> indexes = new ArrayList<>();
    private final List<byte[]> commands = new ArrayList<>();

    @Override
    public synchronized byte[] apply(long index, byte[] command) {
      indexes.add(index);
      commands.add(command.clone());
      return ByteBuffer.allocate(8).putLong(index).array();
    }

    synchronized long applied() {
      return indexes.isEmpty() ? 0 : indexes.get(indexes.size() - 1);
    }

    synchronized long crc() {
      return crc(commands);
    }

    static long crc(List<byte[]> commands) {
      CRC32C crc = new CRC32C();
      for (byte[] c : commands) {
        crc.update(c);
      }
      return crc.getValue();
    }

    @Override
    public synchronized byte[] snapshot() {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (DataOutputStream out = new DataOutputStream(bytes)) {
        for (int i = 0; i < commands.size(); i++) {
          out.writeLong(indexes.get(i));
          out.writeInt(commands.get(i).length);
          out.write(commands.get(i));
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return bytes.toByteArray();
    }

    @Override
    public synchronized void restore(byte[] snapshot) {
      indexes.clear();
      commands.clear();
      try {
        read(new ByteArrayInputStream(snapshot), indexes, commands);
      } catch (IOException e) {
        throw new IllegalArgumentException("not a snapshot of this machine", e);
      }
    }

    static void read(InputStream in, List<Long> indexes, List<byte[]> commands) throws IOException {
      DataInputStream data = new DataInputStream(in);
      while (true) {
        long index;
        try {
          index = data.readLong();
        } catch (java.io.EOFException end) {
          return;
        }
        byte[] command = new byte[data.readInt()];
        data.readFully(command);
        indexes.add(index);
        commands.add(command);
      }
    }
  }

  static FileStorage.Options options() {
    return FileStorage.Options.defaults().withSegmentSize(SEGMENT_SIZE).withRetainedEntries(200);
  }

  static byte[] command(Random random, int round, long seq) {
    byte[] tail = new byte[8 + random.nextInt(40)];
    random.nextBytes(tail);
    String text = "r" + round + "-" + seq + "-" + HexFormat.of().formatHex(tail);
    return text.getBytes(StandardCharsets.US_ASCII);
  }

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    long seed = Long.parseLong(args[1]);
    int round = Integer.parseInt(args[2]);
    PrintStream out = System.out;
    FileStorage storage = FileStorage.open(dir, options());
    History history = new History();
    if (!storage.snapshotMetadata().isEmpty()) {
      try (SnapshotReader r = storage.openSnapshot()) {
        history.restore(r.input().readAllBytes()); // the driver does not restore yet
      }
    }
    long recovered = storage.lastIndex();
    InProcessNetwork network = new InProcessNetwork();
    RaftServer server =
        RaftServer.start(
            new RaftConfig("solo", List.of("solo"), 10, 1, seed),
            storage,
            history,
            network.endpoint("solo"),
            ServerOptions.defaults().withTickInterval(Duration.ofMillis(5)));
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    // leading, and the new term's first entry committed: everything recovered is applied
    while (server.status().role() != Role.LEADER || server.status().commitIndex() <= recovered) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("no leader: " + server.status());
      }
      Thread.sleep(2);
    }
    synchronized (out) {
      out.println("READY " + history.applied() + " " + history.crc());
      out.flush();
    }
    Thread.ofPlatform().daemon().name("snapshots").start(() -> snapshots(storage, history));
    Random random = new Random(seed);
    Semaphore window = new Semaphore(32);
    for (long seq = 0; ; seq++) {
      byte[] command = command(random, round, seq);
      window.acquire();
      server
          .submit(command)
          .whenComplete(
              (result, failure) -> {
                window.release();
                if (failure == null) {
                  long index = ByteBuffer.wrap(result).getLong();
                  synchronized (out) {
                    out.println("ACK " + index + " " + HexFormat.of().formatHex(command) + " .");
                    out.flush();
                  }
                }
              });
    }
  }

  // Snapshots the history every SNAPSHOT_EVERY entries and compacts the log behind it.
  private static void snapshots(FileStorage storage, History history) {
    long last = storage.snapshotMetadata().index();
    try {
      while (true) {
        Thread.sleep(20);
        long applied;
        byte[] state;
        synchronized (history) {
          applied = history.applied();
          state = history.snapshot();
        }
        if (applied - last < SNAPSHOT_EVERY) {
          continue;
        }
        SnapshotMetadata meta = new SnapshotMetadata(applied, storage.term(applied));
        storage.saveSnapshot(meta, new ByteArrayInputStream(state));
        storage.compact(applied);
        last = applied;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private CrashChild() {}
}
