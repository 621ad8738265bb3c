/**
 * Durable Raft storage: {@link dev.weft.raft.storage.FileStorage}, a segmented write-ahead log with
 * checksummed records, group commit, atomically replaced hard state and snapshot files, crash
 * recovery that truncates a torn tail and refuses any other damage ({@link
 * dev.weft.raft.storage.StorageCorruptedException}), and a directory lock.
 *
 * <p>Every file operation goes through {@link dev.weft.raft.storage.FileIo}, so tests can run the
 * storage on a simulated disk that loses or tears what was not synced when its power fails.
 */
package dev.weft.raft.storage;
