/**
 * weft testkit: support for testing concurrent and distributed code. Depends only on the JDK, so it
 * can be used with any test framework.
 */
module dev.weft.testkit {
  requires java.compiler;

  exports dev.weft.testkit;
}
