package dev.weft.snapshot;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;

/**
 * Runs a set of processes, each on its own virtual thread, joined by in-process FIFO channels
 * (weft's own {@link dev.weft.chan.Channel}s, one per directed link), with Chandy-Lamport snapshots
 * built in: the quickest way to try the algorithm on an application.
 *
 * {@snippet :
 * // Each process holds tokens and passes one to a neighbour for each one it receives.
 * try (SnapshotRunner<Integer, Integer> runner =
 *     SnapshotRunner.<Integer, Integer>builder()
 *         .process("a", new TokenPasser(10))
 *         .process("b", new TokenPasser(10))
 *         .process("c", new TokenPasser(10))
 *         .connectAll()                       // a channel between every ordered pair
 *         .start()) {
 *   GlobalSnapshot<Integer, Integer> snapshot = runner.snapshot("b", Duration.ofSeconds(5));
 *   int total = snapshot.states().values().stream().mapToInt(Integer::intValue).sum()
 *       + snapshot.channels().values().stream().flatMap(List::stream).mapToInt(t -> t).sum();
 * }
 * }
 *
 * <p><b>Processes.</b> A {@link Process} is called only on its own thread, one call at a time:
 * {@link Process#start} once, then {@link Process#onMessage} for each message in arrival order, and
 * {@link Process#state} whenever a snapshot records it. So a process keeps its state in plain
 * fields. It sends through the {@link Outbox} it is given; sending never blocks.
 *
 * <p><b>Snapshots.</b> {@link #startSnapshot(String)} asks a process to initiate a snapshot with a
 * fresh id and returns a future of the {@link GlobalSnapshot}. Any process may initiate, and any
 * number of snapshots may be in flight at once. Each process runs a {@link SnapshotNode} in its
 * message loop: markers travel on the same FIFO channels as messages, and the process records its
 * state between two messages, so every snapshot is a consistent cut of the application.
 *
 * <p><b>Restore.</b> {@link #restore(GlobalSnapshot, BiFunction)} builds a runner whose processes
 * start from a snapshot's recorded states and whose channels start with its recorded in-flight
 * messages, through {@link GlobalSnapshot#restore(Restorer)}.
 *
 * <p><b>Failure.</b> If a process throws, the runner stops every process, fails the pending
 * snapshot futures with that exception as the cause, and {@link #close()} rethrows it.
 *
 * <p>Thread-safe. Actions of a process before it sends a message happen-before the receiver's
 * {@code onMessage} for it; a snapshot's states are those returned by {@code state()} on each
 * process's thread, and they happen-before the future completes.
 *
 * @param <S> the type of process state
 * @param <M> the type of application messages
 */
public final class SnapshotRunner<S, M> implements AutoCloseable {
  /*
   * Implementation overview. Each process is a RunnerProcess: a virtual thread running an event
   * loop that selects (dev.weft.chan.Select) over its incoming links and a control channel; each
   * link is an unlimited dev.weft.chan.Channel, so a send never blocks and processes that send to
   * each other cannot deadlock (see ChannelWiring). Application messages and
   * markers travel as Envelopes on the same per-link FIFO, so a marker sent after a message
   * arrives after it, as Chandy and Lamport require. The SnapshotNode of a process is called only
   * from its loop, between two application callbacks: that makes "record the state, then send the
   * markers before any other message" hold without any lock in the application. Local snapshots
   * go to one SnapshotCollector, whose completion callback completes the future and releases the
   * collector's copy.
   */

  /**
   * A process's behaviour. Called on the process's own virtual thread, one call at a time, never
   * concurrently; calls may block, but a blocked process receives nothing until it returns.
   *
   * @param <S> the type of its state
   * @param <M> the type of messages
   */
  public interface Process<S, M> {
    /**
     * Called once, before any message, when the runner starts; may send the first messages.
     *
     * @param out where this process sends
     */
    default void start(Outbox<M> out) {}

    /**
     * Handles one message, in arrival order per channel.
     *
     * @param from the sender
     * @param message the message
     * @param out where this process sends
     */
    void onMessage(String from, M message, Outbox<M> out);

    /**
     * Returns this process's state for a snapshot: a copy or an immutable value, not null. Called
     * between two {@code onMessage} calls.
     *
     * @return the state to record
     */
    S state();
  }

  /**
   * A process's sending side. Use it only on the process's own thread.
   *
   * @param <M> the type of messages
   */
  public interface Outbox<M> {
    /**
     * Returns the name of the process this outbox belongs to.
     *
     * @return the process's name
     */
    String self();

    /**
     * Returns the processes this one has a channel to, in the order the channels were added.
     *
     * @return an unmodifiable list
     */
    List<String> outgoing();

    /**
     * Sends {@code message} on the channel to {@code to}; never blocks (channels are unbounded).
     *
     * @param to a process this one has a channel to
     * @param message the message
     * @throws IllegalArgumentException if there is no channel to {@code to}
     */
    void send(String to, M message);
  }

