package dev.weft.raft.storage;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;

/** {@link FileIo} on the default file system. */
final class SystemFileIo implements FileIo {
  static final SystemFileIo INSTANCE = new SystemFileIo();

  // A directory cannot be opened for fsync on Windows; there, NTFS journals renames itself.
  private static final boolean WINDOWS =
      System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).startsWith("windows");

  private SystemFileIo() {}

  @Override
  public FileChannel open(Path file, OpenOption... options) throws IOException {
    return FileChannel.open(file, options);
  }

  @Override
  public List<Path> list(Path directory) throws IOException {
    try (Stream<Path> s = Files.list(directory)) {
      return s.toList();
    }
  }

  @Override
  public void createDirectories(Path directory) throws IOException {
    Files.createDirectories(directory);
  }

  @Override
  public boolean exists(Path path) {
    return Files.exists(path);
  }

  @Override
  public void delete(Path file) throws IOException {
    Files.delete(file);
  }

  @Override
  public void move(Path source, Path target) throws IOException {
    Files.move(source, target, StandardCopyOption.ATOMIC_MOVE);
  }

  @Override
  public void syncDirectory(Path directory) throws IOException {
    if (WINDOWS) {
      return;
    }
    try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
      dir.force(true);
    }
  }

  @Override
  public String toString() {
    return "FileIo.system()";
  }
}
