package dev.weft.raft.server;

import dev.weft.raft.LogEntry;
import dev.weft.raft.MutableStorage;
import dev.weft.raft.NotLeaderException;
import dev.weft.raft.RaftConfig;
import dev.weft.raft.RaftMessage;
import dev.weft.raft.RaftNode;
import dev.weft.raft.RaftStatus;
import dev.weft.raft.Ready;
import dev.weft.raft.Role;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;

/**
 * The deterministic half of a {@link RaftServer}: one {@link RaftNode} together with its storage,
 * its state machine and the proposals waiting to be applied. It has no thread and reads no clock:
 * time is {@link #tick()}, input is {@link #receive} and {@link #submit}, output is what {@link
 * #flush()} returns. {@link RaftServer} runs one on a virtual thread in real time; a test runs many
 * on a simulated network in virtual time, with the same code path.
 *
 * <p><b>Order of effects.</b> {@link #flush()} takes every {@link Ready} the node has and, for
 * each: appends its entries and hard state to storage (durable when the storage's methods return),
 * queues its messages, applies its committed entries to the state machine and completes the
 * proposals they answer, then advances the node. Only then are the queued envelopes returned for
 * sending, so nothing is sent before what it promises is durable.
 *
 * <p><b>Proposals.</b> On the leader, {@link #submit} proposes at once and remembers the entry's
 * index and term. When the entry at that index commits, the future completes with the state
 * machine's result if the term matches, or fails with {@link ProposalDroppedException} if another
 * leader's entry took the index. On a follower, the proposal is forwarded to the known leader (if
 * the options say so) or fails with {@link NotLeaderException}. A proposal that is neither applied
 * nor dropped within the timeout fails with {@link TimeoutException}; it may still be applied
 * later, which is why applications that retry deduplicate (see the key-value example).
 *
 * <p><b>Forwarding</b> is at-most-once per {@code (follower, id)} within a window of the last
 * {@value #FORWARD_WINDOW} forwards per leader; a network that duplicates an envelope beyond that
 * could make the leader propose a command twice. Exactly-once needs the application's own
 * deduplication, as for client retries.
 *
 * <p>Not thread-safe: one thread at a time, with happens-before between calls (the server's event
 * loop). Futures are completed on that thread; continuations attached with non-async methods run
 * there too and must be quick.
 */
public final class Replica {
  /** How many forwarded request ids a leader remembers to ignore duplicates. */
  public static final int FORWARD_WINDOW = 4096;

  private final String id;
  private final RaftNode node;
  private final MutableStorage storage;
  private final StateMachine stateMachine;
  private final long timeoutTicks;
  private final boolean forward;