  private final Map<String, RunnerProcess<S, M>> processes;
  private final SnapshotCollector<S, M> collector;
  private final Map<Long, CompletableFuture<GlobalSnapshot<S, M>>> pending =
      new ConcurrentHashMap<>();
  private final AtomicLong nextId;
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private volatile boolean closed;

  private SnapshotRunner(Builder<S, M> builder) {
    this.nextId = new AtomicLong(builder.firstSnapshotId);
    List<String> names = List.copyOf(builder.processes.keySet());
    this.collector = new SnapshotCollector<>(names, this::completed);
    Wiring<Envelope<M>> wiring = new ChannelWiring<>(names, builder.channels);
    Map<String, RunnerProcess<S, M>> map = new LinkedHashMap<>();
    for (Map.Entry<String, Process<S, M>> e : builder.processes.entrySet()) {
      String name = e.getKey();
      map.put(
          name,
          new RunnerProcess<>(
              name,
              e.getValue(),
              incoming(builder.channels, name),
              outgoing(builder.channels, name),
              wiring,
              collector::add,
              this::failed));
    }
    this.processes = Collections.unmodifiableMap(map);
    for (Map.Entry<ChannelId, List<M>> preload : builder.preloaded.entrySet()) {
      ChannelId c = preload.getKey();
      for (M message : preload.getValue()) {
        wiring.link(c.from(), c.to()).send(Envelope.message(c.from(), message));
      }
    }
    processes.values().forEach(RunnerProcess::start);
  }

  private static List<String> incoming(Collection<ChannelId> channels, String process) {
    return channels.stream().filter(c -> c.to().equals(process)).map(ChannelId::from).toList();
  }

  private static List<String> outgoing(Collection<ChannelId> channels, String process) {
    return channels.stream().filter(c -> c.from().equals(process)).map(ChannelId::to).toList();
  }

  /**
   * Returns a builder for a runner.
   *
   * @param <S> the type of process state
   * @param <M> the type of application messages
   * @return a new builder with no processes
   */
  public static <S, M> Builder<S, M> builder() {
    return new Builder<>();
  }

  /**
   * Returns a builder for a runner that continues from {@code snapshot}: one process per process of
   * the snapshot, made by {@code factory} from its recorded state; the snapshot's channels; and on
   * each channel, before anything else, the messages recorded in flight on it. Snapshot ids of the
   * new runner start above {@code snapshot.snapshotId()}.
   *
   * @param snapshot the snapshot to continue from
   * @param factory makes a process from its name and recorded state
   * @param <S> the type of process state
   * @param <M> the type of application messages
   * @return a builder; add nothing that changes the topology before {@link Builder#start()}
   */
  public static <S, M> Builder<S, M> restore(
      GlobalSnapshot<S, M> snapshot, BiFunction<String, ? super S, Process<S, M>> factory) {
    Objects.requireNonNull(factory, "factory");
    Builder<S, M> builder = new Builder<>();
    builder.firstSnapshotId = snapshot.snapshotId() + 1;
    snapshot.restore(
        new Restorer<>() {
          @Override
          public void restoreState(String process, S state) {
            builder.process(process, factory.apply(process, state));
          }

          @Override
          public void restoreChannel(ChannelId channel, List<M> messages) {
            builder.channel(channel.from(), channel.to());
            builder.preloaded.put(channel, messages);
          }
        });
    return builder;
  }

  /**
   * Asks {@code initiator} to start a new snapshot, and returns at once.
   *
   * @param initiator the process that records first
   * @return a future of the global snapshot; it fails if the runner fails or is closed first
   * @throws IllegalArgumentException if there is no such process
   * @throws IllegalStateException if the runner is closed or has failed
   */
  public CompletableFuture<GlobalSnapshot<S, M>> startSnapshot(String initiator) {
    RunnerProcess<S, M> process = process(initiator);
    checkRunning();
    long id = nextId.getAndIncrement();
    CompletableFuture<GlobalSnapshot<S, M>> future = new CompletableFuture<>();
    pending.put(id, future);
    if (closed || failure.get() != null) { // closed or failed meanwhile: failPending may have run
      pending.remove(id);
      checkRunning();
    }
    process.initiate(id);
    return future;
  }

  /**
   * Takes a snapshot initiated by {@code initiator} and waits for it.
   *
   * @param initiator the process that records first
   * @param timeout how long to wait
   * @return the global snapshot
   * @throws InterruptedException if interrupted while waiting
   * @throws TimeoutException if the snapshot did not complete in time (it goes on in the
   *     background)
   * @throws IllegalStateException if the runner is closed or has failed, before or while waiting
   * @throws IllegalArgumentException if there is no such process
   */
  public GlobalSnapshot<S, M> snapshot(String initiator, Duration timeout)
      throws InterruptedException, TimeoutException {
    CompletableFuture<GlobalSnapshot<S, M>> future = startSnapshot(initiator);
    try {
      return future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException("snapshot failed: " + e.getCause(), e.getCause());
    }
  }

