/**
 * Linearizability checking: record a concurrent history with {@link dev.weft.testkit.lin.History},
 * describe the object's sequential behaviour with a {@link dev.weft.testkit.lin.Model} (a key-value
 * one, {@link dev.weft.testkit.lin.KeyValueModel}, is provided), and decide with {@link
 * dev.weft.testkit.lin.LinearizabilityChecker}, which reports a counterexample on failure.
 */
package dev.weft.testkit.lin;
