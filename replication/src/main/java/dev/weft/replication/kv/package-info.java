/**
 * The key-value interface that every replication scheme of this module serves, as the Raft
 * key-value example does: get, put, append, delete and compare-and-set on string keys, from clients
 * that have ids and number their requests, so that a retried request takes effect at most once and
 * gets the answer of its first execution.
 *
 * <p>{@link dev.weft.replication.kv.KvStore} is the deterministic map with its session table that
 * each replica holds; {@link dev.weft.replication.kv.KvRequest}, {@link
 * dev.weft.replication.kv.KvReply} and {@link dev.weft.replication.kv.KvRefused} are what clients
 * and servers say to each other; {@link dev.weft.replication.kv.KvClientNode} is the client's core
 * (which server to ask, when to retry); {@link dev.weft.replication.kv.KeyValueClient} is the
 * blocking interface that applications call, whatever the scheme behind it.
 */
package dev.weft.replication.kv;
