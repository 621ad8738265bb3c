package dev.weft.raft.server;

import dev.weft.raft.LogEntry;
import dev.weft.raft.Membership;
import dev.weft.raft.MutableStorage;
import dev.weft.raft.NotLeaderException;
import dev.weft.raft.RaftConfig;
import dev.weft.raft.RaftMessage;
import dev.weft.raft.RaftMessage.InstallSnapshot;
import dev.weft.raft.RaftMessage.InstallSnapshotResponse;
import dev.weft.raft.RaftNode;
import dev.weft.raft.RaftStatus;
import dev.weft.raft.ReadState;
import dev.weft.raft.Ready;
import dev.weft.raft.Role;
import dev.weft.raft.SnapshotMetadata;
import dev.weft.raft.SnapshotReader;
import dev.weft.raft.SnapshotWriter;
import dev.weft.raft.TransferInProgressException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import java.util.function.UnaryOperator;

/**
 * The deterministic half of a {@link RaftServer}: one {@link RaftNode} together with its storage,
 * its state machine and the proposals waiting to be applied. It has no thread and reads no clock:
 * time is {@link #tick()}, input is {@link #receive} and {@link #submit}, output is what {@link
 * #flush()} returns. {@link RaftServer} runs one on a virtual thread in real time; a simulation
 * runs many on a simulated network in virtual time (as the key-value example's tests do), with the
 * same code.
 *
 * {@snippet :
 * Replica r = new Replica(config, storage, stateMachine, options);
 * // the simulation's events, on one thread:
 * r.tick();                                   // every tick interval of virtual time
 * r.receive(envelope);                        // for each envelope addressed to r.id()
 * CompletableFuture<byte[]> f = r.submit(cmd); // completed by a later tick, receive or flush
 * for (Envelope e : r.flush()) {              // after each of the above
 *   network.send(e);
 * }
 * }
 *
 * <p><b>Order of effects.</b> {@link #flush()} takes every {@link Ready} the node has and, for
 * each: saves its entries and hard state with one {@link MutableStorage#save} (one {@code fsync} on
 * a disk: group commit, durable when it returns), queues its messages, applies its committed
 * entries to the state machine and completes the proposals they decide, then advances the node.
 * Only then are the queued envelopes returned for sending, so nothing is sent before what it
 * promises is durable.
 *
 * <p><b>Proposals.</b> On the leader, {@link #submit} proposes at once. When the entry at the
 * proposal's index is applied, the future completes with the state machine's result (or fails with
 * its exception, if it refused the command) if the entry is the proposal's, or fails with {@link
 * ProposalDroppedException} if another leader's entry took the index. On a follower, the proposal
 * is forwarded to the known leader (if the options say so) or fails with {@link
 * NotLeaderException}. A proposal that is not decided within the timeout fails with {@link
 * TimeoutException}; it may still be applied later, which is why applications that retry
 * deduplicate (see the key-value example).
 *
 * <p><b>Snapshots.</b> As its {@link SnapshotPolicy} says, the replica streams its state machine
 * into the storage ({@link StateMachine#snapshot(java.io.OutputStream)}) every so many applied
 * entries or bytes, or on demand ({@link #snapshot()}), then compacts its log, keeping a tail. At
 * start it restores the state machine from the storage's snapshot, if there is one, and applies
 * only the entries after it. As leader it streams its snapshot in chunks to followers whose next
 * entries it has compacted ({@link SnapshotSender}); as follower it gathers chunks into its storage
 * ({@link SnapshotReceiver}), and when the core installs the snapshot it commits it, restores the
 * state machine from it and drops the log it covers. A proposal of this replica that the installed
 * snapshot covers fails with {@link ProposalOutcomeUnknownException}: the snapshot does not say
 * whether its entry made it.
 *
 * <p><b>Forwarding</b> is at-most-once per forward within a window of the last 4,096 forwards per
 * leader; a network that duplicates an envelope beyond that could make the leader propose a command
 * twice. Exactly-once needs the application's own deduplication, as for client retries. Forwards
 * carry an incarnation number drawn from the config's seed (mixed with the id): give a restarted
 * replica a new seed ({@link RaftConfig#withRandomSeed}), or its forwards could be taken for its
 * predecessor's. ({@link RaftServer} draws a random one.)
 *
 * <p><b>Failures.</b> An exception from the core or the storage (an I/O error, say) ends the
 * replica: the method that met it rethrows it, and every later call throws {@link
 * IllegalStateException} with it as the cause; restart from storage with a new replica. A command
 * the state machine refuses by throwing is not a failure: it fails that proposal only, on every
 * replica alike.
 *
 * <p>Not thread-safe: one thread at a time, with happens-before between calls (the server's event
 * loop). Futures are completed on that thread; continuations attached with non-async methods run
 * there too, and must be quick.
 */
