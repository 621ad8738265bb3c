/**
 * Raft consensus (Ongaro and Ousterhout, USENIX ATC 2014) as a deterministic, single-threaded core
 * in the shape of etcd's raft: {@link dev.weft.raft.RaftNode} takes ticks, messages and proposals
 * and returns {@link dev.weft.raft.Ready} values that say what to persist, send and apply; storage
 * ({@link dev.weft.raft.RaftStorage}, {@link dev.weft.raft.MemoryStorage}) and transport are the
 * application's.
 *
 * <p>Nothing in this package starts a thread, reads a clock, performs I/O or uses unseeded
 * randomness, so a whole cluster can be run and replayed in a simulator (see {@code
 * dev.weft.testkit.sim}). Logging goes through {@link java.lang.System.Logger}, by default the
 * logger named {@value dev.weft.raft.RaftConfig#LOGGER_NAME}.
 *
 * <p>The core is single-threaded (one thread drives a node; see {@link dev.weft.raft.RaftNode}), so
 * there is no interleaving for jcstress to explore and it has no jcstress tests; its correctness is
 * checked by paper-conformance tests and by the deterministic simulator over thousands of seeds.
 */
package dev.weft.raft;
