package dev.weft.raft.storage;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.List;

/**
 * The file operations a {@link FileStorage} performs, and nothing else: every byte it reads or
 * writes and every directory change goes through one of these. {@link #system()} is the real file
 * system; a test can substitute a simulated disk that loses what was not synced when its power
 * fails (the testkit's {@code FaultyDisk}), or count and delay operations.
 *
 * <p><b>Durability, as a storage relies on it:</b> bytes written through a channel are durable once
 * that channel's {@code force} returns; a file's creation, deletion or renaming is durable once
 * {@link #syncDirectory} of its directory returns. Until then a power failure may undo any of them
 * (a crash of the process alone undoes nothing).
 *
 * <p>Called from the storage's threads, never concurrently on one file; implementations must be
 * thread-safe across files.
 */
public interface FileIo {
  /**
   * Opens a file, as {@link FileChannel#open(Path, OpenOption...)} does; the storage uses {@code
   * READ}, {@code WRITE}, {@code CREATE} and {@code CREATE_NEW}, positional reads and writes,
   * {@code size}, {@code truncate}, {@code force} and {@code tryLock}.
   *
   * @param file the file
   * @param options how to open it
   * @return an open channel
   * @throws IOException if it cannot be opened
   */
  FileChannel open(Path file, OpenOption... options) throws IOException;

  /**
   * Lists a directory.
   *
   * @param directory the directory
   * @return the paths of its entries, in any order
   * @throws IOException if it cannot be read
   */
  List<Path> list(Path directory) throws IOException;

  /**
   * Creates a directory and its missing parents; does nothing if it exists.
   *
   * @param directory the directory
   * @throws IOException if it cannot be created
   */
  void createDirectories(Path directory) throws IOException;

  /**
   * Tells whether a file or directory exists.
   *
   * @param path the path
   * @return true if it exists
   */
  boolean exists(Path path);

  /**
   * Deletes a file.
   *
   * @param file the file
   * @throws IOException if it does not exist or cannot be deleted
   */
  void delete(Path file) throws IOException;

  /**
   * Renames a file atomically, replacing {@code target} if it exists: a reader sees the old target
   * or the new one, never neither.
   *
   * @param source the file to rename
   * @param target its new name, in the same directory
   * @throws IOException if it cannot be renamed
   */
  void move(Path source, Path target) throws IOException;

  /**
   * Makes the creations, deletions and renamings of a directory's entries durable ({@code fsync} of
   * the directory).
   *
   * @param directory the directory
   * @throws IOException if the sync fails
   */
  void syncDirectory(Path directory) throws IOException;

  /**
   * The real file system, through {@link java.nio.file.Files} and {@link FileChannel}.
   *
   * @return the shared instance
   */
  static FileIo system() {
    return SystemFileIo.INSTANCE;
  }
}