  /**
   * Returns the first exception a process threw, if one has; the runner stopped when it did.
   * Exceptions thrown while the runner is closing are not recorded.
   *
   * @return the failure, or empty while every process is well
   */
  public Optional<Throwable> failure() {
    return Optional.ofNullable(failure.get());
  }

  /**
   * Returns the names of the processes, in the order they were added.
   *
   * @return an unmodifiable set
   */
  public Set<String> processes() {
    return processes.keySet();
  }

  /**
   * Stops every process (interrupting its thread) and waits for them to end. Pending snapshot
   * futures fail. Idempotent.
   *
   * @throws IllegalStateException if a process failed while the runner ran; its exception is the
   *     cause
   */
  @Override
  public void close() {
    closed = true;
    processes.values().forEach(RunnerProcess::stop);
    boolean interrupted = false;
    for (RunnerProcess<S, M> p : processes.values()) {
      while (true) {
        try {
          p.join();
          break;
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    }
    failPending(new IllegalStateException("runner closed"));
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    Throwable cause = failure.get();
    if (cause != null) {
      throw new IllegalStateException("a process failed: " + cause, cause);
    }
  }

  private RunnerProcess<S, M> process(String name) {
    RunnerProcess<S, M> p = processes.get(Objects.requireNonNull(name, "initiator"));
    if (p == null) {
      throw new IllegalArgumentException("no process " + name + "; processes are " + processes());
    }
    return p;
  }

  private void checkRunning() {
    Throwable cause = failure.get();
    if (cause != null) {
      throw new IllegalStateException("a process failed: " + cause, cause);
    }
    if (closed) {
      throw new IllegalStateException("runner closed");
    }
  }

  private void completed(GlobalSnapshot<S, M> global) {
    collector.remove(global.snapshotId());
    CompletableFuture<GlobalSnapshot<S, M>> future = pending.remove(global.snapshotId());
    if (future != null) {
      future.complete(global);
    }
  }

  private void failed(Throwable cause) {
    if (failure.compareAndSet(null, cause)) {
      processes.values().forEach(RunnerProcess::stop);
      failPending(cause);
    }
  }

  private void failPending(Throwable cause) {
    for (Long id : new ArrayList<>(pending.keySet())) {
      CompletableFuture<GlobalSnapshot<S, M>> future = pending.remove(id);
      if (future != null) {
        future.completeExceptionally(cause);
      }
    }
  }

  /**
   * Builds a {@link SnapshotRunner}: add processes and channels, then {@link #start()}.
   *
   * @param <S> the type of process state
   * @param <M> the type of application messages
   */
  public static final class Builder<S, M> {
    private final Map<String, Process<S, M>> processes = new LinkedHashMap<>();
    private final Set<ChannelId> channels = new LinkedHashSet<>();
    private final Map<ChannelId, List<M>> preloaded = new LinkedHashMap<>();
    private long firstSnapshotId = 1;

    private Builder() {}

    /**
     * Adds a process.
     *
     * @param name its name, unique in the runner
     * @param process its behaviour
     * @return this builder
     * @throws IllegalArgumentException if the name is taken
     */
    public Builder<S, M> process(String name, Process<S, M> process) {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(process, "process");
      if (processes.putIfAbsent(name, process) != null) {
        throw new IllegalArgumentException("process " + name + " already added");
      }
      return this;
    }

    /**
     * Adds the FIFO channel {@code from -> to}; adding it twice has no further effect.
     *
     * @param from the sending process, added before
     * @param to the receiving process, added before
     * @return this builder
     * @throws IllegalArgumentException if either process has not been added, or they are the same
     */
    public Builder<S, M> channel(String from, String to) {
      if (!processes.containsKey(from) || !processes.containsKey(to)) {
        throw new IllegalArgumentException(
            "add processes before their channel " + from + "->" + to);
      }
      if (from.equals(to)) {
        throw new IllegalArgumentException("no channel from a process to itself: " + from);
      }
      channels.add(new ChannelId(from, to));
      return this;
    }

    /**
     * Adds a channel between every ordered pair of processes added so far.
     *
     * @return this builder
     */
    public Builder<S, M> connectAll() {
      for (String from : processes.keySet()) {
        for (String to : processes.keySet()) {
          if (!from.equals(to)) {
            channel(from, to);
          }
        }
      }
      return this;
    }

    /**
     * Starts every process on its own virtual thread.
     *
     * @return the running runner; close it to stop the processes
     * @throws IllegalStateException if there are no processes
     */
    public SnapshotRunner<S, M> start() {
      if (processes.isEmpty()) {
        throw new IllegalStateException("no processes");
      }
      return new SnapshotRunner<>(this);
    }
  }
}
