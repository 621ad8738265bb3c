/**
 * weft snapshot: Chandy-Lamport distributed snapshots.
 *
 * <p>Exports {@link dev.weft.snapshot}. Nothing else is public API.
 */
module dev.weft.snapshot {
  exports dev.weft.snapshot;
}
