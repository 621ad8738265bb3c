/**
 * weft replication: replication schemes beside Raft, each a deterministic core with a driver that
 * runs it in real time.
 *
 * <p>Exports {@link dev.weft.replication} (the node contract, views, the in-process driver and
 * network), {@link dev.weft.replication.kv} (the key-value interface every scheme serves, with
 * client ids and sequence numbers), {@link dev.weft.replication.config} (the configuration service:
 * a register with test-and-set and watch, replicated as a Raft group), {@link
 * dev.weft.replication.pb} (primary-backup) and {@link dev.weft.replication.chain} (chain
 * replication, with CRAQ reads as an option).
 */
module dev.weft.replication {
  requires transitive dev.weft.consensus;

  exports dev.weft.replication;
  exports dev.weft.replication.kv;
  exports dev.weft.replication.config;
  exports dev.weft.replication.pb;
  exports dev.weft.replication.chain;
}
