package dev.weft.testkit.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The simulated disk keeps what was synced, and only loses or tears what was not. */
class FaultyDiskTest {
  private static final Path DIR = Path.of("/disk");
  private static final Path FILE = DIR.resolve("f");

  private static FileChannel create(FaultyDisk disk, Path file) throws IOException {
    return disk.open(
        file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
  }

  private static void write(FileChannel ch, long at, byte[] bytes) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(bytes);
    while (b.hasRemaining()) {
      ch.write(b, at + b.position());
    }
  }

  /** A file in a new directory whose bytes and name are durable. */
  private static FileChannel durableFile(FaultyDisk disk, byte[] content) throws IOException {
    disk.createDirectories(DIR);
    FileChannel ch = create(disk, FILE);
    write(ch, 0, content);
    ch.force(false);
    disk.syncDirectory(DIR);
    return ch;
  }

  private static byte[] fill(int n, int value) {
    byte[] b = new byte[n];
    Arrays.fill(b, (byte) value);
    return b;
  }

  @Test
  void syncedBytesAndNamesSurviveAPowerLoss() throws IOException {
    for (long seed = 0; seed < 200; seed++) {
      FaultyDisk disk = new FaultyDisk(new Random(seed));
      FileChannel ch = durableFile(disk, fill(100, 1));
      write(ch, 100, fill(50, 2)); // not synced
      disk.powerLoss();
      assertThrows(ClosedChannelException.class, () -> ch.size());
      byte[] after = disk.read(FILE);
      assertTrue(after.length >= 100, "seed " + seed + ": synced bytes lost");
      assertArrayEquals(fill(100, 1), Arrays.copyOf(after, 100), "seed " + seed);
    }
  }

  @Test
  void unsyncedWritesAreDroppedKeptOrTornAsAPrefix() throws IOException {
    boolean dropped = false;
    boolean kept = false;
    boolean torn = false;
    boolean garbage = false;
    for (long seed = 0; seed < 300; seed++) {
      FaultyDisk disk = new FaultyDisk(new Random(seed));
      FileChannel ch = durableFile(disk, new byte[0]);
      write(ch, 0, fill(40, 7));
      disk.powerLoss();
      byte[] after = disk.read(FILE);
      assertTrue(after.length <= 40, "seed " + seed + ": bytes invented past the write");
      int prefix = 0;
      while (prefix < after.length && after[prefix] == 7) {
        prefix++;
      }
      dropped |= after.length == 0;
      kept |= after.length == 40 && prefix == 40;
      torn |= after.length > 0 && prefix < 40;
      garbage |= prefix < after.length;
    }
    assertTrue(dropped && kept && torn && garbage, "every outcome of a power loss occurs");
  }

  @Test
  void anUnsyncedCreationOrDeletionMayBeUndone() throws IOException {
    boolean created = false;
    boolean notCreated = false;
    for (long seed = 0; seed < 100; seed++) {
      FaultyDisk disk = new FaultyDisk(new Random(seed));
      disk.createDirectories(DIR);
      FileChannel ch = create(disk, FILE);
      write(ch, 0, fill(10, 1));
      ch.force(false); // the bytes are durable, the name is not
      disk.powerLoss();
      if (disk.exists(FILE)) {
        created = true;
        assertArrayEquals(fill(10, 1), disk.read(FILE));
      } else {
        notCreated = true;
      }
    }
    assertTrue(created && notCreated);
  }

  @Test
  void aRenameIsAtomic() throws IOException {
    Path temp = DIR.resolve("f.tmp");
    boolean oldSeen = false;
    boolean newSeen = false;
    for (long seed = 0; seed < 100; seed++) {
      FaultyDisk disk = new FaultyDisk(new Random(seed));
      FileChannel old = durableFile(disk, fill(5, 1));
      FileChannel fresh = create(disk, temp);
      write(fresh, 0, fill(8, 2));
      fresh.force(false);
      disk.move(temp, FILE);
      assertFalse(disk.exists(temp));
      disk.powerLoss();
      byte[] after = disk.read(FILE); // old or new, never neither, never a mix
      if (Arrays.equals(after, fill(5, 1))) {
        oldSeen = true;
      } else {
        assertArrayEquals(fill(8, 2), after, "seed " + seed);
        newSeen = true;
      }
    }
    assertTrue(oldSeen && newSeen);
  }

