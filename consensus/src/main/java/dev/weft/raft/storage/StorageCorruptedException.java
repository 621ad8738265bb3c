package dev.weft.raft.storage;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The storage found damage it will not repair: a record that fails its checksum with valid data
 * after it, a segment of the log that is missing or out of order, an unreadable hard state or
 * snapshot. The message names the file and the byte offset where the damage starts.
 *
 * <p>Thrown by {@link FileStorage#open} (the storage then does not open), and by reads that meet a
 * damaged record later (the damaged data is never returned). Restore the directory from a backup,
 * or discard it and let the node catch up from its peers as a new member.
 */
public final class StorageCorruptedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** The file where the damage is. */
  private final transient Path file;

  /** The byte offset in {@link #file} where the damage starts. */
  private final long offset;

  /**
   * Creates the exception.
   *
   * @param file the damaged file
   * @param offset the byte offset where the damage starts
   * @param problem what is wrong there
   * @throws NullPointerException if {@code file} or {@code problem} is null
   */
  public StorageCorruptedException(Path file, long offset, String problem) {
    super(Objects.requireNonNull(file, "file") + " at byte " + offset + ": " + problem);
    this.file = file;
    this.offset = offset;
  }

  /**
   * The damaged file.
   *
   * @return its path
   */
  public Path file() {
    return file;
  }

  /**
   * Where the damage starts.
   *
   * @return the byte offset in {@link #file()}
   */
  public long offset() {
    return offset;
  }
}
