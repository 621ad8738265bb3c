package dev.weft.raft.storage;

import dev.weft.raft.MutableStorage;
import dev.weft.testkit.sim.FaultyDisk;
import java.nio.file.Path;
import java.util.Random;

/**
 * The storage contract, run against {@link FileStorage} on the testkit's simulated disk with the
 * default segment size and cache (the reopen is an orderly close, not a fault).
 */
class SimulatedDiskContractTest extends StorageContract {
  private final FaultyDisk disk = new FaultyDisk(new Random(1));

  private FileStorage.Options options() {
    return FileStorage.Options.defaults().withIo(new FaultyDiskIo(disk)).withLogger(new LogLines());
  }

  @Override
  MutableStorage create() {
    return FileStorage.open(Path.of("/sim/contract"), options());
  }

  @Override
  MutableStorage reopen(MutableStorage storage) {
    ((FileStorage) storage).close();
    return FileStorage.open(Path.of("/sim/contract"), options());
  }
}