public final class Replica {
  private final String id;
  private final RaftNode node;
  private final MutableStorage storage;
  private final StateMachine stateMachine;
  private final long timeoutTicks;
  private final boolean forward;
  private final Proposals proposals;
  private final Forwarding forwarding;
  private final SnapshotPolicy snapshots;
  private final SnapshotSender sender;
  private final SnapshotReceiver receiver;
  private List<Envelope> outbox = new ArrayList<>();
  private final LongSupplier clock;
  private final long leaseNanos;
  private final Map<Long, Read> reads = new HashMap<>();
  private final List<Read> readsToServe = new ArrayList<>();
  private final List<Change> changes = new ArrayList<>();
  private final List<Promotion> promotions = new ArrayList<>();
  private final List<Transfer> transfers = new ArrayList<>();
  private long nextReadId;
  private long leaseEpoch = -1;
  private long leaseUntil;

  /** A read waiting for its index (index -1) or for that index to be applied. */
  private static final class Read {
    final byte[] query;
    final CompletableFuture<byte[]> future;
    final long deadline;
    final long issuedAt;
    final long epoch;
    final long term;
    final boolean asLeader;
    long index = -1;

    Read(
        byte[] query,
        CompletableFuture<byte[]> future,
        long deadline,
        long issuedAt,
        long epoch,
        long term,
        boolean asLeader) {
      this.query = query;
      this.future = future;
      this.deadline = deadline;
      this.issuedAt = issuedAt;
      this.epoch = epoch;
      this.term = term;
      this.asLeader = asLeader;
    }
  }

  /** A configuration entry this replica proposed, waiting to be applied. */
  private static final class Change {
    final long index;
    final long term;
    final CompletableFuture<Membership> future;
    final long deadline;
    boolean ours;

    Change(long index, long term, CompletableFuture<Membership> future, long deadline) {
      this.index = index;
      this.term = term;
      this.future = future;
      this.deadline = deadline;
    }
  }

  private record Promotion(
      String learner,
      UnaryOperator<Membership> step,
      CompletableFuture<Membership> future,
      long deadline) {}

  private record Transfer(
      String target, long term, CompletableFuture<String> future, long deadline) {}

  private long snapshotIndex;
  private long entriesSinceSnapshot;
  private long bytesSinceSnapshot;

  private long ticks;
  private long applied;
  private long appliedBytes;
  private boolean draining;
  private RuntimeException failure;

  /**
   * Starts a replica: a {@link RaftNode} on {@code storage} (a new node, or one recovering from
   * what the storage holds, which then applies its committed entries again from the start).
   *
   * @param config the node's configuration; its seed also gives this run's incarnation number
   * @param storage its durable log and hard state
   * @param stateMachine what committed commands are applied to
   * @param options the proposal timeout (in ticks, from the tick interval) and forwarding policy
   * @throws NullPointerException if an argument is null
   */
  public Replica(
      RaftConfig config, MutableStorage storage, StateMachine stateMachine, ServerOptions options) {
    this(config, storage, stateMachine, options, System::nanoTime);
  }