  // this replica's own proposals (and those forwarded to it) in increasing index order
  private final ArrayDeque<Pending> proposed = new ArrayDeque<>();
  private final Map<Long, Pending> forwardedOut = new HashMap<>();
  private final ArrayDeque<Pending> byDeadline = new ArrayDeque<>();
  private final Map<ForwardKey, Boolean> forwardsSeen =
      new LinkedHashMap<>(16, 0.75f, false) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<ForwardKey, Boolean> eldest) {
          return size() > FORWARD_WINDOW;
        }
      };
  private List<Envelope> outbox = new ArrayList<>();

  private long ticks;
  private long nextForwardId;
  private long applied;
  private boolean closing;

  private record ForwardKey(String from, long id) {}

  private static final class Pending {
    final CompletableFuture<byte[]> future;
    final long deadline;
    long index;
    long term;
    long forwardId = -1;

    Pending(CompletableFuture<byte[]> future, long deadline) {
      this.future = future;
      this.deadline = deadline;
    }
  }

  /**
   * Starts a replica: a {@link RaftNode} on {@code storage} (a new node, or one recovering from
   * what the storage holds, which then applies its committed entries again from the start).
   *
   * @param config the node's configuration
   * @param storage its durable log and hard state
   * @param stateMachine what committed commands are applied to
   * @param options the proposal timeout (in ticks, from the tick interval) and forwarding policy
   * @throws NullPointerException if an argument is null
   */
  public Replica(
      RaftConfig config, MutableStorage storage, StateMachine stateMachine, ServerOptions options) {
    this.storage = Objects.requireNonNull(storage, "storage");
    this.stateMachine = Objects.requireNonNull(stateMachine, "stateMachine");
    this.id = config.id();
    this.node = RaftNode.start(config, storage);
    this.timeoutTicks = options.proposalTimeoutTicks();
    this.forward = options.forwardProposals();
    this.applied = config.appliedIndex();
  }

  /**
   * This replica's id.
   *
   * @return the node id from the configuration
   */
  public String id() {
    return id;
  }

  /** One tick of the Raft clock; also fails proposals whose timeout has passed. */
  public void tick() {
    ticks++;
    node.tick();
    while (!byDeadline.isEmpty()
        && (byDeadline.peekFirst().future.isDone() || byDeadline.peekFirst().deadline <= ticks)) {
      Pending p = byDeadline.pollFirst();
      if (!p.future.isDone()) {
        forget(p);
        p.future.completeExceptionally(
            new TimeoutException(
                "proposal not applied within " + timeoutTicks + " ticks on " + id));
      }
    }
  }

  /**
   * Hands the replica an envelope from the network. Envelopes for another node are dropped.
   *
   * @param envelope what arrived
   */
  public void receive(Envelope envelope) {
    if (!id.equals(envelope.to())) {
      return; // misrouted: a network may do this; the node would reject it anyway
    }
    if (envelope instanceof Envelope.Raft r) {
      node.step(r.message());
    } else if (envelope instanceof Envelope.Forward f) {
      onForward(f);
    } else if (envelope instanceof Envelope.ForwardReply r) {
      onForwardReply(r);
    }
  }

  /**
   * Submits a command: proposes it if this replica leads, else forwards or rejects it as the
   * options say. The future completes on the thread that calls {@link #flush()}, {@link #tick()} or
   * {@link #receive}.
   *
   * @param command the command; the replica keeps the array, so do not change it afterwards
   * @return the state machine's result once the command is applied here (or on the leader, if
   *     forwarded); or a failure: {@link NotLeaderException}, {@link ProposalDroppedException},
   *     {@link TimeoutException}, {@link ServerClosedException}
   * @throws NullPointerException if {@code command} is null
   */
  public CompletableFuture<byte[]> submit(byte[] command) {
    Objects.requireNonNull(command, "command");
    CompletableFuture<byte[]> future = new CompletableFuture<>();
    submit(command, future);
    return future;
  }

  void submit(byte[] command, CompletableFuture<byte[]> future) {
    if (closing) {
      future.completeExceptionally(new ServerClosedException(id + " is shutting down"));
      return;
    }
    Pending p = new Pending(future, ticks + timeoutTicks);
    try {
      propose(p, command);
      byDeadline.addLast(p);
    } catch (NotLeaderException e) {
      String leader = e.leader();
      if (forward && leader != null && !leader.equals(id)) {
        p.forwardId = nextForwardId++;
        forwardedOut.put(p.forwardId, p);
        byDeadline.addLast(p);
        outbox.add(new Envelope.Forward(id, leader, p.forwardId, command));
      } else {
        future.completeExceptionally(e);
      }
    } catch (RuntimeException e) {
      future.completeExceptionally(e);
    }
  }

  /**
   * Submits several commands at once: on the leader they are proposed in one step (consecutive
   * indexes, one round of AppendEntries); elsewhere each is handled as by {@link #submit}.
   *
   * @param commands the commands; the replica keeps the arrays
   * @param futures one future per command, completed as {@link #submit}'s would be
   * @throws IllegalArgumentException if the lists differ in size
   */
  public void submitAll(List<byte[]> commands, List<CompletableFuture<byte[]>> futures) {
    if (commands.size() != futures.size()) {
      throw new IllegalArgumentException(
          commands.size() + " commands, " + futures.size() + " futures");
    }
    if (commands.isEmpty()) {
      return;
    }
    if (closing || commands.size() == 1 || !isLeader()) {
      for (int i = 0; i < commands.size(); i++) {
        submit(commands.get(i), futures.get(i));
      }
      return;
    }
    long first = node.proposeAll(commands);
    long term = node.status().term();
    long deadline = ticks + timeoutTicks;
    for (int i = 0; i < commands.size(); i++) {
      Pending p = new Pending(futures.get(i), deadline);
      p.index = first + i;
      p.term = term;
      track(p);
      byDeadline.addLast(p);
    }
  }

  private void propose(Pending p, byte[] command) {
    long index = node.propose(command);
    p.index = index;
    p.term = node.status().term();
    track(p);
  }

  private void track(Pending p) {
    // A proposal at index i means this log now ends at i: older proposals at i or beyond were
    // truncated away by another leader and can never be applied.
    while (!proposed.isEmpty() && proposed.peekLast().index >= p.index) {
      Pending gone = proposed.pollLast();
      gone.future.completeExceptionally(
          new ProposalDroppedException("entry " + gone.index + " was truncated on " + id));
    }
    proposed.addLast(p);
  }

  private void onForward(Envelope.Forward f) {
    if (forwardsSeen.put(new ForwardKey(f.from(), f.id()), Boolean.TRUE) != null) {
      return; // a duplicate of a forward already taken
    }
    if (closing) {
      outbox.add(
          new Envelope.ForwardReply(id, f.from(), f.id(), null, Envelope.Failure.SHUT_DOWN, null));
      return;
    }
    Pending p = new Pending(new CompletableFuture<>(), ticks + timeoutTicks);
    try {
      propose(p, f.command());
    } catch (NotLeaderException e) {
      outbox.add(
          new Envelope.ForwardReply(
              id, f.from(), f.id(), null, Envelope.Failure.NOT_LEADER, e.leader()));
      return;
    }
    byDeadline.addLast(p);
    p.future.whenComplete(
        (result, failure) -> {
          if (failure == null) {
            outbox.add(new Envelope.ForwardReply(id, f.from(), f.id(), result, null, null));
          } else if (failure instanceof ProposalDroppedException) {
            outbox.add(
                new Envelope.ForwardReply(
                    id, f.from(), f.id(), null, Envelope.Failure.DROPPED, null));
          } else if (failure instanceof ServerClosedException) {
            outbox.add(
                new Envelope.ForwardReply(
                    id, f.from(), f.id(), null, Envelope.Failure.SHUT_DOWN, null));
          }
          // a timeout on the leader is left to the follower's own timeout
        });
  }

  private void onForwardReply(Envelope.ForwardReply r) {
    Pending p = forwardedOut.remove(r.id());
    if (p == null) {
      return; // late, duplicated or unknown
    }
    if (r.failure() == null) {
      p.future.complete(r.result());
      return;
    }
    switch (r.failure()) {
      case NOT_LEADER ->
          p.future.completeExceptionally(new NotLeaderException(r.from(), r.leader()));
      case DROPPED ->
          p.future.completeExceptionally(
              new ProposalDroppedException("forwarded proposal dropped by " + r.from()));
      case SHUT_DOWN ->
          p.future.completeExceptionally(new ServerClosedException(r.from() + " shut down"));
    }
  }

  /**
   * Persists, applies and collects everything the node has ready, in the order the class comment
   * gives, and returns the envelopes to send.
   *
   * @return envelopes to hand to the transport, in order; empty if none; the caller owns the list
   */
  public List<Envelope> flush() {
    while (node.hasReady()) {
      Ready ready = node.ready();
      storage.append(ready.entries());
      if (ready.hardState() != null) {
        storage.setHardState(ready.hardState());
      }
      for (RaftMessage m : ready.messages()) {
        outbox.add(new Envelope.Raft(m));
      }
      for (LogEntry e : ready.committedEntries()) {
        apply(e);
      }
      node.advance(ready);
    }
    if (outbox.isEmpty()) {
      return List.of();
    }
    List<Envelope> out = outbox;
    outbox = new ArrayList<>(Math.max(16, out.size()));
    return out;
  }

  private void apply(LogEntry e) {
    if (e.index() <= applied) {
      return;
    }
    applied = e.index();
    byte[] result = null;
    RuntimeException rejected = null;
    if (!e.isEmpty()) {
      try {
        result = stateMachine.apply(e.index(), e.data());
      } catch (RuntimeException ex) {
        rejected = ex; // the command is refused alike on every replica; the log goes on
      }
    }
    while (!proposed.isEmpty() && proposed.peekFirst().index < e.index()) {
      // cannot happen while indexes stay ordered; a guard so that no future waits forever
      proposed
          .pollFirst()
          .future
          .completeExceptionally(new ProposalDroppedException("entry skipped on " + id));
    }
    if (proposed.isEmpty() || proposed.peekFirst().index != e.index()) {
      return;
    }
    Pending p = proposed.pollFirst();
    if (p.term == e.term() && rejected != null) {
      p.future.completeExceptionally(rejected);
    } else if (p.term == e.term()) {
      p.future.complete(result);
    } else {
      p.future.completeExceptionally(
          new ProposalDroppedException(
              "entry "
                  + e.index()
                  + " of term "
                  + p.term
                  + " was replaced by one of term "
                  + e.term()
                  + " on "
                  + id));
    }
  }

  private void forget(Pending p) {
    // A proposal of this replica stays in place: its entry's fate pops it, and completing a
    // failed future is a no-op.
    if (p.forwardId >= 0) {
      forwardedOut.remove(p.forwardId);
    }
  }

  /**
   * Starts a graceful shutdown: later submissions and forwarded proposals fail with {@link
   * ServerClosedException}; proposals already in flight go on until applied or timed out.
   */
  public void beginShutdown() {
    closing = true;
  }

  /**
   * Proposals submitted here (or forwarded here) that have not completed yet.
   *
   * @return the number of futures still pending
   */
  public int pending() {
    int n = forwardedOut.size();
    for (Pending p : proposed) {
      if (!p.future.isDone()) {
        n++;
      }
    }
    return n;
  }

  /**
   * Fails every pending proposal with {@code cause}: the end of a shutdown.
   *
   * @param cause the exception the futures fail with
   */
  public void failPending(RuntimeException cause) {
    for (Pending p : byDeadline) {
      p.future.completeExceptionally(cause);
    }
    byDeadline.clear();
    proposed.clear();
    forwardedOut.clear();
  }

  /**
   * The node's status now.
   *
   * @return term, role, leader, commit and last index
   */
  public RaftStatus status() {
    return node.status();
  }

  /**
   * Whether this replica believes it leads.
   *
   * @return true if its role is leader
   */
  public boolean isLeader() {
    return node.status().role() == Role.LEADER;
  }

  /**
   * The index of the last entry applied to the state machine.
   *
   * @return the applied index
   */
  public long applied() {
    return applied;
  }

  /**
   * Ticks seen so far.
   *
   * @return the replica's logical time
   */
  public long ticks() {
    return ticks;
  }

  @Override
  public String toString() {
    return "Replica[" + node.status() + ", applied=" + applied + "]";
  }
}
