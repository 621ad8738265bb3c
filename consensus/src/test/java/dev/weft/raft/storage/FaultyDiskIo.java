package dev.weft.raft.storage;

import dev.weft.testkit.sim.FaultyDisk;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.List;

/** The storage's file operations on the testkit's simulated disk. */
record FaultyDiskIo(FaultyDisk disk) implements FileIo {
  @Override
  public FileChannel open(Path file, OpenOption... options) throws IOException {
    return disk.open(file, options);
  }

  @Override
  public List<Path> list(Path directory) throws IOException {
    return disk.list(directory);
  }

  @Override
  public void createDirectories(Path directory) throws IOException {
    disk.createDirectories(directory);
  }

  @Override
  public boolean exists(Path path) {
    return disk.exists(path);
  }

  @Override
  public void delete(Path file) throws IOException {
    disk.delete(file);
  }

  @Override
  public void move(Path source, Path target) throws IOException {
    disk.move(source, target);
  }

  @Override
  public void syncDirectory(Path directory) throws IOException {
    disk.syncDirectory(directory);
  }
}
