/**
 * The Raft driver and its adapters: {@link dev.weft.raft.server.RaftServer} runs a {@link
 * dev.weft.raft.RaftNode} as an event loop on a virtual thread, built on weft's channels, {@code
 * select} and ticker; {@link dev.weft.raft.server.Replica} is its deterministic half, for
 * simulations; {@link dev.weft.raft.server.StateMachine}, {@link dev.weft.raft.MutableStorage} and
 * {@link dev.weft.raft.server.Transport} are the roles an application fills, and {@link
 * dev.weft.raft.server.InProcessNetwork} is a transport inside one JVM with configurable faults.
 */
package dev.weft.raft.server;
