/**
 * weft primitives: Go-style channels, select, timers and synchronisation for platform and virtual
 * threads.
 *
 * <p>Exports {@link dev.weft.chan}, {@link dev.weft.sync}, {@link dev.weft.sync.locks} and {@link
 * dev.weft.time}. Nothing else is public API.
 */
module dev.weft.primitives {
  // JDK Flight Recorder events on waits that block (ADR 0060): a JDK module, not a dependency.
  requires jdk.jfr;

  exports dev.weft.chan;
  exports dev.weft.sync;
  exports dev.weft.sync.locks;
  exports dev.weft.time;
}
