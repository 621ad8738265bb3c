package dev.weft.raft.internal.jfr;

/**
 * The switch that takes weft's Flight Recorder events out of the Raft engine: with {@code
 * -Ddev.weft.jfr=false} no event is committed, whatever a recording asks for, and the event of
 * every loop turn ({@link RaftCommitBatchEvent}) is not even made, so the JIT folds that emission
 * site away. Without the property (or with any other value) the events behave as JFR events do:
 * free while no recording wants them. The benchmarks use the switch to measure what the disabled
 * events cost.
 */
public final class WeftJfr {
  /** False where the JVM runs with {@code -Ddev.weft.jfr=false}. */
  public static final boolean ENABLED = !"false".equals(System.getProperty("dev.weft.jfr"));

  private WeftJfr() {}
}
