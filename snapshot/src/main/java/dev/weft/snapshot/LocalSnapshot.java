package dev.weft.snapshot;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What one process recorded for one snapshot: its own state, and for each incoming channel the
 * application messages that were in flight on it (received after the process recorded its state and
 * before that channel's marker).
 *
 * <p>Immutable: the constructor copies {@code incoming}; {@code state} is kept as given, so it
 * should itself be an immutable value or a private copy.
 *
 * @param snapshotId the snapshot
 * @param process the process that recorded it
 * @param state the process's recorded state
 * @param incoming for every incoming channel, by sender, the recorded in-flight messages in arrival
 *     order (empty if none); iterates in the order the node was given its channels
 * @param <S> the type of process state
 * @param <M> the type of application messages
 */
public record LocalSnapshot<S, M>(
    long snapshotId, String process, S state, Map<String, List<M>> incoming) {
  /**
   * Creates a local snapshot, copying {@code incoming}.
   *
   * @param snapshotId the snapshot
   * @param process the process that recorded it
   * @param state the process's recorded state
   * @param incoming the recorded in-flight messages per sender
   * @throws NullPointerException if any argument, key, list or message is null
   */
  public LocalSnapshot {
    Objects.requireNonNull(process, "process");
    Objects.requireNonNull(state, "state");
    Map<String, List<M>> copy = new LinkedHashMap<>();
    for (Map.Entry<String, List<M>> e : incoming.entrySet()) {
      copy.put(Objects.requireNonNull(e.getKey(), "sender"), List.copyOf(e.getValue()));
    }
    incoming = Collections.unmodifiableMap(copy);
  }
}
