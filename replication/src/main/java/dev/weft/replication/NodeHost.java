package dev.weft.replication;

import dev.weft.chan.Channel;
import dev.weft.chan.ChannelClosedException;
import dev.weft.chan.Select;
import dev.weft.time.Ticker;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The real-time driver of a {@link Node}: an event loop on its own virtual thread that feeds the
 * node the messages a {@link LocalNetwork} delivers and a tick every {@code tickInterval} (a weft
 * {@link Ticker}), multiplexed with weft's {@link Select}, and sends what the node puts in its
 * outbox after each input.
 *
 * {@snippet :
 * LocalNetwork network = new LocalNetwork();
 * NodeHost<PbServer> host = NodeHost.start(server, network, Duration.ofMillis(10));
 * View v = host.call(PbServer::view).get();    // runs on the loop, between two inputs
 * host.close();                                // detaches from the network, stops the loop
 * }
 *
 * <p><b>Threads.</b> The node is touched only by the loop's thread. {@link #call} and {@link
 * #execute} may be called from any thread; they run their action on the loop (actions before the
 * call happen-before the action runs, and the action happens-before the returned future completes).
 * Callbacks the node makes (a key-value client's result, say) run on the loop too: keep them short,
 * and never block in them on this host.
 *
 * <p><b>Failures.</b> An exception from the node or from an action stops nothing: an action's
 * exception fails its future; a node's exception is counted ({@link #failures()}) and the loop goes
 * on with the next input (the cores of this module do not throw on any input the network can
 * deliver; a failure here is a bug, which tests check for).
 *
 * @param <N> the node's type
 */
public final class NodeHost<N extends Node> implements AutoCloseable {
  private record Delivery(String from, Object message) {}

  private final N node;
  private final LocalNetwork network;
  private final Channel<Object> inbox;
  private final Ticker ticker;
  private final Thread loop;
  private final LocalNetwork.Receiver receiver;
  private volatile long failures;
  private volatile Throwable lastFailure;

  private NodeHost(N node, LocalNetwork network, Duration tickInterval, int inboxCapacity) {
    this.node = Objects.requireNonNull(node, "node");
    this.network = Objects.requireNonNull(network, "network");
    this.inbox = Channel.make(inboxCapacity);
    this.ticker = Ticker.every(tickInterval);
    this.receiver = this::deliver;
    this.loop = Thread.ofVirtual().name("node-" + node.id()).unstarted(this::run);
  }

  /**
   * Starts a host: attaches the node to the network under its id and starts the loop.
   *
   * @param node the node
   * @param network the network
   * @param tickInterval the wall-clock time of one tick
   * @param <N> the node's type
   * @return the running host
   * @throws IllegalArgumentException if {@code tickInterval} is not positive
   */
  public static <N extends Node> NodeHost<N> start(
      N node, LocalNetwork network, Duration tickInterval) {
    NodeHost<N> host = new NodeHost<>(node, network, tickInterval, 4096);
    network.attach(node.id(), host.receiver);
    host.loop.start();
    return host;
  }

  private void deliver(String from, Object message) {
    try {
      inbox.trySend(new Delivery(from, message)); // a full inbox drops, as a congested network
    } catch (ChannelClosedException e) {
      // closed: drop
    }
  }

  /**
   * Runs {@code action} on the loop, between two inputs, and sends what the node put in its outbox.
   *
   * @param action what to do with the node
   * @param <T> the result type
   * @return a future completed with the action's result, or failed with its exception, or with
   *     {@link ChannelClosedException} if the host is closed
   */
  public <T> CompletableFuture<T> call(Function<? super N, ? extends T> action) {
    Objects.requireNonNull(action, "action");
    CompletableFuture<T> future = new CompletableFuture<>();
    Runnable task =
        () -> {
          try {
            future.complete(action.apply(node));
          } catch (RuntimeException | Error e) {
            future.completeExceptionally(e);
          }
        };
    try {
      inbox.send(task);
    } catch (ChannelClosedException e) {
      future.completeExceptionally(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      future.completeExceptionally(e);
    }
    return future;
  }

  /**
   * Runs {@code action} on the loop, as {@link #call} does, without a result.
   *
   * @param action what to do with the node
   * @return a future completed once the action has run
   */
  public CompletableFuture<Void> execute(Consumer<? super N> action) {
    Objects.requireNonNull(action, "action");
    return call(
        n -> {
          action.accept(n);
          return null;
        });
  }

  private void run() {
    try {
      while (true) {
        Object input =
            Select.select(
                inbox.onReceive(m -> m), ticker.channel().onReceive(t -> (Object) Boolean.TRUE));
        handle(input);
        for (int i = 0; i < 64; i++) { // take what is already queued before sending
          var more = inbox.tryReceive();
          if (more.isEmpty()) {
            break;
          }
          handle(more.get());
        }
        for (Outbound out : node.drainOutbox()) {
          network.send(node.id(), out.to(), out.message());
        }
      }
    } catch (ChannelClosedException | InterruptedException e) {
      // closed
    }
  }

  private void handle(Object input) {
    try {
      if (input instanceof Delivery d) {
        node.receive(d.from(), d.message());
      } else if (input instanceof Runnable task) {
        task.run();
      } else {
        node.tick();
      }
    } catch (RuntimeException e) {
      lastFailure = e;
      failures++;
    }
  }

  /**
   * The node this host runs; touch it only through {@link #call} while the host runs.
   *
   * @return the node
   */
  public N node() {
    return node;
  }

  /**
   * Counts the exceptions the node threw while handling an input.
   *
   * @return the count, 0 for a correct node
   */
  public long failures() {
    return failures;
  }

  /**
   * The last exception the node threw, for diagnosis.
   *
   * @return the exception, or null
   */
  public Throwable lastFailure() {
    return lastFailure;
  }

  /**
   * Stops the host: detaches the node from the network (messages to it are dropped from now on, as
   * for a crashed server), stops the loop and waits for it to end. Idempotent.
   */
  @Override
  public void close() {
    network.detach(node.id(), receiver);
    ticker.stop();
    try {
      inbox.close();
    } catch (ChannelClosedException e) {
      // already closed
    }
    boolean interrupted = false;
    while (true) {
      try {
        loop.join();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
