package dev.weft.testkit.sim;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

/**
 * A simulated disk in memory that forgets what was not synced when its power fails: for tests of
 * storage code that must survive crashes. Code under test reaches it through its own file-access
 * interface (an adapter of a few lines calls {@link #open}, {@link #list}, {@link #delete}, {@link
 * #move}, {@link #syncDirectory} and the others, which have the shapes of {@link
 * java.nio.file.Files} and {@link FileChannel}).
 *
 * {@snippet :
 * FaultyDisk disk = new FaultyDisk(new Random(seed));
 * Storage s = Storage.open(Path.of("/data"), adapterOf(disk));
 * s.write(...);                   // written, maybe not synced
 * disk.powerLoss();               // unsynced writes are dropped or torn; s is dead
 * s = Storage.open(Path.of("/data"), adapterOf(disk)); // must recover
 * }
 *
 * <p><b>The model.</b> A file's bytes become durable when a channel on it is {@linkplain
 * FileChannel#force forced}; a directory's entries (files created, deleted, renamed) when the
 * directory is {@linkplain #syncDirectory synced}. Writes and directory changes since then are
 * pending. {@link #crash()} is the death of the process: open channels and locks become unusable,
 * but nothing written is lost (the operating system still holds it, and a later power loss may
 * still drop it). {@link #powerLoss()} also keeps, for each file, its durable bytes plus a random
 * prefix of its pending writes and truncations, the last kept write possibly torn (cut short, and
 * possibly followed by garbage or zeros where the rest of it should be); and for each directory its
 * durable entries plus a random prefix of its pending changes. A file no directory names afterwards
 * is gone. Media faults: {@link #flipBit} damages durable bytes. Directories themselves ({@link
 * #createDirectories}) are durable at once.
 *
 * <p>What it does not model: writes of one file reaching the disk out of order (a prefix is kept),
 * and metadata of one directory reordered. A storage whose recovery rule treats damage with valid
 * data after it as corruption (as etcd's and weft's do) relies on the first; it is what journaling
 * file systems in their default modes give for appends.
 *
 * <p>Deterministic: all its randomness comes from the {@link Random} it is given. Thread-safe
 * (every operation holds the disk's lock), so the code under test may use several threads, though a
 * reproducible run needs one.
 */
public final class FaultyDisk {
  private final Random random;
  private final Map<Path, Dir> dirs = new TreeMap<>();
  private final Map<Inode, SimFileChannel.Lock> locks = new IdentityHashMap<>();
  private long epoch;
  private long countdown = -1;
  private long operations;
  private long syncs;
  private long directorySyncs;
  private long powerLosses;

  /**
   * Creates an empty disk.
   *
   * @param random the source of every random choice (which writes a power loss keeps, how they
   *     tear)
   */
  public FaultyDisk(Random random) {
    this.random = Objects.requireNonNull(random, "random");
  }

  // ---- file operations, shaped like java.nio.file.Files and FileChannel

  /**
   * Opens a file, as {@link FileChannel#open(Path, OpenOption...)} does, supporting {@code READ},
   * {@code WRITE}, {@code CREATE}, {@code CREATE_NEW} and {@code TRUNCATE_EXISTING}. The channel
   * supports positional and relative reads and writes, {@code size}, {@code truncate}, {@code
   * force}, {@code lock} and {@code tryLock}; not {@code map} or transfers.
   *
   * @param file the file; its directory must exist
   * @param options how to open it
   * @return a channel, usable until it is closed or the disk crashes
   * @throws NoSuchFileException if the file or its directory does not exist and is not created
   * @throws FileAlreadyExistsException if {@code CREATE_NEW} is given and it exists
   * @throws IOException if a power loss set with {@link #powerLossAfter} strikes now
   */
  public synchronized FileChannel open(Path file, OpenOption... options) throws IOException {
    Set<OpenOption> opts = Set.of(options);
    Path p = normal(file);
    Dir dir = dirOf(p);
    String name = p.getFileName().toString();
    Inode inode = dir.current.get(name);
    boolean create =
        opts.contains(StandardOpenOption.CREATE) || opts.contains(StandardOpenOption.CREATE_NEW);
    if (inode != null && opts.contains(StandardOpenOption.CREATE_NEW)) {
      throw new FileAlreadyExistsException(p.toString());
    }
    if (inode == null && !create) {
      throw new NoSuchFileException(p.toString());
    }
    boolean write =
        opts.contains(StandardOpenOption.WRITE) || opts.contains(StandardOpenOption.APPEND);
    boolean read = opts.contains(StandardOpenOption.READ) || !write;
    if (inode == null) {
      mutation();
      inode = new Inode();
      dir.current.put(name, inode);
      dir.pending.add(new DirOp(DirOp.LINK, name, null, inode));
    }
    if (write && opts.contains(StandardOpenOption.TRUNCATE_EXISTING) && inode.size > 0) {
      mutation();
      inode.truncate(0);
    }
    return new SimFileChannel(this, p, inode, epoch, read, write);
  }

