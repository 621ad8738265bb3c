package dev.weft.raft.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.raft.HardState;
import dev.weft.raft.LogEntry;
import dev.weft.raft.SnapshotMetadata;
import dev.weft.raft.SnapshotReader;
import dev.weft.testkit.sim.FaultyDisk;
import dev.weft.testkit.sim.Seeds;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * One flipped bit anywhere in a storage directory (a segment, the hard state, the snapshot), over
 * seeded runs: the storage either refuses to open ({@link StorageCorruptedException}), or opens and
 * every value it returns is what was written; reading damaged snapshot data throws. The only loss
 * it may accept is the torn-tail rule: the last record of the last segment, which a bit flip there
 * cannot be told apart from. Nothing damaged is ever returned.
 */
class BitFlipTest {
  static final int SEEDS = 300;
  private static final Path DIR = Path.of("/sim/bits");

  @Test
  void aFlippedBitIsRefusedOrHarmlessNeverReturned() {
    long seeds = Long.getLong("weft.storage.seeds", SEEDS);
    Seeds.run(
        seeds,
        "mvn -q -pl consensus -am verify -Dsurefire.failIfNoSpecifiedTests=false"
            + " -Dtest=BitFlipTest -Dweft.seed={seed}",
        BitFlipTest::run);
  }

  private static void run(long seed) throws IOException {
    Random random = new Random(seed);
    FaultyDisk disk = new FaultyDisk(new Random(seed));
    FileStorage.Options options =
        FileStorage.Options.defaults()
            .withIo(new FaultyDiskIo(disk))
            .withSegmentSize(256 + random.nextInt(2048))
            .withRetainedEntries(random.nextInt(10))
            .withCacheBytes(0)
            .withLogger(new LogLines());
    List<LogEntry> log = new ArrayList<>();
    HardState hs;
    byte[] state = new byte[random.nextInt(3000)];
    random.nextBytes(state);
    SnapshotMetadata snapshot = SnapshotMetadata.EMPTY;
    try (FileStorage s = FileStorage.open(DIR, options)) {
      long term = 1;
      int batches = 1 + random.nextInt(15);
      for (int b = 0; b < batches; b++) {
        if (random.nextInt(4) == 0) {
          term++;
        }
        List<LogEntry> batch = new ArrayList<>();
        for (int i = random.nextInt(10); i >= 0; i--) {
          byte[] data = new byte[random.nextInt(100)];
          random.nextBytes(data);
          batch.add(new LogEntry(log.size() + 1 + batch.size(), term, data));
        }
        s.save(new HardState(term, "n" + term, log.size()), batch);
        log.addAll(batch);
      }
      hs = s.hardState();
      if (random.nextBoolean()) {
        long index = 1 + random.nextInt(log.size());
        snapshot = new SnapshotMetadata(index, log.get((int) index - 1).term(), new byte[] {7});
        s.saveSnapshot(snapshot, new ByteArrayInputStream(state));
        s.compact(index);
      }
    }
    List<Path> files = disk.list(DIR);
    files = files.stream().filter(p -> !p.getFileName().toString().equals("LOCK")).toList();
    Path victim = files.get(random.nextInt(files.size()));
    long size = disk.read(victim).length;
    long offset = random.nextLong(size);
    disk.flipBit(victim, offset, random.nextInt(8));
    FileStorage s;
    try {
      s = FileStorage.open(DIR, options);
    } catch (StorageCorruptedException e) {
      assertEquals(victim, e.file(), e.getMessage());
      return; // refused: the expected outcome almost everywhere
    }
    try (s) {
      boolean lastSegment =
          victim.getFileName().toString().startsWith("segment-")
              && victim.equals(
                  files.stream()
                      .filter(p -> p.getFileName().toString().startsWith("segment-"))
                      .reduce((a, b) -> b)
                      .orElseThrow());
      long last = s.lastIndex();
      assertTrue(
          last == log.size() || (lastSegment && last >= log.size() - 10),
          "lost entries "
              + (last + 1)
              + ".."
              + log.size()
              + " to a bit at "
              + offset
              + " of "
              + victim);
      for (long i = s.firstIndex(); i <= last; i++) {
        assertEquals(log.get((int) i - 1), s.entries(i, i + 1, Long.MAX_VALUE).get(0));
      }
      assertEquals(hs.term(), s.hardState().term());
      assertEquals(hs.votedFor(), s.hardState().votedFor());
      assertEquals(snapshot, s.snapshotMetadata());
      if (!snapshot.isEmpty()) {
        try (SnapshotReader r = s.openSnapshot()) {
          byte[] read = r.input().readAllBytes();
          assertArrayEquals(state, read, "damaged snapshot data was returned");
        } catch (StorageCorruptedException e) {
          assertEquals(victim, e.file()); // reported when read, not returned
        }
      }
    }
  }
}
