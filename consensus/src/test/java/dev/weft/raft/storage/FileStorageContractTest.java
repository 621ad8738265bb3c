package dev.weft.raft.storage;

import dev.weft.raft.MutableStorage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The storage contract, run against {@link FileStorage} on the real file system, with segments of
 * 512 bytes (so that most tests cross several of them), no compaction tail and a tiny cache (so
 * that reads go to disk).
 */
class FileStorageContractTest extends StorageContract {
  private Path directory;

  static FileStorage.Options small() {
    return FileStorage.Options.defaults()
        .withSegmentSize(512)
        .withRetainedEntries(0)
        .withCacheBytes(200)
        .withLogger(new LogLines());
  }

  @Override
  MutableStorage create() throws IOException {
    directory = Files.createTempDirectory("weft-storage-contract");
    return FileStorage.open(directory, small());
  }

  @Override
  MutableStorage reopen(MutableStorage storage) {
    FileStorage f = (FileStorage) storage;
    f.close();
    return FileStorage.open(f.directory(), small());
  }

  @Override
  void cleanUp() throws IOException {
    deleteTree(directory);
  }

  static void deleteTree(Path directory) throws IOException {
    if (directory == null || !Files.exists(directory)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(directory)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
