/**
 * weft primitives: Go-style channels, select, timers and synchronisation for platform and virtual
 * threads.
 *
 * <p>Exports {@link dev.weft.chan}, {@link dev.weft.sync}, {@link dev.weft.sync.locks} and {@link
 * dev.weft.time}. Nothing else is public API.
 */
module dev.weft.primitives {
  exports dev.weft.chan;
  exports dev.weft.sync;
  exports dev.weft.sync.locks;
  exports dev.weft.time;
}