  @Test
  void aCrashLosesNothingButKillsChannelsAndLocks() throws IOException {
    FaultyDisk disk = new FaultyDisk(new Random(3));
    disk.createDirectories(DIR);
    FileChannel ch = create(disk, FILE);
    write(ch, 0, fill(10, 4));
    FileLock lock = ch.tryLock();
    assertNotNull(lock);
    assertThrows(OverlappingFileLockException.class, () -> create(disk, FILE).tryLock());
    disk.crash();
    assertFalse(lock.isValid());
    assertThrows(ClosedChannelException.class, () -> write(ch, 10, fill(1, 1)));
    assertArrayEquals(fill(10, 4), disk.read(FILE)); // still in the (simulated) page cache
    FileChannel again = create(disk, FILE);
    assertNotNull(again.tryLock());
    again.close();
    assertNotNull(create(disk, FILE).tryLock()); // closing a channel releases its lock
  }

  @Test
  void anArmedPowerLossStrikesTheNthChangeInsteadOfIt() throws IOException {
    FaultyDisk disk = new FaultyDisk(new Random(4));
    FileChannel ch = durableFile(disk, fill(10, 1));
    long before = disk.operations();
    disk.powerLossAfter(2);
    write(ch, 10, fill(10, 2)); // 1st
    IOException e = assertThrows(IOException.class, () -> ch.force(false)); // 2nd: the power fails
    assertTrue(e.getMessage().contains("power loss"));
    assertEquals(before + 2, disk.operations());
    assertEquals(1, disk.powerLosses());
    byte[] after = disk.read(FILE);
    assertArrayEquals(fill(10, 1), Arrays.copyOf(after, 10)); // the force did not happen
    assertThrows(IllegalArgumentException.class, () -> disk.powerLossAfter(0));
  }

  @Test
  void aFlippedBitIsDurable() throws IOException {
    FaultyDisk disk = new FaultyDisk(new Random(5));
    FileChannel ch = durableFile(disk, fill(4, 0));
    disk.flipBit(FILE, 2, 3);
    disk.powerLoss();
    assertArrayEquals(new byte[] {0, 0, 8, 0}, disk.read(FILE));
    assertThrows(IllegalArgumentException.class, () -> disk.flipBit(FILE, 4, 0));
  }

  @Test
  void openFollowsTheOptionsAndListsSorted() throws IOException {
    FaultyDisk disk = new FaultyDisk(new Random(6));
    assertThrows(NoSuchFileException.class, () -> create(disk, FILE));
    disk.createDirectories(DIR);
    assertThrows(NoSuchFileException.class, () -> disk.open(FILE, StandardOpenOption.READ));
    create(disk, DIR.resolve("b")).close();
    create(disk, DIR.resolve("a")).close();
    assertThrows(
        FileAlreadyExistsException.class,
        () -> disk.open(DIR.resolve("a"), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE));
    assertEquals(List.of(DIR.resolve("a"), DIR.resolve("b")), disk.list(DIR));
    disk.delete(DIR.resolve("a"));
    assertThrows(NoSuchFileException.class, () -> disk.delete(DIR.resolve("a")));
    FileChannel b = create(disk, DIR.resolve("b"));
    write(b, 0, fill(6, 1));
    b.truncate(2);
    assertEquals(2, b.size());
    FileChannel t =
        disk.open(DIR.resolve("b"), StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
    assertEquals(0, t.size());
  }

  @Test
  void theSameSeedLosesTheSameBytes() throws IOException {
    assertArrayEquals(run(42), run(42));
  }

  private static byte[] run(long seed) throws IOException {
    FaultyDisk disk = new FaultyDisk(new Random(seed));
    FileChannel ch = durableFile(disk, new byte[0]);
    for (int i = 0; i < 20; i++) {
      write(ch, i * 10L, fill(10, i));
    }
    disk.powerLoss();
    return disk.read(FILE);
  }
}
