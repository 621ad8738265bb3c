/**
 * weft primitives: Go-style synchronisation for platform and virtual threads.
 *
 * <p>Exports {@link dev.weft.sync}. Nothing else is public API.
 */
module dev.weft.primitives {
  exports dev.weft.sync;
}
