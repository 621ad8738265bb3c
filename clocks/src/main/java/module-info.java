/**
 * weft clocks: Lamport clocks, vector clocks, hybrid logical clocks, their wire encoding, and
 * clock-offset arithmetic.
 *
 * <p>Exports {@link dev.weft.clocks}. Nothing else is public API.
 */
module dev.weft.clocks {
  exports dev.weft.clocks;
}
