/**
 * Test support for weft and for code built on it: {@link dev.weft.testkit.Workers} to run a test's
 * threads on platform or virtual threads and surface their failures, and {@link
 * dev.weft.testkit.CopyableFiles} to keep a README's copy instructions true.
 *
 * <p>The deterministic simulator (virtual time, simulated network, history checking) that the
 * distributed modules use is added here as those modules land.
 */
package dev.weft.testkit;
