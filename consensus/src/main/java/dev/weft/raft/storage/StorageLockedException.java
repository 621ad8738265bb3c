package dev.weft.raft.storage;

import java.nio.file.Path;
import java.util.Objects;

/**
 * {@link FileStorage#open} found the directory already open, by this process or another: two
 * storages writing one log would corrupt it. The message names the directory.
 */
public final class StorageLockedException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  /** The directory that is locked. */
  private final transient Path directory;

  /**
   * Creates the exception.
   *
   * @param directory the storage directory that is already open
   * @throws NullPointerException if {@code directory} is null
   */
  public StorageLockedException(Path directory) {
    super(
        "storage directory "
            + Objects.requireNonNull(directory, "directory")
            + " is already open (locked by this or another process)");
    this.directory = directory;
  }

  /**
   * The directory that is locked.
   *
   * @return its path
   */
  public Path directory() {
    return directory;
  }
}
