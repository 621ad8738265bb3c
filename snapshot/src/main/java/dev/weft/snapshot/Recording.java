package dev.weft.snapshot;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One snapshot in flight at one node: the recorded state, which incoming channels' markers have
 * arrived (a bit set), and the messages recorded so far on the others. Not thread-safe: the node
 * touches it only under its lock, or after removing it from the in-flight map.
 *
 * <p>Footprint: the state reference, {@code ceil(k / 64)} longs for the marker bits, one reference
 * slot per incoming channel, and one list per channel on which something was recorded, holding the
 * recorded messages.
 */
final class Recording<S, M> {
  private final S state;
  private final long[] markerSeen;
  private final List<List<M>> recorded;
  private int remaining;

  /** When the state was recorded ({@link System#nanoTime()}), for the finished event. */
  final long startedNanos = System.nanoTime();

  /** Whether this process initiated the snapshot (rather than a marker starting it here). */
  boolean initiated;

  Recording(S state, int channels) {
    this.state = state;
    this.markerSeen = new long[(channels + 63) >>> 6];
    this.recorded = new ArrayList<>(channels);
    for (int i = 0; i < channels; i++) {
      recorded.add(null);
    }
    this.remaining = channels;
  }

  boolean markerSeen(int channel) {
    return (markerSeen[channel >>> 6] & (1L << channel)) != 0;
  }

  /** Stops recording {@code channel}; its state is what was recorded so far. */
  void markerArrived(int channel) {
    markerSeen[channel >>> 6] |= 1L << channel;
    remaining--;
  }

  boolean isComplete() {
    return remaining == 0;
  }

  /** Records {@code message} if {@code channel} is still being recorded. */
  void offer(int channel, M message) {
    if (!markerSeen(channel)) {
      List<M> list = recorded.get(channel);
      if (list == null) {
        list = new ArrayList<>();
        recorded.set(channel, list);
      }
      list.add(message);
    }
  }

  /** How many messages were recorded on all channels. */
  int recordedMessages() {
    int n = 0;
    for (List<M> list : recorded) {
      n += list == null ? 0 : list.size();
    }
    return n;
  }

  LocalSnapshot<S, M> toLocal(long snapshotId, String self, List<String> incoming) {
    Map<String, List<M>> channels = new LinkedHashMap<>();
    for (int i = 0; i < incoming.size(); i++) {
      List<M> list = recorded.get(i);
      channels.put(incoming.get(i), list == null ? List.of() : list);
    }
    return new LocalSnapshot<>(snapshotId, self, state, channels);
  }
}
