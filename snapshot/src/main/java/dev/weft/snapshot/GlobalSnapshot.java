package dev.weft.snapshot;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A consistent global state assembled from every process's {@link LocalSnapshot} of one snapshot:
 * the state of each process and the messages in flight on each channel.
 *
 * <p>Consistent means it is a state the system could have passed through: every message counted as
 * received by a process (in its state) is counted as sent by its sender, and every message counted
 * as sent and not received is in exactly one channel state. {@link #restore(Restorer)} restarts a
 * system from it.
 *
 * <p>Immutable: the constructor copies both maps into unmodifiable maps sorted by process name and
 * by {@link ChannelId}, so printing or iterating a snapshot is deterministic. States are kept as
 * given.
 *
 * @param snapshotId the snapshot
 * @param states every process's recorded state, by process
 * @param channels every channel's recorded in-flight messages, oldest first; a channel on which
 *     nothing was in flight maps to an empty list
 * @param <S> the type of process state
 * @param <M> the type of application messages
 */
public record GlobalSnapshot<S, M>(
    long snapshotId, Map<String, S> states, Map<ChannelId, List<M>> channels) {
  /**
   * Creates a global snapshot, copying both maps.
   *
   * @param snapshotId the snapshot
   * @param states the recorded state of every process
   * @param channels the recorded messages of every channel
   * @throws NullPointerException if a map, key, state, list or message is null
   * @throws IllegalArgumentException if a channel's end is not a process in {@code states}
   */
  public GlobalSnapshot {
    TreeMap<String, S> sortedStates = new TreeMap<>();
    for (Map.Entry<String, S> e : states.entrySet()) {
      sortedStates.put(
          Objects.requireNonNull(e.getKey(), "process"),
          Objects.requireNonNull(e.getValue(), "state"));
    }
    TreeMap<ChannelId, List<M>> sortedChannels = new TreeMap<>();
    for (Map.Entry<ChannelId, List<M>> e : channels.entrySet()) {
      ChannelId channel = Objects.requireNonNull(e.getKey(), "channel");
      if (!sortedStates.containsKey(channel.from()) || !sortedStates.containsKey(channel.to())) {
        throw new IllegalArgumentException("channel " + channel + " joins an unknown process");
      }
      sortedChannels.put(channel, List.copyOf(e.getValue()));
    }
    states = Collections.unmodifiableMap(sortedStates);
    channels = Collections.unmodifiableMap(sortedChannels);
  }

  /**
   * Returns the messages recorded in flight on the channel {@code from -> to}.
   *
   * @param from the sending process
   * @param to the receiving process
   * @return the messages, oldest first
   * @throws IllegalArgumentException if the snapshot has no such channel
   */
  public List<M> channel(String from, String to) {
    List<M> messages = channels.get(new ChannelId(from, to));
    if (messages == null) {
      throw new IllegalArgumentException("no channel " + from + "->" + to + " in this snapshot");
    }
    return messages;
  }

  /**
   * Returns how many messages were recorded in flight, over all channels.
   *
   * @return the number of messages
   */
  public int inFlight() {
    int n = 0;
    for (List<M> messages : channels.values()) {
      n += messages.size();
    }
    return n;
  }

  /**
   * Restarts a system from this snapshot: calls {@link Restorer#restoreState} for every process, in
   * name order, then {@link Restorer#restoreChannel} for every channel, in {@link ChannelId} order.
   * {@link Restorer} states what the application must do with them for the restarted system to
   * continue as if from this consistent cut.
   *
   * {@snippet :
   * snapshot.restore(new Restorer<>() {
   *   public void restoreState(String process, Account state) {
   *     processes.put(process, new Bank(process, state));   // with a fresh SnapshotNode
   *   }
   *   public void restoreChannel(ChannelId channel, List<Transfer> messages) {
   *     for (Transfer t : messages) {
   *       network.send(channel.from(), channel.to(), t);       // before anyone runs
   *     }
   *   }
   * });
   * processes.values().forEach(Bank::start);
   * }
   *
   * @param restorer the application's restart hooks
   */
  public void restore(Restorer<S, M> restorer) {
    Objects.requireNonNull(restorer, "restorer");
    for (Map.Entry<String, S> e : states.entrySet()) {
      restorer.restoreState(e.getKey(), e.getValue());
    }
    for (Map.Entry<ChannelId, List<M>> e : channels.entrySet()) {
      restorer.restoreChannel(e.getKey(), e.getValue());
    }
  }
}
