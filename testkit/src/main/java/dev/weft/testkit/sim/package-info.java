/**
 * Deterministic simulation: a seeded discrete-event scheduler with virtual time ({@link
 * dev.weft.testkit.sim.Simulation}) and simulated processes joined by message links ({@link
 * dev.weft.testkit.sim.SimNetwork}, {@link dev.weft.testkit.sim.Link}, {@link
 * dev.weft.testkit.sim.Links}). A run is a function of its seed: replay a failing seed to get the
 * same trace, event for event.
 *
 * <p>Everything here is single-threaded: events, deliveries and the code under test run one at a
 * time on the thread that drives the simulation, in virtual time. That is what makes a run
 * reproducible, and it is the same discipline as the pure cores it is meant to drive (see {@code
 * dev.weft.snapshot.SnapshotNode} and {@code dev.weft.raft.RaftNode}).
 *
 * <p>Failure models: links that lose, duplicate, delay and reorder messages ({@link
 * dev.weft.testkit.sim.Links#builder()}); partitions of any set of processes, healed at will;
 * crash-stop, crash-recovery (process-owned timers are cancelled by a crash), send and receive
 * omission, and corruption of messages in transit ({@link dev.weft.testkit.sim.Corrupter}), all on
 * {@link dev.weft.testkit.sim.SimNetwork}. Every fault is written to the trace.
 */
package dev.weft.testkit.sim;
