package dev.weft.snapshot;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One process's part in Chandy-Lamport distributed snapshots: a transport-agnostic core that
 * records this process's state and its incoming channels' in-flight messages, and tells the
 * application when to send markers. It does no I/O and starts no threads.
 *
 * {@snippet :
 * SnapshotNode<Integer, Token> node = new SnapshotNode<>(
 *     "b", List.of("a", "c"), List.of("c"),
 *     () -> tokens,                                     // this process's state, copied
 *     (to, id) -> transport.sendMarker("b", to, id),    // same FIFO channel as messages
 *     local -> collector.add(local));                   // where local snapshots go
 *
 * // in the process's receive loop:
 * if (envelope.isMarker()) {
 *   node.onMarker(envelope.from(), envelope.snapshotId());
 * } else {
 *   node.onMessage(envelope.from(), envelope.message());   // before applying it
 *   tokens += envelope.message().amount();
 * }
 * }
 *
 * <p><b>The algorithm</b> (Chandy and Lamport, ACM TOCS 1985, section 3). Any process may initiate
 * a snapshot with {@link #startSnapshot(long)}. A process records its state when it initiates or
 * when the first marker of that snapshot reaches it, whichever comes first; it then sends a marker
 * on every outgoing channel before sending anything else there. The channel the first marker came
 * on is recorded as empty; every other incoming channel is recorded as the messages that arrive on
 * it after the state was recorded and before its own marker. When markers have arrived on all
 * incoming channels, the node hands its {@link LocalSnapshot} to {@code onLocalSnapshot}; a {@link
 * SnapshotCollector} assembles the local snapshots of all processes into a {@link GlobalSnapshot}.
 * A snapshot completes everywhere if every process is reachable from an initiator and channels are
 * FIFO and reliable.
 *
 * <p><b>Many snapshots.</b> Snapshots are told apart by id; any number may be in flight at once and
 * each is independent of the others: a message received while several are recording is recorded by
 * each that is still recording its channel. Each process records its state at most once per id.
 * Several processes may initiate the same id (the paper allows any number of spontaneous
 * recorders): a {@code startSnapshot} for an id this node has already recorded is ignored. Ids are
 * the caller's: use unique ones, for example from a counter per initiator combined with the
 * initiator's number.
 *
 * <p><b>What the node rejects or ignores.</b> Every rejection throws before changing anything, so a
 * bad input never affects another snapshot, nor the one it names.
 *
 * <ul>
 *   <li>A marker or message from a process that is not one of the incoming channels: {@link
 *       IllegalArgumentException}.
 *   <li>A second marker of one id on one channel, while that id is in flight: {@link
 *       IllegalStateException}. On a FIFO, exactly-once channel this cannot happen.
 *   <li>A marker of an id that has completed here: {@link IllegalStateException}. Completion means
 *       a marker arrived on every incoming channel, so any further marker is a duplicate.
 *   <li>A marker of an id {@linkplain #abandon(long) abandoned} here: ignored, since the other
 *       processes may still be sending markers for it.
 *   <li>{@code startSnapshot} of an id already recorded here (in flight, completed or abandoned):
 *       ignored.
 * </ul>
 *
 * <p>The node remembers the last {@code retainedIds} ids it finished with (default {@value
 * #DEFAULT_RETAINED_IDS}). An id it has forgotten is indistinguishable from a new one: a marker for
 * it would record again. So reuse no id, and keep {@code retainedIds} above the number of snapshots
 * that can complete while a duplicate could still be in transit.
 *
 * <p><b>Memory.</b> A snapshot in flight at this node costs its recorded state (the object {@code
 * localState} returned), a small fixed part (about 64 bytes plus {@code k / 8} bytes for the marker
 * bits and {@code 4k} to {@code 8k} bytes of list slots, for {@code k} incoming channels), and the
 * in-flight messages it has recorded so far (one reference each, plus one list per channel that
 * recorded something). All of it is released when the local snapshot completes or is abandoned; the
 * node then keeps only the id, at about 80 bytes, among the last {@code retainedIds}. A node with
 * no snapshot in flight costs nothing per message.
 *
 * <p><b>Callbacks and threads.</b> The node calls back synchronously, on the thread of the call
 * that causes the callback: {@code localState} and {@code markers} during the {@code startSnapshot}
 * or {@code onMarker} call that records, {@code onLocalSnapshot} during the call that completes the
 * local snapshot (possibly the same one, after the markers). {@code localState} runs under the
 * node's lock; {@code markers} and {@code onLocalSnapshot} run after it is released, so they may
 * block. All methods are safe to call from several threads.
 *
 * <p><b>What the application must guarantee.</b> The recorded cut is consistent only if, at this
 * process, {@code localState} reflects exactly the messages passed to {@link #onMessage} before it,
 * and no application message is sent on an outgoing channel between {@code localState} being called
 * and the marker being sent on that channel. A process that handles its messages and its snapshot
 * calls on one thread (an event loop, as in {@link SnapshotRunner}) has this for free; a process
 * with several threads must serialize its sends and its state changes with the calls that can
 * record ({@code startSnapshot}, {@code onMarker}).
 *
 * @param <S> the type of process state
 * @param <M> the type of application messages
 */
public final class SnapshotNode<S, M> {
  /*
   * Implementation overview.
   *
   *   recordings: id -> Recording (state, marker bit per incoming channel, recorded messages)
   *   finished:   the last retainedIds ids completed or abandoned here (bounded, oldest evicted)
   *   active:     recordings.size(), volatile, for onMessage's fast path
   *
   *   startSnapshot(id) or first onMarker(c, id): state = localState(); create the recording
   *       (channel c marked); unlock; send a marker on every outgoing channel.
   *   onMessage(c, m): every recording whose channel c has no marker yet appends m.
   *   onMarker(c, id), later ones: mark c; when every channel is marked, move id to finished,
   *       unlock, and hand the LocalSnapshot to onLocalSnapshot.
   *
   * The paper describes one snapshot at a time; running many is the standard generalisation
   * (tagging markers with the snapshot id, as in Spezialetti and Kearns, ICDCS 1986, without their
   * merging of concurrent initiations: here each id is its own snapshot). Channel names are mapped
   * once to indices so that a recording is a bit set and an array, not a map per snapshot.
   *
   * One ReentrantLock guards recordings and finished. onMessage first reads `active` (volatile):
   * if no snapshot is in flight the message is ordered before any recording that starts later, so
   * it returns without locking. A recording publishes active > 0 under the lock before the state
   * it records can be observed by anyone, so an onMessage that reads 0 is linearized before it.
   */

  /** How many finished snapshot ids a node remembers unless told otherwise. */
  public static final int DEFAULT_RETAINED_IDS = 1024;

  private final String self;
  private final List<String> incoming;
  private final Map<String, Integer> channelIndex;
  private final List<String> outgoing;
  private final Supplier<S> localState;
  private final MarkerSender markers;
  private final Consumer<LocalSnapshot<S, M>> onLocalSnapshot;

  private final ReentrantLock lock = new ReentrantLock();
  // Guarded by lock.
  private final Map<Long, Recording<S, M>> recordings = new HashMap<>();
  // Guarded by lock.
  private final FinishedIds finished;
  // Written under lock after every change to recordings; read without it by onMessage.
  private volatile int active;

  /**
   * Creates the snapshot core of process {@code self}, remembering the last {@value
   * #DEFAULT_RETAINED_IDS} finished snapshot ids.
   *
   * @param self this process's name
   * @param incoming the processes with a channel to this one
   * @param outgoing the processes this one has a channel to
   * @param localState returns this process's current state; called once per snapshot, when this
   *     process records. It must return a value that later changes to the process do not alter (a
   *     copy or an immutable value), and not null
   * @param markers sends markers on outgoing channels
   * @param onLocalSnapshot receives each completed local snapshot, once per id
   * @throws NullPointerException if an argument or channel name is null
   * @throws IllegalArgumentException if a channel is listed twice
   */
  public SnapshotNode(
      String self,
      Collection<String> incoming,
      Collection<String> outgoing,
      Supplier<S> localState,
      MarkerSender markers,
      Consumer<LocalSnapshot<S, M>> onLocalSnapshot) {
    this(self, incoming, outgoing, localState, markers, onLocalSnapshot, DEFAULT_RETAINED_IDS);
  }

  /**
   * Creates the snapshot core of process {@code self}, remembering the last {@code retainedIds}
   * finished snapshot ids (see the class description for why they are remembered).
   *
   * @param self this process's name
   * @param incoming the processes with a channel to this one
   * @param outgoing the processes this one has a channel to
   * @param localState returns this process's current state, as a value later changes do not alter
   * @param markers sends markers on outgoing channels
   * @param onLocalSnapshot receives each completed local snapshot, once per id
   * @param retainedIds how many finished ids to remember, at least 1
   * @throws NullPointerException if an argument or channel name is null
   * @throws IllegalArgumentException if a channel is listed twice or {@code retainedIds < 1}
   */
  public SnapshotNode(
      String self,
      Collection<String> incoming,
      Collection<String> outgoing,
      Supplier<S> localState,
      MarkerSender markers,
      Consumer<LocalSnapshot<S, M>> onLocalSnapshot,
      int retainedIds) {
    this.self = Objects.requireNonNull(self, "self");
    this.incoming = distinct(incoming, "incoming");
    this.outgoing = distinct(outgoing, "outgoing");
    this.localState = Objects.requireNonNull(localState, "localState");
    this.markers = Objects.requireNonNull(markers, "markers");
    this.onLocalSnapshot = Objects.requireNonNull(onLocalSnapshot, "onLocalSnapshot");
    if (retainedIds < 1) {
      throw new IllegalArgumentException("retainedIds must be at least 1: " + retainedIds);
    }
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < this.incoming.size(); i++) {
      index.put(this.incoming.get(i), i);
    }
    this.channelIndex = Map.copyOf(index);
    this.finished = new FinishedIds(retainedIds);
  }

  private static List<String> distinct(Collection<String> names, String what) {
    List<String> list = List.copyOf(names);
    if (Set.copyOf(list).size() != list.size()) {
      throw new IllegalArgumentException(what + " channels listed twice: " + list);
    }
    return list;
  }

  /**
   * This process initiates snapshot {@code snapshotId}: records its state and sends a marker on
   * every outgoing channel. If the process has already recorded that id (another process's marker
   * got here first, or this process initiated it before), nothing happens. With no incoming
   * channels the local snapshot completes at once.
   *
   * @param snapshotId the snapshot's id
   * @throws RuntimeException whatever {@code localState} throws (nothing is recorded) or {@code
   *     markers} throws (the state stays recorded)
   */
  public void startSnapshot(long snapshotId) {
    Recording<S, M> recording;
    boolean complete;
    lock.lock();
    try {
      if (recordings.containsKey(snapshotId) || finished.get(snapshotId) != null) {
        return;
      }
      recording = record(-1);
      complete = settle(snapshotId, recording, true);
    } finally {
      lock.unlock();
    }
    afterRecording(snapshotId, recording, true, complete);
  }

  /**
   * A marker of snapshot {@code snapshotId} arrived on the channel {@code from -> self}. Call it in
   * arrival order with the messages of that channel. The first marker of an id records this
   * process's state and sends markers on; the last one completes the local snapshot.
   *
   * @param from the sending process
   * @param snapshotId the snapshot the marker belongs to
   * @throws IllegalArgumentException if {@code from} is not an incoming channel
   * @throws IllegalStateException if a marker of this id already arrived on this channel (the id is
   *     in flight or completed here); nothing changes
   * @throws RuntimeException whatever {@code localState}, {@code markers} or {@code
   *     onLocalSnapshot} throws
   */
  public void onMarker(String from, long snapshotId) {
    int channel = channel(from);
    Recording<S, M> recording;
    boolean recordedNow = false;
    boolean complete;
    lock.lock();
    try {
      recording = recordings.get(snapshotId);
      if (recording == null) {
        FinishedIds.Outcome outcome = finished.get(snapshotId);
        if (outcome == FinishedIds.Outcome.COMPLETED) {
          throw duplicate(from, snapshotId, "that snapshot already completed here");
        }
        if (outcome == FinishedIds.Outcome.ABANDONED) {
          return;
        }
        recording = record(channel);
        recordedNow = true;
      } else {
        if (recording.markerSeen(channel)) {
          throw duplicate(from, snapshotId, "one already arrived on that channel");
        }
        recording.markerArrived(channel);
      }
      complete = settle(snapshotId, recording, recordedNow);
    } finally {
      lock.unlock();
    }
    afterRecording(snapshotId, recording, recordedNow, complete);
  }

  /**
   * An application message arrived on the channel {@code from -> self}. Call it for every message,
   * in arrival order with the markers of that channel, before the application applies the message
   * to its state. Each snapshot in flight that is still recording this channel records it.
   *
   * @param from the sending process
   * @param message the message
   * @throws IllegalArgumentException if {@code from} is not an incoming channel
   */
  public void onMessage(String from, M message) {
    int channel = channel(from);
    Objects.requireNonNull(message, "message");
    if (active == 0) { // volatile read: no recording has started, see the overview
      return;
    }
    lock.lock();
    try {
      for (Recording<S, M> recording : recordings.values()) {
        recording.offer(channel, message);
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Gives up snapshot {@code snapshotId} at this process, for example when a collector has timed
   * out on it: releases what it recorded. Later markers of that id are ignored (while the id is
   * among the retained ones) and {@code onLocalSnapshot} is never called for it.
   *
   * @param snapshotId the snapshot
   * @return true if it was in flight here, false if it was not (never recorded, or finished)
   */
  public boolean abandon(long snapshotId) {
    lock.lock();
    try {
      if (recordings.remove(snapshotId) == null) {
        return false;
      }
      finished.add(snapshotId, FinishedIds.Outcome.ABANDONED);
      active = recordings.size();
      return true;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Returns the ids of the snapshots this process has recorded and not yet completed or abandoned.
   *
   * @return a sorted copy
   */
  public Set<Long> inFlight() {
    lock.lock();
    try {
      return Collections.unmodifiableSet(new TreeSet<>(recordings.keySet()));
    } finally {
      lock.unlock();
    }
  }

  /**
   * Returns this process's name.
   *
   * @return the name
   */
  public String self() {
    return self;
  }

  /**
   * Returns the processes with a channel to this one, in the order given.
   *
   * @return an unmodifiable list
   */
  public List<String> incoming() {
    return incoming;
  }

  /**
   * Returns the processes this one has a channel to, in the order given.
   *
   * @return an unmodifiable list
   */
  public List<String> outgoing() {
    return outgoing;
  }

  @Override
  public String toString() {
    return "SnapshotNode[" + self + ", in flight " + inFlight() + "]";
  }

  private int channel(String from) {
    Integer index = channelIndex.get(Objects.requireNonNull(from, "from"));
    if (index == null) {
      throw new IllegalArgumentException(
          "no channel " + from + "->" + self + "; incoming channels are " + incoming);
    }
    return index;
  }

  private IllegalStateException duplicate(String from, long snapshotId, String why) {
    return new IllegalStateException(
        "duplicate marker of snapshot "
            + snapshotId
            + " on "
            + from
            + "->"
            + self
            + ": "
            + why
            + " (channels must be FIFO and deliver each message once)");
  }

  /** Records the state for a new recording; its caller holds the lock. */
  private Recording<S, M> record(int markerChannel) {
    S state = Objects.requireNonNull(localState.get(), "localState returned null");
    Recording<S, M> recording = new Recording<>(state, incoming.size());
    if (markerChannel >= 0) {
      recording.markerArrived(markerChannel);
    } else {
      recording.initiated = true;
    }
    return recording;
  }

  /**
   * Files a recording after a change: completed ones go to finished, new ones to recordings. Called
   * under the lock.
   *
   * @return whether the local snapshot is complete
   */
  private boolean settle(long snapshotId, Recording<S, M> recording, boolean isNew) {
    boolean complete = recording.isComplete();
    if (complete) {
      if (!isNew) {
        recordings.remove(snapshotId);
      }
      finished.add(snapshotId, FinishedIds.Outcome.COMPLETED);
    } else if (isNew) {
      recordings.put(snapshotId, recording);
    }
    active = recordings.size(); // volatile write: publishes the change to onMessage's fast path
    return complete;
  }

  /** Sends the markers of a new recording, then reports a completed one; outside the lock. */
  private void afterRecording(
      long snapshotId, Recording<S, M> recording, boolean sendMarkers, boolean complete) {
    RuntimeException failure = null;
    if (sendMarkers) {
      SnapshotStartedEvent.emit(self, snapshotId, recording.initiated);
    }
    if (complete) {
      SnapshotFinishedEvent.emit(
          self,
          snapshotId,
          incoming.size(),
          recording.recordedMessages(),
          System.nanoTime() - recording.startedNanos);
    }
    if (sendMarkers) {
      try {
        for (String to : outgoing) {
          markers.sendMarker(to, snapshotId);
        }
      } catch (RuntimeException e) {
        failure = e;
      }
    }
    if (complete) {
      try {
        onLocalSnapshot.accept(recording.toLocal(snapshotId, self, incoming));
      } catch (RuntimeException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  /** For tests: how many finished ids are retained. */
  int retainedIds() {
    lock.lock();
    try {
      return finished.size();
    } finally {
      lock.unlock();
    }
  }

  /** For tests: the recorded channels of a snapshot in flight, or null. */
  List<String> stillRecording(long snapshotId) {
    lock.lock();
    try {
      Recording<S, M> recording = recordings.get(snapshotId);
      if (recording == null) {
        return null;
      }
      List<String> open = new ArrayList<>();
      for (int i = 0; i < incoming.size(); i++) {
        if (!recording.markerSeen(i)) {
          open.add(incoming.get(i));
        }
      }
      return open;
    } finally {
      lock.unlock();
    }
  }
}