  /**
   * Lists a directory's entries as they are now.
   *
   * @param directory the directory
   * @return the paths of its files, sorted by name
   * @throws NoSuchFileException if it does not exist
   */
  public synchronized List<Path> list(Path directory) throws IOException {
    Path d = normal(directory);
    Dir dir = dirs.get(d);
    if (dir == null) {
      throw new NoSuchFileException(d.toString());
    }
    List<Path> out = new ArrayList<>();
    for (String name : dir.current.keySet()) {
      out.add(d.resolve(name));
    }
    return out;
  }

  /**
   * Creates a directory and its parents, durably at once; does nothing if it exists.
   *
   * @param directory the directory
   * @throws IOException if a power loss set with {@link #powerLossAfter} strikes now
   */
  public synchronized void createDirectories(Path directory) throws IOException {
    Path d = normal(directory);
    if (dirs.containsKey(d)) {
      return;
    }
    mutation();
    for (Path p = d; p != null && !dirs.containsKey(p); p = p.getParent()) {
      dirs.put(p, new Dir());
    }
  }

  /**
   * Tells whether a file or directory exists now.
   *
   * @param path the path
   * @return true if it exists
   */
  public synchronized boolean exists(Path path) {
    Path p = normal(path);
    if (dirs.containsKey(p)) {
      return true;
    }
    Dir dir = p.getParent() == null ? null : dirs.get(p.getParent());
    return dir != null && dir.current.containsKey(p.getFileName().toString());
  }

  /**
   * Deletes a file; durable once its directory is synced.
   *
   * @param file the file
   * @throws NoSuchFileException if it does not exist
   * @throws IOException if a power loss set with {@link #powerLossAfter} strikes now
   */
  public synchronized void delete(Path file) throws IOException {
    Path p = normal(file);
    Dir dir = dirOf(p);
    String name = p.getFileName().toString();
    if (!dir.current.containsKey(name)) {
      throw new NoSuchFileException(p.toString());
    }
    mutation();
    dir.current.remove(name);
    dir.pending.add(new DirOp(DirOp.UNLINK, name, null, null));
  }

  /**
   * Renames a file within its directory, replacing the target; durable once the directory is
   * synced, and atomic: a power loss keeps the old name or the new one.
   *
   * @param source the file
   * @param target the new name, in the same directory
   * @throws NoSuchFileException if {@code source} does not exist
   * @throws IOException if the directories differ, or a power loss set with {@link #powerLossAfter}
   *     strikes now
   */
  public synchronized void move(Path source, Path target) throws IOException {
    Path s = normal(source);
    Path t = normal(target);
    if (!Objects.equals(s.getParent(), t.getParent())) {
      throw new IOException("rename across directories is not simulated: " + s + " -> " + t);
    }
    Dir dir = dirOf(s);
    String from = s.getFileName().toString();
    String to = t.getFileName().toString();
    Inode inode = dir.current.get(from);
    if (inode == null) {
      throw new NoSuchFileException(s.toString());
    }
    mutation();
    dir.current.remove(from);
    dir.current.put(to, inode);
    dir.pending.add(new DirOp(DirOp.RENAME, from, to, inode));
  }

  /**
   * Makes a directory's entries durable.
   *
   * @param directory the directory
   * @throws NoSuchFileException if it does not exist
   * @throws IOException if a power loss set with {@link #powerLossAfter} strikes now
   */
  public synchronized void syncDirectory(Path directory) throws IOException {
    Path d = normal(directory);
    Dir dir = dirs.get(d);
    if (dir == null) {
      throw new NoSuchFileException(d.toString());
    }
    mutation();
    dir.durable = new TreeMap<>(dir.current);
    dir.pending.clear();
    directorySyncs++;
  }

