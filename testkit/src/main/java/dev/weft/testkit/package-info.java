/**
 * Test support for weft and for code built on it: {@link dev.weft.testkit.Workers} to run a test's
 * threads on platform or virtual threads and surface their failures, {@link
 * dev.weft.testkit.CopyableFiles} to keep a README's copy instructions true, and {@link
 * dev.weft.testkit.ModuleDescriptors} to check what a published module exports and requires.
 *
 * <p>The deterministic simulator (virtual time, seeded scheduling, simulated message links) is in
 * {@link dev.weft.testkit.sim}; the distributed modules extend it as they land.
 */
package dev.weft.testkit;
