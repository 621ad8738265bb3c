/**
 * What every replication scheme of this module shares: the contract of a deterministic core ({@link
 * dev.weft.replication.Node}: ticks and messages in, messages out), the numbered {@link
 * dev.weft.replication.View} a configuration service hands out, and the real-time driver ({@link
 * dev.weft.replication.NodeHost}) with its in-process network ({@link
 * dev.weft.replication.LocalNetwork}).
 *
 * <p>Each scheme is built in the three layers of the rest of weft: a core with no threads, clocks
 * or I/O (tested on the testkit's simulator over thousands of seeded runs with faults), a driver
 * that runs a core on a virtual thread and turns wall-clock time into ticks, and adapters (here the
 * in-process network; any transport that moves objects between named nodes will do).
 */
package dev.weft.replication;