  // ---- faults

  /**
   * The process dies: every open channel and lock becomes unusable (a channel then throws {@link
   * java.nio.channels.ClosedChannelException}); nothing written is lost.
   */
  public synchronized void crash() {
    epoch++;
    locks.clear();
  }

  /**
   * The power fails: a {@link #crash()}, and what was not synced is dropped or torn, as the class
   * comment describes.
   */
  public synchronized void powerLoss() {
    crash();
    powerLosses++;
    countdown = -1;
    Map<Inode, Boolean> seen = new IdentityHashMap<>();
    for (Dir dir : dirs.values()) {
      TreeMap<String, Inode> names = new TreeMap<>(dir.durable);
      int keep = random.nextInt(dir.pending.size() + 1);
      for (DirOp op : dir.pending.subList(0, keep)) {
        op.applyTo(names);
      }
      dir.durable = names;
      dir.current = new TreeMap<>(names);
      dir.pending.clear();
      for (Inode inode : names.values()) {
        if (seen.put(inode, Boolean.TRUE) == null) {
          inode.loseUnsynced(random);
        }
      }
    }
  }

  /**
   * Arms a power loss: the {@code n}-th operation that changes the disk from now (a write,
   * truncation, sync, creation, deletion or rename; 1 is the next) does not happen; the power fails
   * instead and the operation throws {@link IOException}.
   *
   * @param n how many operations from now, at least 1
   * @throws IllegalArgumentException if {@code n} is below 1
   */
  public synchronized void powerLossAfter(long n) {
    if (n < 1) {
      throw new IllegalArgumentException("n must be at least 1: " + n);
    }
    countdown = n;
  }

  /** Disarms a power loss set with {@link #powerLossAfter}. */
  public synchronized void disarm() {
    countdown = -1;
  }

  /**
   * Flips one bit of a file, in its durable bytes and as it is now: a media fault.
   *
   * @param file the file
   * @param offset the byte, below the file's size
   * @param bit which bit, 0 to 7
   * @throws NoSuchFileException if the file does not exist
   * @throws IllegalArgumentException if {@code offset} or {@code bit} is out of range
   */
  public synchronized void flipBit(Path file, long offset, int bit) throws IOException {
    Inode inode = inodeOf(file);
    if (offset < 0 || offset >= inode.size || bit < 0 || bit > 7) {
      throw new IllegalArgumentException(
          "no bit " + bit + " at byte " + offset + " of " + file + " (" + inode.size + " bytes)");
    }
    inode.data[(int) offset] ^= (byte) (1 << bit);
    if (offset < inode.durableSize) {
      inode.durable[(int) offset] ^= (byte) (1 << bit);
    }
  }

  /**
   * A copy of a file's bytes as they are now.
   *
   * @param file the file
   * @return its contents
   * @throws NoSuchFileException if it does not exist
   */
  public synchronized byte[] read(Path file) throws IOException {
    Inode inode = inodeOf(file);
    return Arrays.copyOf(inode.data, inode.size);
  }

  /**
   * How many times a channel was forced ({@code fsync} of a file) since the disk was created.
   *
   * @return the count
   */
  public synchronized long syncs() {
    return syncs;
  }

  /**
   * How many times a directory was synced.
   *
   * @return the count
   */
  public synchronized long directorySyncs() {
    return directorySyncs;
  }

  /**
   * How many operations changed the disk (those {@link #powerLossAfter} counts).
   *
   * @return the count
   */
  public synchronized long operations() {
    return operations;
  }

  /**
   * How many power losses happened, called or armed.
   *
   * @return the count
   */
  public synchronized long powerLosses() {
    return powerLosses;
  }

  // ---- for SimFileChannel, under the disk's lock

  synchronized void mutation() throws IOException {
    operations++;
    if (countdown > 0 && --countdown == 0) {
      powerLoss();
      throw new IOException("simulated power loss");
    }
  }

  synchronized void forced(Inode inode) throws IOException {
    mutation();
    inode.sync();
    syncs++;
  }

