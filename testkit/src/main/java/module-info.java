/**
 * weft testkit: support for testing concurrent and distributed code. Depends only on the JDK, so it
 * can be used with any test framework.
 *
 * <p>Exports {@link dev.weft.testkit} (test threads, copy-list checks) and {@link
 * dev.weft.testkit.sim} (the deterministic simulator) and {@link dev.weft.testkit.lin}
 * (linearizability checking).
 */
module dev.weft.testkit {
  requires java.compiler;

  exports dev.weft.testkit;
  exports dev.weft.testkit.lin;
  exports dev.weft.testkit.sim;
}
