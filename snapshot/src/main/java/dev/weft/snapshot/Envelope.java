package dev.weft.snapshot;

/**
 * What travels to a process of a {@link SnapshotRunner}: an application message or a marker on a
 * channel, or a request from the runner to initiate a snapshot.
 */
record Envelope<M>(Kind kind, String from, M message, long snapshotId) {
  enum Kind {
    MESSAGE,
    MARKER,
    INITIATE
  }

  static <M> Envelope<M> message(String from, M message) {
    return new Envelope<>(Kind.MESSAGE, from, message, -1);
  }

  static <M> Envelope<M> marker(String from, long snapshotId) {
    return new Envelope<>(Kind.MARKER, from, null, snapshotId);
  }

  static <M> Envelope<M> initiate(long snapshotId) {
    return new Envelope<>(Kind.INITIATE, null, null, snapshotId);
  }
}
