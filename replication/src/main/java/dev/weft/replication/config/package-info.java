/**
 * The configuration service: one register with {@code get}, {@code testAndSet(expected, next)} and
 * {@code watch}, replicated on weft's Raft engine as a group of 3 or 5, so that it survives f
 * failures of 2f+1 where a single configuration server survives none. Primary-backup and chain
 * replication keep their numbered {@link dev.weft.replication.View}s in it.
 *
 * <p>{@link dev.weft.replication.config.Register} is the replicated state machine; {@link
 * dev.weft.replication.config.ConfigNode} one member of the group (a deterministic core over a
 * {@link dev.weft.raft.RaftNode}); {@link dev.weft.replication.config.ConfigClientCore} the
 * client's core, which retries with the same request number so that the register deduplicates;
 * {@link dev.weft.replication.config.ConfigService} and {@link
 * dev.weft.replication.config.ConfigClient} run them in real time.
 */
package dev.weft.replication.config;
