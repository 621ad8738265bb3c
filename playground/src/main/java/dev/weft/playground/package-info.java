/**
 * The playground: a local web page that runs weft's own engines (the Raft core, Lamport and vector
 * clocks, Chandy-Lamport snapshots) on the testkit's deterministic simulator, in virtual time,
 * stepped from the browser. {@link dev.weft.playground.Playground} starts it; {@link
 * dev.weft.playground.PlaygroundServer} serves the page and its JSON API on the loopback interface.
 *
 * <p>Each view is a {@code Lab}: a seeded simulation, the user's actions recorded with the point of
 * the run they were taken at (so an export replays exactly), and checks after every event. The Raft
 * view's checks are {@code RaftSafety} (Ongaro and Ousterhout, USENIX ATC 2014, Figure 3); the
 * Snapshot view's are {@code CutCheck} (Chandy and Lamport, ACM TOCS 1985; Mattern 1989).
 */
package dev.weft.playground;
