/**
 * The Raft driver and its adapters: {@link dev.weft.raft.server.RaftServer} runs a {@link
 * dev.weft.raft.RaftNode} as an event loop on a virtual thread, built on weft's channels, {@code
 * select} and ticker; {@link dev.weft.raft.server.Replica} is its deterministic half, for
 * simulations; {@link dev.weft.raft.server.StateMachine}, {@link dev.weft.raft.MutableStorage} and
 * {@link dev.weft.raft.server.Transport} are the roles an application fills.
 *
 * <p>The transport layer lives here too, where the public API contract puts it: {@link
 * dev.weft.raft.server.Transport}, the {@link dev.weft.raft.server.Envelope}s it carries (Raft
 * messages, and proposals forwarded to the leader and their answers), and {@link
 * dev.weft.raft.server.InProcessNetwork}, a transport inside one JVM with configurable faults. The
 * bytes of an envelope, for transports between processes, are {@link dev.weft.raft.wire}'s.
 */
package dev.weft.raft.server;