  /**
   * Starts a replica whose lease reads ({@link ReadMode#LEASE}) are timed by {@code nanoClock}: a
   * monotonic clock in nanoseconds ({@code System::nanoTime}, or a simulation's virtual time).
   *
   * @param config the node's configuration; its seed also gives this run's incarnation number
   * @param storage its durable log and hard state
   * @param stateMachine what committed commands are applied to
   * @param options the proposal timeout, forwarding policy, tick interval and lease drift bound
   * @param nanoClock a monotonic clock, in nanoseconds
   * @throws NullPointerException if an argument is null
   */
  public Replica(
      RaftConfig config,
      MutableStorage storage,
      StateMachine stateMachine,
      ServerOptions options,
      LongSupplier nanoClock) {
    this(
        config,
        storage,
        stateMachine,
        options,
        new SplittableRandom(config.randomSeed() ^ (31L * config.id().hashCode())).nextLong(),
        nanoClock);
  }

  Replica(
      RaftConfig config,
      MutableStorage storage,
      StateMachine stateMachine,
      ServerOptions options,
      long incarnation) {
    this(config, storage, stateMachine, options, incarnation, System::nanoTime);
  }

  Replica(
      RaftConfig config,
      MutableStorage storage,
      StateMachine stateMachine,
      ServerOptions options,
      long incarnation,
      LongSupplier nanoClock) {
    this.clock = Objects.requireNonNull(nanoClock, "nanoClock");
    // ADR 56: followers promise not to vote for another leader for electionTicks of their ticks
    // after hearing from this one; one tick may come early after a late one, and clocks may run
    // apart by the drift bound both ways.
    double drift = options.leaseClockDrift();
    this.leaseNanos =
        (long)
            ((config.electionTicks() - 1)
                * (double) options.tickInterval().toNanos()
                * (1 - drift)
                / (1 + drift));
    this.storage = Objects.requireNonNull(storage, "storage");
    this.stateMachine = Objects.requireNonNull(stateMachine, "stateMachine");
    this.id = config.id();
    this.node = RaftNode.start(config, storage);
    this.timeoutTicks = options.proposalTimeoutTicks();
    this.forward = options.forwardProposals();
    this.applied = config.appliedIndex();
    this.proposals = new Proposals(id);
    this.forwarding = new Forwarding(id, incarnation, proposals);
    this.snapshots = options.snapshots();
    // a transfer unanswered for four of the longest election timeouts is dropped
    this.sender = new SnapshotSender(id, storage, snapshots, 8L * config.electionTicks());
    this.receiver = new SnapshotReceiver(id, storage);
    SnapshotMetadata stored = storage.snapshotMetadata();
    this.snapshotIndex = stored.index();
    if (!stored.isEmpty() && stored.index() > applied) {
      restoreStateMachine();
      applied = stored.index();
    }
  }

