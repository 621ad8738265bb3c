/**
 * weft snapshot: Chandy-Lamport distributed snapshots.
 *
 * <p>Exports {@link dev.weft.snapshot}. Nothing else is public API. The core ({@code SnapshotNode},
 * the records, {@code SnapshotCollector}) uses only the JDK; {@code SnapshotRunner} joins its
 * processes with weft's channels, hence the dependency on {@code dev.weft.primitives}.
 */
module dev.weft.snapshot {
  requires dev.weft.primitives;
  // Flight Recorder events for snapshot start and finish (ADR 0060).
  requires jdk.jfr;

  exports dev.weft.snapshot;
}
