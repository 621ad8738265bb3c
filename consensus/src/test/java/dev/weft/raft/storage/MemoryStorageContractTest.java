package dev.weft.raft.storage;

import dev.weft.raft.MemoryStorage;
import dev.weft.raft.MutableStorage;

/** The storage contract, run against {@link MemoryStorage}. */
class MemoryStorageContractTest extends StorageContract {
  @Override
  MutableStorage create() {
    return new MemoryStorage();
  }

  @Override
  MutableStorage reopen(MutableStorage storage) {
    return storage; // durable as long as the object lives
  }
}