  boolean live(long channelEpoch) {
    return channelEpoch == epoch;
  }

  Map<Inode, SimFileChannel.Lock> locks() {
    return locks;
  }

  private Inode inodeOf(Path file) throws IOException {
    Path p = normal(file);
    Inode inode = dirOf(p).current.get(p.getFileName().toString());
    if (inode == null) {
      throw new NoSuchFileException(p.toString());
    }
    return inode;
  }

  private Dir dirOf(Path p) throws IOException {
    Dir dir = p.getParent() == null ? null : dirs.get(p.getParent());
    if (dir == null) {
      throw new NoSuchFileException(p.getParent() + " (the directory of " + p.getFileName() + ")");
    }
    return dir;
  }

  private static Path normal(Path p) {
    return Objects.requireNonNull(p, "path").toAbsolutePath().normalize();
  }

  private static final class Dir {
    TreeMap<String, Inode> current = new TreeMap<>();
    TreeMap<String, Inode> durable = new TreeMap<>();
    final List<DirOp> pending = new ArrayList<>();
  }

  private record DirOp(int kind, String name, String target, Inode inode) {
    static final int LINK = 0;
    static final int UNLINK = 1;
    static final int RENAME = 2;

    void applyTo(Map<String, Inode> names) {
      switch (kind) {
        case LINK -> names.put(name, inode);
        case UNLINK -> names.remove(name);
        default -> {
          names.remove(name);
          names.put(target, inode);
        }
      }
    }
  }

  /** A file's bytes: as they are now, as they were at the last sync, and the changes between. */
  static final class Inode {
    byte[] data = new byte[0];
    int size;
    byte[] durable = new byte[0];
    int durableSize;
    // each a write (offset, bytes) or a truncation (size, null), in order
    private final List<Object[]> pending = new ArrayList<>();

    void write(long offset, byte[] bytes) {
      int end = Math.toIntExact(offset + bytes.length);
      if (end > data.length) {
        data = Arrays.copyOf(data, Math.max(end, data.length * 2));
      }
      if (offset > size) {
        Arrays.fill(data, size, (int) offset, (byte) 0);
      }
      System.arraycopy(bytes, 0, data, (int) offset, bytes.length);
      size = Math.max(size, end);
      pending.add(new Object[] {offset, bytes});
    }

    void truncate(long newSize) {
      if (newSize < size) {
        size = (int) newSize;
        pending.add(new Object[] {newSize, null});
      }
    }

    void sync() {
      durable = Arrays.copyOf(data, size);
      durableSize = size;
      pending.clear();
    }

    void loseUnsynced(Random random) {
      byte[] bytes = Arrays.copyOf(durable, durableSize);
      int length = durableSize;
      int keep = random.nextInt(pending.size() + 1);
      for (int i = 0; i <= keep && i < pending.size(); i++) {
        Object[] op = pending.get(i);
        long offset = (Long) op[0];
        byte[] w = (byte[]) op[1];
        if (w == null) {
          if (i < keep) {
            length = (int) Math.min(length, offset);
          }
          continue;
        }
        int n = w.length;
        byte[] written = w;
        if (i == keep) {
          if (random.nextBoolean()) {
            break; // the next write is dropped whole
          }
          n = random.nextInt(w.length + 1); // torn: a prefix reached the disk...
          int mode = random.nextInt(3); // ...and where the rest belongs: nothing, zeros, garbage
          int tail = mode == 0 ? 0 : random.nextInt(w.length - n + 1);
          written = new byte[n + tail];
          System.arraycopy(w, 0, written, 0, n);
          if (mode == 2) {
            byte[] garbage = new byte[tail];
            random.nextBytes(garbage);
            System.arraycopy(garbage, 0, written, n, tail);
          }
          n = written.length;
        }
        int end = Math.toIntExact(offset + n);
        if (end > bytes.length) {
          bytes = Arrays.copyOf(bytes, end);
        }
        if (offset > length) {
          Arrays.fill(bytes, length, (int) offset, (byte) 0);
        }
        System.arraycopy(written, 0, bytes, (int) offset, n);
        length = Math.max(length, end);
      }
      data = bytes;
      size = length;
      durable = Arrays.copyOf(bytes, length);
      durableSize = length;
      pending.clear();
    }
  }
}
