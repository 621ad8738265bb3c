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
 * dev.weft.snapshot.SnapshotNode}).
 *
 * <p>What exists today: reliable FIFO links with random latency (the channels Chandy and Lamport
 * assume). The design leaves room for what the Raft tests need next: a {@link
 * dev.weft.testkit.sim.Link} may lose, duplicate or reorder messages by returning zero, several or
 * out-of-order delivery times; cancelled events model dropped timers; {@link
 * dev.weft.testkit.sim.SimNetwork#replaceProcess} models a restart.
 */
package dev.weft.testkit.sim;
