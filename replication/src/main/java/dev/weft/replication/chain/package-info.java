/**
 * Chain replication (van Renesse and Schneider, OSDI 2004), with CRAQ reads (Terrace and Freedman,
 * USENIX ATC 2009) as an option: updates enter at the head and travel down the chain, queries are
 * answered by the tail (or, with CRAQ, by any server holding a clean version), and a master repairs
 * the chain when a server fails and extends it with a new tail.
 *
 * <p>{@link dev.weft.replication.chain.ChainServer} is a server's deterministic core, {@link
 * dev.weft.replication.chain.ChainMaster} the master's, {@link
 * dev.weft.replication.chain.ChainInvariants} the paper's two invariants as executable checks, and
 * {@link dev.weft.replication.chain.ChainCluster} runs a chain in real time.
 */
package dev.weft.replication.chain;