  /** Replaces the state machine's state with the storage's snapshot. */
  private void restoreStateMachine() {
    try (SnapshotReader reader = storage.openSnapshot()) {
      stateMachine.restore(reader.input());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * This replica's id.
   *
   * @return the node id from the configuration
   */
  public String id() {
    return id;
  }

  private void checkUsable() {
    if (failure != null) {
      throw new IllegalStateException("replica " + id + " failed earlier", failure);
    }
  }

  /** Records a fatal exception from the core or the storage; returns it, to be rethrown. */
  private RuntimeException failed(RuntimeException e) {
    failure = e;
    return e;
  }

  /**
   * One tick of the Raft clock; also fails proposals whose timeout has passed.
   *
   * @throws IllegalStateException if the replica failed earlier
   */
  public void tick() {
    checkUsable();
    ticks++;
    try {
      node.tick();
    } catch (RuntimeException e) {
      throw failed(e);
    }
    proposals.expire(ticks, timeoutTicks);
    forwarding.expire(ticks, timeoutTicks);
    expireOperations();
  }

  /**
   * Hands the replica an envelope from the network. Envelopes for another node are dropped.
   *
   * @param envelope what arrived
   * @throws IllegalStateException if the replica failed earlier
   */
  public void receive(Envelope envelope) {
    checkUsable();
    if (!id.equals(envelope.to())) {
      return; // misrouted: a network may do this; the node would reject it anyway
    }
    switch (envelope) {
      case Envelope.Raft r -> onRaft(r.message());
      case Envelope.Forward f -> onForward(f);
      case Envelope.ForwardReply r -> forwarding.onReply(r, applied);
    }
  }

  private void onRaft(RaftMessage m) {
    if (m instanceof InstallSnapshot c) {
      // the chunks' bytes are the driver's; the core sees the last only once it is all here
      if (receiver.onChunk(c, node.status(), outbox)) {
        step(c);
      }
    } else if (m instanceof InstallSnapshotResponse r) {
      step(r);
      sender.onResponse(r, ticks);
    } else if (m instanceof RaftMessage.AppendEntriesResponse r && r.success()) {
      step(r);
      sender.onAppended(r.from(), r.index()); // installed, or it had the entries
    } else {
      step(m);
    }
  }

  private void step(RaftMessage m) {
    try {
      node.step(m);
    } catch (RuntimeException e) {
      throw failed(e);
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
   *     {@link TimeoutException}, {@link ServerClosedException}, or the state machine's exception
   * @throws NullPointerException if {@code command} is null
   * @throws IllegalStateException if the replica failed earlier
   */
  public CompletableFuture<byte[]> submit(byte[] command) {
    Objects.requireNonNull(command, "command");
    CompletableFuture<byte[]> future = new CompletableFuture<>();
    submit(command, future);
    return future;
  }

  void submit(byte[] command, CompletableFuture<byte[]> future) {
    checkUsable();
    if (draining) {
      future.completeExceptionally(new ServerClosedException(id + " is shutting down"));
      return;
    }
    long deadline = ticks + timeoutTicks;
    long index;
    try {
      index = node.propose(command);
    } catch (NotLeaderException e) {
      String leader = e.leader();
      if (forward && leader != null && !leader.equals(id)) {
        outbox.add(forwarding.forward(leader, command, future, deadline));
      } else {
        future.completeExceptionally(e);
      }
      return;
    } catch (TransferInProgressException e) {
      future.completeExceptionally(e); // the client retries at the target, or later
      return;
    } catch (RuntimeException e) {
      future.completeExceptionally(e);
      throw failed(e);
    }
    proposals.proposed(index, term(), future, deadline);
  }

  /**
   * Submits several commands at once: on the leader they are proposed in one step (consecutive
   * indexes, one round of AppendEntries); elsewhere each is handled as by {@link #submit}.
   */
  void submitAll(List<byte[]> commands, List<CompletableFuture<byte[]>> futures) {
    checkUsable();
    if (draining || commands.size() == 1 || !isLeader() || node.leadTransferee() != null) {
      for (int i = 0; i < commands.size(); i++) {
        submit(commands.get(i), futures.get(i));
      }
      return;
    }
    long first;
    try {
      first = node.proposeAll(commands);
    } catch (RuntimeException e) {
      futures.forEach(f -> f.completeExceptionally(e));
      throw failed(e);
    }
    long term = term();
    long deadline = ticks + timeoutTicks;
    for (int i = 0; i < commands.size(); i++) {
      proposals.proposed(first + i, term, futures.get(i), deadline);
    }
  }

  private long term() {
    return node.status().term();
  }

  private void onForward(Envelope.Forward f) {
    if (!forwarding.take(f)) {
      return; // a duplicate of a forward already taken
    }
    if (draining) {
      outbox.add(forwarding.refuse(f, Envelope.Failure.SHUT_DOWN, null));
      return;
    }
    long index;
    try {
      index = node.propose(f.command());
    } catch (NotLeaderException e) {
      outbox.add(forwarding.refuse(f, Envelope.Failure.NOT_LEADER, e.leader()));
      return;
    } catch (TransferInProgressException e) {
      outbox.add(forwarding.refuse(f, Envelope.Failure.NOT_LEADER, e.target()));
      return;
    } catch (RuntimeException e) {
      throw failed(e);
    }
    long term = term();
    CompletableFuture<byte[]> done = new CompletableFuture<>();
    proposals.proposed(index, term, done, ticks + timeoutTicks);
    // a lambda, not outbox::add: the outbox list is swapped at each flush
    forwarding.answerWhenDone(f, index, term, done, e -> outbox.add(e));
  }

  /**
   * Persists, applies and collects everything the node has ready, in the order the class comment
   * gives, and returns the envelopes to send.
   *
   * @return envelopes to hand to the transport, in order; empty if none; the caller owns the list
   * @throws IllegalStateException if the replica failed earlier
   */
  public List<Envelope> flush() {
    checkUsable();
    try {
      while (node.hasReady()) {
        Ready ready = node.ready();
        if (ready.snapshot() != null) {
          install(ready.snapshot());
        }
        // One save (one fsync on a disk) for the whole Ready, before any of its messages leave.
        storage.save(ready.hardState(), ready.entries());
        for (RaftMessage m : ready.messages()) {
          if (m instanceof InstallSnapshot request) {
            sender.start(request, ticks); // the core asks for the snapshot to be streamed
          } else {
            outbox.add(new Envelope.Raft(m));
          }
        }
        for (LogEntry e : ready.committedEntries()) {
          apply(e);
        }
        node.advance(ready);
        if (snapshots.due(entriesSinceSnapshot, bytesSinceSnapshot)) {
          takeSnapshot();
        }
      }
      for (ReadState rs : node.readStates()) {
        confirmed(rs);
      }
      receiver.discardUninstalled();
      sender.pump(isLeader(), term(), ticks, outbox);
    } catch (RuntimeException e) {
      throw failed(e);
    }
    settleOperations();
    return takeOutbox();
  }

  private List<Envelope> takeOutbox() {
    if (outbox.isEmpty()) {
      return List.of();
    }
    List<Envelope> out = outbox;
    outbox = new ArrayList<>(Math.max(16, out.size()));
    return out;
  }

  /**
   * The core installs a snapshot received from the leader: store it (committing the transfer's
   * writer), restore the state machine from it, and fail the proposals it covers.
   */
  private void install(SnapshotMetadata s) {
    try (SnapshotWriter w = receiver.take(s)) {
      w.commit();
    }
    restoreStateMachine();
    applied = s.index();
    snapshotIndex = s.index();
    entriesSinceSnapshot = 0;
    bytesSinceSnapshot = 0;
    proposals.coveredBy(s.index());
    for (Iterator<Change> it = changes.iterator(); it.hasNext(); ) {
      Change c = it.next();
      if (c.index <= s.index()) {
        it.remove();
        c.future.completeExceptionally(
            new ProposalOutcomeUnknownException(
                "configuration entry "
                    + c.index
                    + " is covered by a snapshot up to "
                    + s.index()
                    + " installed on "
                    + id
                    + "; whether it was applied is unknown"));
      }
    }
  }

  /**
   * Takes a snapshot of the state machine now, if anything was applied since the last one, and
   * compacts the log behind it, keeping the policy's tail.
   *
   * @return the index the snapshot covers (the last one's, if nothing new was applied)
   * @throws IllegalStateException if the replica failed earlier
   */
  public long snapshot() {
    checkUsable();
    try {
      takeSnapshot();
    } catch (RuntimeException e) {
      throw failed(e);
    }
    return snapshotIndex;
  }

  private void takeSnapshot() {
    entriesSinceSnapshot = 0;
    bytesSinceSnapshot = 0;
    if (applied <= snapshotIndex || applied <= storage.snapshotMetadata().index()) {
      return;
    }
    SnapshotMetadata s =
        // the configuration at the snapshot's index: node.membership() may be a later entry's
        new SnapshotMetadata(applied, storage.term(applied), node.membershipAt(applied).encode());
    try (SnapshotWriter w = storage.beginSnapshot(s)) {
      stateMachine.snapshot(w.output());
      w.commit();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    snapshotIndex = applied;
    long compactTo = applied - snapshots.retainedEntries();
    if (compactTo > 0) {
      storage.compact(compactTo);
    }
  }

  private void apply(LogEntry e) {
    if (e.index() <= applied) {
      return;
    }
    applied = e.index();
    for (Change c : changes) {
      if (c.index == e.index()) {
        c.ours = c.term == e.term() && e.kind() == LogEntry.Kind.MEMBERSHIP;
      }
    }
    entriesSinceSnapshot++;
    bytesSinceSnapshot += e.size();
    byte[] result = null;
    RuntimeException refused = null;
    if (e.isCommand()) {
      appliedBytes += e.data().length;
      try {
        result = stateMachine.apply(e.index(), e.data());
      } catch (RuntimeException ex) {
        refused = ex; // the command is refused alike on every replica; the log goes on
        forwarding.refused(e.index(), ex);
      }
    }
    proposals.applied(e, result, refused);
  }

  /**
   * Starts a graceful shutdown: later submissions and forwarded proposals fail with {@link
   * ServerClosedException}; proposals already in flight go on until decided or timed out.
   */
  void drain() {
    draining = true;
  }

  /** Proposals submitted or forwarded here that have not completed yet. */
  int pending() {
    return proposals.size() + forwarding.size();
  }

  /**
   * The configuration this replica uses now.
   *
   * @return the membership in force
   */
  public Membership membership() {
    return node.membership();
  }

  /**
   * Ends the replica: fails every pending proposal with {@code cause} and returns what that leaves
   * to send (the answers to forwards taken here). Touches neither the node nor the storage, so it
   * may follow a failure.
   */
  List<Envelope> shutdown(RuntimeException cause) {
    draining = true;
    sender.closeAll();
    receiver.closeAll();
    proposals.failAll(cause);
    forwarding.failAll(cause);
    List<CompletableFuture<?>> all = new ArrayList<>();
    reads.values().forEach(r -> all.add(r.future));
    readsToServe.forEach(r -> all.add(r.future));
    changes.forEach(c -> all.add(c.future));
    promotions.forEach(p -> all.add(p.future()));
    transfers.forEach(t -> all.add(t.future()));
    reads.clear();
    readsToServe.clear();
    changes.clear();
    promotions.clear();
    transfers.clear();
    all.forEach(f -> f.completeExceptionally(cause));
    return takeOutbox();
  }

  // ---- reads without the log ------------------------------------------------------------------

  /**
   * Reads from the state machine ({@link StateMachine#read}) without a log entry, linearizably: by
   * ReadIndex, or by the lease when {@code mode} is {@link ReadMode#LEASE} and this replica holds
   * one (see {@link ReadMode}). On a follower, the leader gives the read index and the read is
   * served here once applied (follower read).
   *
   * @param query the query for the state machine
   * @param mode ReadIndex, or the lease where there is one
   * @return the state machine's answer; or a failure: {@link NotLeaderException} (no leader known,
   *     or leadership lost before the read was confirmed), {@link TimeoutException}, {@link
   *     ServerClosedException}, or the state machine's exception
   * @throws NullPointerException if an argument is null
   * @throws IllegalStateException if the replica failed earlier
   */
  public CompletableFuture<byte[]> read(byte[] query, ReadMode mode) {
    Objects.requireNonNull(query, "query");
    Objects.requireNonNull(mode, "mode");
    checkUsable();
    CompletableFuture<byte[]> future = new CompletableFuture<>();
    if (draining) {
      future.completeExceptionally(new ServerClosedException(id + " is shutting down"));
      return future;
    }
    long now = clock.getAsLong();
    long epoch = node.leaseEpoch();
    Read r = new Read(query, future, ticks + timeoutTicks, now, epoch, term(), isLeader());
    if (mode == ReadMode.LEASE && epoch >= 0 && epoch == leaseEpoch && now - leaseUntil < 0) {
      r.index = node.status().commitIndex(); // thesis §6.4.1: no round of heartbeats
      readsToServe.add(r);
      serveReads();
      return future;
    }
    long readId = nextReadId++;
    try {
      node.readIndex(readId);
    } catch (NotLeaderException e) {
      future.completeExceptionally(e);
      return future;
    } catch (RuntimeException e) {
      future.completeExceptionally(e);
      throw failed(e);
    }
    reads.put(readId, r);
    return future;
  }

  private void confirmed(ReadState rs) {
    Read r = reads.remove(rs.id());
    if (r == null) {
      return; // timed out, or failed when leadership was lost
    }
    r.index = rs.index();
    if (r.epoch >= 0 && r.epoch == node.leaseEpoch()) {
      // a quorum confirmed this leader after r was issued: the lease runs from r's issue time
      long until = r.issuedAt + leaseNanos;
      if (leaseEpoch != r.epoch || until - leaseUntil > 0) {
        leaseEpoch = r.epoch;
        leaseUntil = until;
      }
    }
    readsToServe.add(r);
  }

  private void serveReads() {
    for (Iterator<Read> it = readsToServe.iterator(); it.hasNext(); ) {
      Read r = it.next();
      if (r.index <= applied) {
        it.remove();
        try {
          r.future.complete(stateMachine.read(r.query));
        } catch (RuntimeException e) {
          r.future.completeExceptionally(e);
        }
      }
    }
  }

  // ---- membership and leadership --------------------------------------------------------------

  /**
   * Proposes a new configuration (see {@link RaftNode#changeMembership}); the future completes with
   * the configuration in force once the change is committed and applied here (after the joint
   * configuration, if one was needed, has been left).
   *
   * @param next the configuration to reach
   * @return the configuration reached; or a failure: {@link NotLeaderException}, {@link
   *     dev.weft.raft.MembershipChangeException}, {@link IllegalArgumentException}, {@link
   *     ProposalDroppedException}, {@link TimeoutException}, {@link ServerClosedException}
   * @throws NullPointerException if {@code next} is null
   * @throws IllegalStateException if the replica failed earlier
   */
  public CompletableFuture<Membership> changeMembership(Membership next) {
    Objects.requireNonNull(next, "next");
    checkUsable();
    CompletableFuture<Membership> future = new CompletableFuture<>();
    propose(next, future, ticks + timeoutTicks);
    return future;
  }

  private void propose(Membership next, CompletableFuture<Membership> future, long deadline) {
    if (draining) {
      future.completeExceptionally(new ServerClosedException(id + " is shutting down"));
      return;
    }
    try {
      long index = node.changeMembership(next);
      changes.add(new Change(index, term(), future, deadline));
    } catch (NotLeaderException | IllegalArgumentException | IllegalStateException e) {
      future.completeExceptionally(e);
    }
  }

  /**
   * Adds {@code learner} as a learner: it receives the log but does not vote.
   *
   * @param learner the new member
   * @return the configuration reached
   */
  public CompletableFuture<Membership> addLearner(String learner) {
    return derive(m -> m.withLearner(learner));
  }

  /**
   * Removes a voter or learner; a leader that removes itself steps down once the change commits.
   *
   * @param member the member to remove
   * @return the configuration reached
   */
  public CompletableFuture<Membership> removeMember(String member) {
    return derive(m -> m.without(member));
  }

  /**
   * Promotes a learner to voter once it has caught up (holds every committed entry), waiting for
   * that up to the proposal timeout.
   *
   * @param learner a learner
   * @return the configuration reached
   */
  public CompletableFuture<Membership> promoteLearner(String learner) {
    return whenCaughtUp(learner, m -> m.promote(learner));
  }

  /**
   * Replaces the voter {@code old} by {@code next}: adds {@code next} as a learner unless it is
   * one, waits until it has caught up, then changes both voters at once (a joint configuration).
   *
   * @param old a voter
   * @param next the member to vote in its place
   * @return the configuration reached
   */
  public CompletableFuture<Membership> replaceMember(String old, String next) {
    Objects.requireNonNull(old, "old");
    Objects.requireNonNull(next, "next");
    CompletableFuture<Membership> added =
        node.membership().learners().contains(next)
            ? CompletableFuture.completedFuture(node.membership())
            : addLearner(next);
    return added.thenCompose(m -> whenCaughtUp(next, now -> now.replace(old, next)));
  }

  private CompletableFuture<Membership> derive(UnaryOperator<Membership> step) {
    Membership next;
    try {
      next = step.apply(node.membership());
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedFuture(e);
    }
    return changeMembership(next);
  }

  private CompletableFuture<Membership> whenCaughtUp(
      String learner, UnaryOperator<Membership> step) {
    Objects.requireNonNull(learner, "learner");
    checkUsable();
    CompletableFuture<Membership> future = new CompletableFuture<>();
    if (!isLeader()) {
      future.completeExceptionally(new NotLeaderException(id, node.status().leader()));
      return future;
    }
    promotions.add(new Promotion(learner, step, future, ticks + timeoutTicks));
    settleOperations();
    return future;
  }

  /**
   * Hands leadership to {@code target} (null: the most up-to-date voter), thesis §3.10; the future
   * completes with the new leader's id once this replica follows it, or fails with {@link
   * TimeoutException} if the transfer was abandoned (after an election timeout), or with {@link
   * NotLeaderException} or {@link IllegalArgumentException}.
   *
   * @param target the voter to hand over to, or null
   * @return the new leader's id
   * @throws IllegalStateException if the replica failed earlier
   */
  public CompletableFuture<String> transferLeadership(String target) {
    checkUsable();
    CompletableFuture<String> future = new CompletableFuture<>();
    try {
      String chosen = node.transferLeadership(target);
      transfers.add(new Transfer(chosen, term(), future, ticks + timeoutTicks));
    } catch (NotLeaderException | IllegalArgumentException e) {
      future.completeExceptionally(e);
    }
    return future;
  }

  /** Completes or fails what the last inputs decided: reads, changes, promotions, transfers. */
  private void settleOperations() {
    RaftStatus st = node.status();
    boolean leader = st.role() == Role.LEADER;
    // reads confirmed by this node as leader die with its leadership
    for (Iterator<Read> it = reads.values().iterator(); it.hasNext(); ) {
      Read r = it.next();
      if (r.asLeader && (!leader || st.term() != r.term)) {
        it.remove();
        r.future.completeExceptionally(new NotLeaderException(id, st.leader()));
      }
    }
    serveReads();
    Membership m = node.membership();
    boolean settled = !m.isJoint() && node.membershipIndex() <= applied;
    for (Iterator<Change> it = changes.iterator(); it.hasNext(); ) {
      Change c = it.next();
      if (c.index <= applied) {
        if (!c.ours) {
          it.remove();
          c.future.completeExceptionally(
              new ProposalDroppedException(
                  "configuration entry " + c.index + " was replaced on " + id));
        } else if (settled) {
          it.remove();
          c.future.complete(m);
        }
      }
    }
    for (Iterator<Promotion> it = promotions.iterator(); it.hasNext(); ) {
      Promotion p = it.next();
      if (!leader) {
        it.remove();
        p.future().completeExceptionally(new NotLeaderException(id, st.leader()));
      } else if (node.isCaughtUp(p.learner()) && settled && node.leadTransferee() == null) {
        it.remove();
        try {
          propose(p.step().apply(m), p.future(), p.deadline());
        } catch (IllegalArgumentException e) {
          p.future().completeExceptionally(e);
        }
      }
    }
    for (Iterator<Transfer> it = transfers.iterator(); it.hasNext(); ) {
      Transfer t = it.next();
      if (t.target().equals(st.leader()) && st.term() > t.term()) {
        it.remove();
        t.future().complete(t.target());
      } else if (leader && st.term() == t.term() && node.leadTransferee() == null) {
        it.remove();
        t.future()
            .completeExceptionally(
                new TimeoutException(
                    "the transfer of leadership to " + t.target() + " was abandoned"));
      } else if (st.leader() != null
          && !st.leader().equals(id)
          && !st.leader().equals(t.target())) {
        it.remove();
        t.future().completeExceptionally(new NotLeaderException(id, st.leader()));
      }
    }
  }

  private void expireOperations() {
    List<CompletableFuture<?>> due = new ArrayList<>();
    reads.values().removeIf(r -> expired(r.deadline, r.future, due));
    readsToServe.removeIf(r -> expired(r.deadline, r.future, due));
    changes.removeIf(c -> expired(c.deadline, c.future, due));
    promotions.removeIf(p -> expired(p.deadline(), p.future(), due));
    transfers.removeIf(t -> expired(t.deadline(), t.future(), due));
    for (CompletableFuture<?> f : due) {
      f.completeExceptionally(
          new TimeoutException("not done within " + timeoutTicks + " ticks on " + id));
    }
    settleOperations();
  }

  private boolean expired(long deadline, CompletableFuture<?> f, List<CompletableFuture<?>> due) {
    if (f.isDone()) {
      return true;
    }
    if (deadline > ticks) {
      return false;
    }
    due.add(f);
    return true;
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

  /** The command bytes applied since this replica started (for metrics and events). */
  long appliedBytes() {
    return appliedBytes;
  }

  @Override
  public String toString() {
    return "Replica[" + node.status() + ", applied=" + applied + "]";
  }
}
