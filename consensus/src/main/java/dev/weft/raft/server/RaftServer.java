package dev.weft.raft.server;

import dev.weft.chan.ChannelClosedException;
import dev.weft.chan.Select;
import dev.weft.raft.Membership;
import dev.weft.raft.MutableStorage;
import dev.weft.raft.RaftConfig;
import dev.weft.raft.RaftStatus;
import dev.weft.raft.internal.jfr.RaftCommitBatchEvent;
import dev.weft.time.Ticker;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * A Raft server: one {@link Replica} run by an event loop on its own virtual thread, fed by weft
 * channels (envelopes from the {@link Transport}, proposals from {@link #submit}) and a weft {@link
 * Ticker}, multiplexed with {@link Select}.
 *
 * {@snippet :
 * InProcessNetwork network = new InProcessNetwork();
 * RaftServer server = RaftServer.start(
 *     new RaftConfig("a", List.of("a", "b", "c"), 10, 1, 42),
 *     new MemoryStorage(), myStateMachine, network.endpoint("a"), ServerOptions.defaults());
 * byte[] result = server.submit(command).get(); // on the leader; elsewhere NotLeaderException
 * server.close();                               // drains proposals in flight
 * }
 *
 * <p><b>The loop.</b> Each turn waits for the first of: an envelope, a proposal, a tick. It then
 * takes, without waiting, whatever else is queued, up to {@link ServerOptions#maxBatch()} inputs in
 * all, and only then lets the replica persist, send and apply once for the whole batch: under load
 * many proposals share one storage append, one round of AppendEntries and one commit (batching),
 * and the core keeps several AppendEntries in flight per follower (pipelining, bounded by {@link
 * RaftConfig#maxInflightMessages()}).
 *
 * <p><b>Threads.</b> {@link #submit}, {@link #status} and {@link #close} may be called from any
 * thread. Futures complete on the loop's thread: attach slow continuations with the {@code
 * ...Async} methods. A continuation that runs on the loop's thread may call {@link #submit}: the
 * command is queued for the loop's next turn, never blocking. The state machine and the storage are
 * called only from the loop's thread.
 *
 * <p><b>Failures.</b> A submitted future fails with {@link dev.weft.raft.NotLeaderException}
 * (carrying the leader's id when known) on a follower that does not forward, {@link
 * java.util.concurrent.TimeoutException} when not applied within {@link
 * ServerOptions#proposalTimeout()}, {@link ProposalDroppedException} when another leader replaced
 * the entry, the state machine's own exception when it refused the command (on the server it was
 * submitted to, forwarded or not), and {@link ServerClosedException} after {@link #close}. An
 * exception from the core or the storage (an I/O error) stops the loop: it is logged at ERROR
 * through the config's logger at once, every pending and later future fails promptly with {@link
 * ServerClosedException} (whose cause it is), and {@link #close} rethrows it. Restart the server
 * from its storage.
 */
public final class RaftServer implements AutoCloseable {
  private final Replica replica;
  private final Transport transport;
  private final ServerOptions options;
  private final System.Logger logger;
  private final Intake intake;
  private final Thread loop;
  private final LoopObserver observer;
  private volatile RaftStatus status;
  private volatile RuntimeException loopFailure;
  private volatile boolean stopped;
  private final ConcurrentLinkedQueue<CompletableFuture<Long>> snapshotRequests =
      new ConcurrentLinkedQueue<>();

  /**
   * Completions of the futures that {@link #onLoop} returns, decided during a turn and run once the
   * turn has published its status, so that a caller that sees one complete also sees the status it
   * led to. The loop's thread alone touches it.
   */
  private final ArrayDeque<Runnable> afterPublish = new ArrayDeque<>();

  /** Set when the loop ends: {@link #afterPublish} is no longer drained. Loop's thread only. */
  private boolean shuttingDown;

  /** Tests only: runs on the loop's thread just before a turn publishes its status. */
  volatile BiConsumer<RaftStatus, RaftStatus> beforePublish;

  private RaftServer(
      RaftConfig config,
      MutableStorage storage,
      StateMachine stateMachine,
      Transport transport,
      ServerOptions options,
      RaftMetrics metrics) {
    this.options = Objects.requireNonNull(options, "options");
    this.transport = Objects.requireNonNull(transport, "transport");
    this.logger = config.logger();
    // a random incarnation: forwards of a restarted server are never taken for its predecessor's
    this.replica =
        new Replica(config, storage, stateMachine, options, ThreadLocalRandom.current().nextLong());
    this.status = replica.status();
    this.observer = new LoopObserver(status, replica.applied(), metrics, () -> this.status);
    this.intake =
        new Intake(options.inboxCapacity(), options.proposalQueueCapacity(), options.maxBatch());
    this.loop = Thread.ofVirtual().name("raft-" + config.id()).unstarted(this::run);
  }

  /**
   * Starts a server: a new node, or one recovering from what {@code storage} holds (it then applies
   * its committed entries to {@code stateMachine} again, from the start of the log).
   *
   * @param config the node's configuration
   * @param storage its durable log and hard state
   * @param stateMachine what committed commands are applied to
   * @param transport its connection to the other servers; started here, closed by {@link #close}
   * @param options tick interval, timeouts, forwarding and queue sizes
   * @return the running server
   * @throws NullPointerException if an argument is null
   */
  public static RaftServer start(
      RaftConfig config,
      MutableStorage storage,
      StateMachine stateMachine,
      Transport transport,
      ServerOptions options) {
    return start(config, storage, stateMachine, transport, options, RaftMetrics.none());
  }

  /**
   * Starts a server that reports counters and gauges to {@code metrics} (see {@link RaftMetrics}
   * for their names); otherwise as {@link #start(RaftConfig, MutableStorage, StateMachine,
   * Transport, ServerOptions)}.
   *
   * @param config the node's configuration
   * @param storage its durable log and hard state
   * @param stateMachine what committed commands are applied to
   * @param transport its connection to the other servers; started here, closed by {@link #close}
   * @param options tick interval, timeouts, forwarding and queue sizes
   * @param metrics where to register the server's meters
   * @return the running server
   * @throws NullPointerException if an argument is null
   */
  public static RaftServer start(
      RaftConfig config,
      MutableStorage storage,
      StateMachine stateMachine,
      Transport transport,
      ServerOptions options,
      RaftMetrics metrics) {
    RaftServer server = new RaftServer(config, storage, stateMachine, transport, options, metrics);
    transport.start(server::deliver);
    server.loop.start();
    return server;
  }

  private void deliver(Envelope envelope) {
    try {
      intake.inbox.trySend(envelope); // a full inbox drops, as a congested network would
    } catch (ChannelClosedException e) {
      // shut down: drop
    }
  }

  /**
   * Submits a command to be replicated and applied. Waits only while the proposal queue is full
   * (back-pressure) and the server runs; never on the loop's own thread.
   *
   * @param command the command; copied, so the caller may reuse the array
   * @return a future completed with the state machine's result once the command is committed and
   *     applied, or failed as the class comment lists
   * @throws NullPointerException if {@code command} is null
   */
  public CompletableFuture<byte[]> submit(byte[] command) {
    Objects.requireNonNull(command, "command");
    CompletableFuture<byte[]> future = new CompletableFuture<>();
    Intake.Submission s = new Intake.Submission(command.clone(), future);
    if (loopFailure != null) {
      future.completeExceptionally(closed());
    } else if (Thread.currentThread() == loop) {
      intake.addLocal(s); // a continuation on the loop's thread: blocking here would deadlock
    } else {
      try {
        intake.submissions.send(s);
      } catch (ChannelClosedException e) {
        future.completeExceptionally(closed());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        future.completeExceptionally(e);
      }
    }
    return future;
  }

  private ServerClosedException closed() {
    RuntimeException failure = loopFailure;
    return failure == null
        ? new ServerClosedException(replica.id() + " is closed")
        : new ServerClosedException(replica.id() + " stopped: its event loop failed", failure);
  }

  /**
   * Takes a snapshot of the state machine on the loop's next turn (within a tick interval), stores
   * it and compacts the log behind it, whatever the {@link SnapshotPolicy} says.
   *
   * @return a future completed with the index the snapshot covers (the previous snapshot's, if
   *     nothing was applied since), or failed with the storage's exception or, after {@link
   *     #close}, with {@link ServerClosedException}
   */
  public CompletableFuture<Long> snapshot() {
    CompletableFuture<Long> f = new CompletableFuture<>();
    snapshotRequests.add(f);
    if (stopped) {
      failSnapshotRequests();
    }
    return f;
  }

  private void failSnapshotRequests() {
    for (CompletableFuture<Long> f; (f = snapshotRequests.poll()) != null; ) {
      f.completeExceptionally(closed());
    }
  }

  private void takeRequestedSnapshots() {
    for (CompletableFuture<Long> f; (f = snapshotRequests.poll()) != null; ) {
      try {
        f.complete(replica.snapshot());
      } catch (RuntimeException e) {
        f.completeExceptionally(e);
        throw e;
      }
    }
  }

  /**
   * Reads linearizably without a log entry, by ReadIndex ({@link ReadMode#READ_INDEX}): see {@link
   * #read(byte[], ReadMode)}.
   *
   * @param query the query for {@link StateMachine#read}
   * @return the state machine's answer
   * @throws NullPointerException if {@code query} is null
   */
  public CompletableFuture<byte[]> read(byte[] query) {
    return read(query, ReadMode.READ_INDEX);
  }

  /**
   * Reads linearizably without a log entry (thesis §6.4): on the leader by ReadIndex or, in {@link
   * ReadMode#LEASE} while it holds a lease, at once; on a follower, at the read index the leader
   * gives, once applied here. The answer is {@link StateMachine#read} of the state at an index at
   * least that of every write completed before this call.
   *
   * @param query the query for {@link StateMachine#read}; copied
   * @param mode how the read is confirmed
   * @return the answer; or a failure: {@link dev.weft.raft.NotLeaderException} (no leader known, or
   *     leadership lost before the read was confirmed), {@link
   *     java.util.concurrent.TimeoutException}, {@link ServerClosedException}, or the state
   *     machine's exception
   * @throws NullPointerException if an argument is null
   */
  public CompletableFuture<byte[]> read(byte[] query, ReadMode mode) {
    Objects.requireNonNull(query, "query");
    Objects.requireNonNull(mode, "mode");
    byte[] copy = query.clone();
    return onLoop(r -> r.read(copy, mode));
  }

  /**
   * Adds a learner (a member that receives the log but does not vote), on the leader. Start the new
   * server with {@link dev.weft.raft.RaftConfig#joining}.
   *
   * @param id the new member
   * @return the configuration in force once the change is committed and applied here; or a failure:
   *     {@link dev.weft.raft.NotLeaderException}, {@link dev.weft.raft.MembershipChangeException}
   *     (another change in progress, say), {@link IllegalArgumentException}, {@link
   *     java.util.concurrent.TimeoutException}, {@link ServerClosedException}
   * @throws NullPointerException if {@code id} is null
   */
  public CompletableFuture<Membership> addLearner(String id) {
    Objects.requireNonNull(id, "id");
    return onLoop(r -> r.addLearner(id));
  }

  /**
   * Promotes a learner to voter, on the leader, once it has caught up (waiting for that up to the
   * proposal timeout).
   *
   * @param id a learner
   * @return the configuration reached, as {@link #addLearner}
   * @throws NullPointerException if {@code id} is null
   */
  public CompletableFuture<Membership> promoteLearner(String id) {
    Objects.requireNonNull(id, "id");
    return onLoop(r -> r.promoteLearner(id));
  }

  /**
   * Removes a voter or learner, on the leader; a leader that removes itself steps down once the
   * change commits (and hands leadership to an up-to-date voter).
   *
   * @param id the member to remove
   * @return the configuration reached, as {@link #addLearner}
   * @throws NullPointerException if {@code id} is null
   */
  public CompletableFuture<Membership> removeMember(String id) {
    Objects.requireNonNull(id, "id");
    return onLoop(r -> r.removeMember(id));
  }

  /**
   * Replaces the voter {@code old} by {@code next}, on the leader: {@code next} is added as a
   * learner (unless it is one), caught up, then both voters change at once, through a joint
   * configuration.
   *
   * @param old a voter
   * @param next the server to vote in its place
   * @return the configuration reached, as {@link #addLearner}
   * @throws NullPointerException if an argument is null
   */
  public CompletableFuture<Membership> replaceMember(String old, String next) {
    Objects.requireNonNull(old, "old");
    Objects.requireNonNull(next, "next");
    return onLoop(r -> r.replaceMember(old, next));
  }

  /**
   * Proposes any new configuration, on the leader (see {@link
   * dev.weft.raft.RaftNode#changeMembership}).
   *
   * @param next the configuration to reach
   * @return the configuration reached, as {@link #addLearner}
   * @throws NullPointerException if {@code next} is null
   */
  public CompletableFuture<Membership> changeMembership(Membership next) {
    Objects.requireNonNull(next, "next");
    return onLoop(r -> r.changeMembership(next));
  }

  /**
   * Hands leadership to {@code target}, or with null to the most up-to-date voter (thesis §3.10):
   * this leader stops taking proposals (they fail with {@link
   * dev.weft.raft.TransferInProgressException}), brings the target up to date and tells it to
   * campaign at once. A transfer not done within an election timeout is abandoned.
   *
   * @param target a voter, or null
   * @return the new leader's id; or a failure: {@link dev.weft.raft.NotLeaderException}, {@link
   *     IllegalArgumentException}, {@link java.util.concurrent.TimeoutException} (abandoned),
   *     {@link ServerClosedException}
   */
  public CompletableFuture<String> transferLeadership(String target) {
    return onLoop(r -> r.transferLeadership(target));
  }

  /** Runs {@code op} on the loop's thread and relays the future it returns. */
  private <T> CompletableFuture<T> onLoop(Function<Replica, CompletableFuture<T>> op) {
    CompletableFuture<T> result = new CompletableFuture<>();
    Runnable action =
        () -> {
          try {
            op.apply(replica)
                .whenComplete(
                    (v, e) -> {
                      Runnable done =
                          () -> {
                            if (e != null) {
                              result.completeExceptionally(e);
                            } else {
                              result.complete(v);
                            }
                          };
                      if (Thread.currentThread() == loop && !shuttingDown) {
                        afterPublish.add(done); // once this turn's status is out
                      } else {
                        done.run();
                      }
                    });
          } catch (RuntimeException e) {
            result.completeExceptionally(e);
          }
        };
    if (loopFailure != null) {
      result.completeExceptionally(closed());
    } else if (Thread.currentThread() == loop) {
      action.run();
    } else {
      try {
        intake.control.send(new Intake.Control(action, result));
      } catch (ChannelClosedException e) {
        result.completeExceptionally(closed());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        result.completeExceptionally(e);
      }
    }
    return result;
  }

  /**
   * The node's status as of the loop's last turn. The futures of reads, membership changes and
   * leadership transfers complete after the turn that decided them has published its status, so a
   * caller that has seen {@code removeMember} of this leader complete finds it a follower here; a
   * {@link #submit} future may complete before the status of its turn is published.
   *
   * @return id, term, role, leader, commit and last index, and the configuration (voters, learners,
   *     joint or not)
   */
  public RaftStatus status() {
    return status;
  }

  /**
   * This server's node id.
   *
   * @return the id from its configuration
   */
  public String id() {
    return replica.id();
  }

  /**
   * Shuts down gracefully: no new proposals are accepted; those already submitted are proposed and
   * waited for, up to {@link ServerOptions#drainTimeout()}; what is left then fails with {@link
   * ServerClosedException} (followers that forwarded a proposal here are told so); the transport is
   * closed. Returns when the loop has ended. Idempotent.
   *
   * @throws IllegalStateException if the loop had failed with an unexpected exception (the cause)
   */
  @Override
  public void close() {
    try {
      intake.submissions.close();
    } catch (ChannelClosedException e) {
      // already closing
    }
    boolean interrupted = false;
    long waitMillis = options.drainTimeout().plusSeconds(5).toMillis();
    while (true) {
      try {
        if (!loop.join(Duration.ofMillis(waitMillis))) {
          loop.interrupt();
          loop.join();
        }
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    if (loopFailure != null) {
      throw new IllegalStateException("the event loop of " + id() + " failed", loopFailure);
    }
  }

  private void run() {
    Ticker ticker = Ticker.every(options.tickInterval());
    boolean draining = false;
    long drainDeadline = 0;
    try {
      while (true) {
        int taken = 0;
        if (!intake.hasLocal()) {
          taken = 1;
          if (!draining) {
            draining =
                Select.select(
                    intake.inbox.onReceive(this::onEnvelope),
                    intake.control.onReceive(this::onControl),
                    intake.submissions.onReceiveOrClosed(this::onSubmissionOrClosed),
                    ticker.channel().onReceive(t -> onTick()));
            if (draining) {
              replica.drain();
              drainDeadline = System.nanoTime() + options.drainTimeout().toNanos();
            }
          } else {
            Select.select(
                intake.inbox.onReceive(this::onEnvelope),
                intake.control.onReceive(this::onControl),
                ticker.channel().onReceive(t -> onTick()));
          }
        }
        intake.fill(taken, draining, replica::receive);
        takeRequestedSnapshots();
        if (!intake.commands.isEmpty()) {
          replica.submitAll(intake.commands, intake.futures);
          intake.clearBatch();
        }
        RaftCommitBatchEvent batch = observer.beforeFlush();
        for (Envelope out : replica.flush()) {
          transport.send(out);
        }
        publishStatus();
        observer.afterTurn(batch, status, replica.applied(), replica.appliedBytes());
        runAfterPublish();
        if (draining && (replica.pending() == 0 || System.nanoTime() - drainDeadline >= 0)) {
          break;
        }
      }
    } catch (InterruptedException e) {
      // close() gave up waiting for the drain
    } catch (RuntimeException e) {
      loopFailure = e;
      logger.log(Level.ERROR, "raft server " + id() + ": the event loop failed; stopping", e);
    } catch (Error e) {
      loopFailure = new IllegalStateException(e);
      logger.log(Level.ERROR, "raft server " + id() + ": the event loop failed; stopping", e);
      throw e;
    } finally {
      if (!afterPublish.isEmpty()) { // a failure cut the last turn short before it published
        try {
          publishStatus();
        } catch (RuntimeException ignored) {
          // the replica may be what failed; its callers learn the outcome all the same
        }
        runAfterPublish();
      }
      shuttingDown = true; // what the shutdown fails completes at once, as it did before
      ticker.stop();
      ServerClosedException closed =
          loopFailure == null ? new ServerClosedException(id() + " shut down") : closed();
      intake.close(closed);
      List<Envelope> last = replica.shutdown(closed);
      intake.close(closed); // what continuations submitted during the shutdown
      for (Envelope e : last) {
        try {
          transport.send(e); // tells followers that forwarded here of the shutdown
        } catch (RuntimeException ignored) {
          // the transport may be what failed
        }
      }
      transport.close();
      publishStatus();
      stopped = true;
      failSnapshotRequests();
    }
  }

  private void publishStatus() {
    RaftStatus next = replica.status();
    BiConsumer<RaftStatus, RaftStatus> hook = beforePublish;
    if (hook != null) {
      hook.accept(status, next);
    }
    status = next;
  }

  private void runAfterPublish() {
    for (Runnable r; (r = afterPublish.poll()) != null; ) {
      r.run();
    }
  }

  private boolean onEnvelope(Envelope e) {
    replica.receive(e);
    return false;
  }

  private boolean onControl(Intake.Control c) {
    c.action().run();
    return false;
  }

  private boolean onSubmissionOrClosed(Optional<Intake.Submission> s) {
    if (s.isEmpty()) {
      return true; // closed and drained: begin the shutdown
    }
    intake.add(s.get());
    return false;
  }

  private boolean onTick() {
    replica.tick();
    return false;
  }

  @Override
  public String toString() {
    return "RaftServer[" + status + "]";
  }
}
