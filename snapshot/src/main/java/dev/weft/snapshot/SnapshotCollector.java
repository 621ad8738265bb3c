package dev.weft.snapshot;

import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Assembles the {@link LocalSnapshot}s of a fixed set of processes into {@link GlobalSnapshot}s,
 * one per snapshot id: give it to every {@link SnapshotNode} as (or from) its {@code
 * onLocalSnapshot}.
 *
 * {@snippet :
 * SnapshotCollector<Integer, Token> collector = new SnapshotCollector<>(List.of("a", "b", "c"));
 * // each node: new SnapshotNode<>(name, in, out, state, markers, collector::add)
 * Optional<GlobalSnapshot<Integer, Token>> global = collector.complete(7);
 * }
 *
 * <p>A global snapshot is complete once every process has reported that id; its channel states are
 * the reporting processes' incoming channels. Local snapshots of different ids may arrive
 * interleaved and from several threads. An optional listener is called once per id, in the {@link
 * #add} call that completes it, on that call's thread and outside the collector's lock.
 *
 * <p><b>Memory.</b> The collector keeps every local snapshot of an incomplete id, and every
 * completed global snapshot, until {@link #remove(long)} is called for its id: call it once a
 * snapshot has been used, or the collector grows with every snapshot taken.
 *
 * <p>Thread-safe.
 *
 * @param <S> the type of process state
 * @param <M> the type of application messages
 */
public final class SnapshotCollector<S, M> {
  private final Set<String> processes;
  private final Consumer<? super GlobalSnapshot<S, M>> onComplete;
  private final ReentrantLock lock = new ReentrantLock();
  // Guarded by lock.
  private final Map<Long, Map<String, LocalSnapshot<S, M>>> partial = new HashMap<>();
  // Guarded by lock.
  private final Map<Long, GlobalSnapshot<S, M>> complete = new HashMap<>();

  /**
   * Creates a collector for {@code processes}.
   *
   * @param processes every process that takes part in the snapshots
   * @throws NullPointerException if the collection or a name is null
   * @throws IllegalArgumentException if it is empty or names a process twice
   */
  public SnapshotCollector(Collection<String> processes) {
    this(processes, global -> {});
  }

  /**
   * Creates a collector for {@code processes} that calls {@code onComplete} with each global
   * snapshot as it completes.
   *
   * @param processes every process that takes part in the snapshots
   * @param onComplete called once per id, in the {@link #add} call that completes it
   * @throws NullPointerException if an argument or a name is null
   * @throws IllegalArgumentException if there are no processes or one is named twice
   */
  public SnapshotCollector(
      Collection<String> processes, Consumer<? super GlobalSnapshot<S, M>> onComplete) {
    List<String> list = List.copyOf(processes);
    this.processes = Set.copyOf(list);
    if (list.isEmpty() || this.processes.size() != list.size()) {
      throw new IllegalArgumentException("processes must be distinct and not empty: " + list);
    }
    this.onComplete = Objects.requireNonNull(onComplete, "onComplete");
  }

  /**
   * Adds one process's local snapshot. If it is the last one missing for its id, the global
   * snapshot is assembled and the listener called.
   *
   * @param local a local snapshot
   * @throws IllegalArgumentException if its process, or a sender of one of its channels, is not one
   *     of the collector's processes
   * @throws IllegalStateException if that process already reported that id (and the id has not been
   *     removed)
   */
  public void add(LocalSnapshot<S, M> local) {
    Objects.requireNonNull(local, "local");
    if (!processes.contains(local.process())) {
      throw new IllegalArgumentException("unknown process " + local.process());
    }
    for (String sender : local.incoming().keySet()) {
      if (!processes.contains(sender)) {
        throw new IllegalArgumentException(
            "channel " + sender + "->" + local.process() + " comes from an unknown process");
      }
    }
    long id = local.snapshotId();
    GlobalSnapshot<S, M> global = null;
    lock.lock();
    try {
      if (complete.containsKey(id)) {
        throw alreadyReported(local);
      }
      Map<String, LocalSnapshot<S, M>> reports = partial.computeIfAbsent(id, k -> new HashMap<>());
      if (reports.putIfAbsent(local.process(), local) != null) {
        throw alreadyReported(local);
      }
      if (reports.size() == processes.size()) {
        partial.remove(id);
        global = assemble(id, reports.values());
        complete.put(id, global);
      }
    } finally {
      lock.unlock();
    }
    if (global != null) {
      onComplete.accept(global);
    }
  }

  /**
   * Returns the global snapshot of {@code snapshotId} if every process has reported it.
   *
   * @param snapshotId the snapshot
   * @return the global snapshot, or empty while a report is missing (or after {@link #remove})
   */
  public Optional<GlobalSnapshot<S, M>> complete(long snapshotId) {
    lock.lock();
    try {
      return Optional.ofNullable(complete.get(snapshotId));
    } finally {
      lock.unlock();
    }
  }

  /**
   * Forgets {@code snapshotId}, complete or not, releasing what the collector holds for it.
   *
   * @param snapshotId the snapshot
   * @return its global snapshot if it was complete, else empty
   */
  public Optional<GlobalSnapshot<S, M>> remove(long snapshotId) {
    lock.lock();
    try {
      partial.remove(snapshotId);
      return Optional.ofNullable(complete.remove(snapshotId));
    } finally {
      lock.unlock();
    }
  }

  /**
   * Returns the ids that some but not all processes have reported.
   *
   * @return a sorted copy
   */
  public Set<Long> incomplete() {
    lock.lock();
    try {
      return Collections.unmodifiableSet(new TreeSet<>(partial.keySet()));
    } finally {
      lock.unlock();
    }
  }

  /**
   * Returns the processes that have not yet reported {@code snapshotId}.
   *
   * @param snapshotId the snapshot
   * @return a sorted copy; empty if the snapshot is complete
   */
  public Set<String> missing(long snapshotId) {
    lock.lock();
    try {
      if (complete.containsKey(snapshotId)) {
        return Set.of();
      }
      Set<String> missing = new TreeSet<>(processes);
      Map<String, LocalSnapshot<S, M>> reports = partial.get(snapshotId);
      if (reports != null) {
        missing.removeAll(reports.keySet());
      }
      return Collections.unmodifiableSet(missing);
    } finally {
      lock.unlock();
    }
  }

  private static IllegalStateException alreadyReported(LocalSnapshot<?, ?> local) {
    return new IllegalStateException(
        "process " + local.process() + " already reported snapshot " + local.snapshotId());
  }

  private static <S, M> GlobalSnapshot<S, M> assemble(
      long id, Collection<LocalSnapshot<S, M>> locals) {
    Map<String, S> states = new HashMap<>();
    Map<ChannelId, List<M>> channels = new HashMap<>();
    for (LocalSnapshot<S, M> local : locals) {
      states.put(local.process(), local.state());
      for (Map.Entry<String, List<M>> in : local.incoming().entrySet()) {
        channels.put(new ChannelId(in.getKey(), local.process()), in.getValue());
      }
    }
    return new GlobalSnapshot<>(id, states, channels);
  }
}
