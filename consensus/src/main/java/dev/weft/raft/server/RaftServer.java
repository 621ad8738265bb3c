package dev.weft.raft.server;

import dev.weft.chan.Channel;
import dev.weft.chan.ChannelClosedException;
import dev.weft.chan.Select;
import dev.weft.raft.MutableStorage;
import dev.weft.raft.RaftConfig;
import dev.weft.raft.RaftStatus;
import dev.weft.time.Ticker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

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
 * takes, without waiting, whatever else is queued (up to {@link ServerOptions#maxBatch()} inputs),
 * and only then lets the replica persist, send and apply once for the whole batch: under load many
 * proposals share one storage append, one round of AppendEntries and one commit (batching), and the
 * core keeps several AppendEntries in flight per follower (pipelining, bounded by {@link
 * RaftConfig#maxInflightMessages()}).
 *
 * <p><b>Threads.</b> {@link #submit}, {@link #status} and {@link #close} may be called from any
 * thread. Futures complete on the loop's thread: attach slow continuations with the {@code
 * ...Async} methods. The state machine and the storage are called only from the loop's thread.
 *
 * <p><b>Failures.</b> A submitted future fails with {@link dev.weft.raft.NotLeaderException}
 * (carrying the leader's id when known) on a follower that does not forward, {@link
 * java.util.concurrent.TimeoutException} when not applied within {@link
 * ServerOptions#proposalTimeout()}, {@link ProposalDroppedException} when another leader replaced
 * the entry, and {@link ServerClosedException} after {@link #close}.
 */
public final class RaftServer implements AutoCloseable {
  private record Submission(byte[] command, CompletableFuture<byte[]> future) {}

  private final Replica replica;
  private final Transport transport;
  private final ServerOptions options;
  private final Channel<Envelope> inbox;
  private final Channel<Submission> submissions;
  private final Thread loop;
  private final List<byte[]> batchCommands = new ArrayList<>();
  private final List<CompletableFuture<byte[]>> batchFutures = new ArrayList<>();
  private volatile RaftStatus status;
  private volatile Throwable loopFailure;

  private RaftServer(
      RaftConfig config,
      MutableStorage storage,
      StateMachine stateMachine,
      Transport transport,
      ServerOptions options) {
    this.options = Objects.requireNonNull(options, "options");
    this.transport = Objects.requireNonNull(transport, "transport");
    this.replica = new Replica(config, storage, stateMachine, options);
    this.status = replica.status();
    this.inbox = Channel.make(options.inboxCapacity());
    this.submissions = Channel.make(options.proposalQueueCapacity());
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
    RaftServer server = new RaftServer(config, storage, stateMachine, transport, options);
    transport.start(server::deliver);
    server.loop.start();
    return server;
  }

  private void deliver(Envelope envelope) {
    try {
      inbox.trySend(envelope); // a full inbox drops, as a congested network would
    } catch (ChannelClosedException e) {
      // shut down: drop
    }
  }

  /**
   * Submits a command to be replicated and applied.
   *
   * @param command the command; copied, so the caller may reuse the array
   * @return a future completed with the state machine's result once the command is committed and
   *     applied, or failed as the class comment lists
   * @throws NullPointerException if {@code command} is null
   */
  public CompletableFuture<byte[]> submit(byte[] command) {
    Objects.requireNonNull(command, "command");
    CompletableFuture<byte[]> future = new CompletableFuture<>();
    try {
      submissions.send(new Submission(command.clone(), future));
    } catch (ChannelClosedException e) {
      future.completeExceptionally(new ServerClosedException(replica.id() + " is closed"));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      future.completeExceptionally(e);
    }
    return future;
  }

  /**
   * The node's status as of the loop's last turn.
   *
   * @return id, term, role, leader, commit and last index
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
   * ServerClosedException}; the transport is closed. Returns when the loop has ended. Idempotent.
   *
   * @throws IllegalStateException if the loop had failed with an unexpected exception (the cause)
   */
  @Override
  public void close() {
    try {
      submissions.close();
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
        if (!draining) {
          draining =
              Select.select(
                  inbox.onReceive(this::onEnvelope),
                  submissions.onReceiveOrClosed(this::onSubmissionOrClosed),
                  ticker.channel().onReceive(t -> onTick()));
          if (draining) {
            replica.beginShutdown();
            drainDeadline = System.nanoTime() + options.drainTimeout().toNanos();
          }
        } else {
          Select.select(
              inbox.onReceive(this::onEnvelope), ticker.channel().onReceive(t -> onTick()));
        }
        for (int i = 1; i < options.maxBatch(); i++) {
          Optional<Envelope> e = inbox.tryReceive();
          Optional<Submission> s = draining ? Optional.empty() : submissions.tryReceive();
          if (e.isEmpty() && s.isEmpty()) {
            break;
          }
          e.ifPresent(this::onEnvelope);
          s.ifPresent(this::onSubmission);
        }
        if (!batchCommands.isEmpty()) {
          replica.submitAll(batchCommands, batchFutures);
          batchCommands.clear();
          batchFutures.clear();
        }
        for (Envelope out : replica.flush()) {
          transport.send(out);
        }
        status = replica.status();
        if (draining && (replica.pending() == 0 || System.nanoTime() - drainDeadline >= 0)) {
          break;
        }
      }
    } catch (InterruptedException e) {
      // close() gave up waiting for the drain
    } catch (RuntimeException | Error e) {
      loopFailure = e;
    } finally {
      ticker.stop();
      inbox.close();
      ServerClosedException closed = new ServerClosedException(replica.id() + " shut down");
      replica.failPending(closed);
      batchFutures.forEach(f -> f.completeExceptionally(closed));
      drainQueuedSubmissions();
      transport.close();
      status = replica.status();
    }
  }

  private void drainQueuedSubmissions() {
    ServerClosedException closed = new ServerClosedException(replica.id() + " shut down");
    for (Optional<Submission> s = submissions.tryReceive();
        s.isPresent();
        s = submissions.tryReceive()) {
      s.get().future().completeExceptionally(closed);
    }
  }

  private boolean onEnvelope(Envelope e) {
    replica.receive(e);
    return false;
  }

  private boolean onSubmissionOrClosed(Optional<Submission> s) {
    if (s.isEmpty()) {
      return true; // closed and drained: begin the shutdown
    }
    onSubmission(s.get());
    return false;
  }

  private void onSubmission(Submission s) {
    batchCommands.add(s.command());
    batchFutures.add(s.future());
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
