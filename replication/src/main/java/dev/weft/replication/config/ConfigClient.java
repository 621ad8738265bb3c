package dev.weft.replication.config;

import dev.weft.replication.LocalNetwork;
import dev.weft.replication.Node;
import dev.weft.replication.NodeHost;
import dev.weft.replication.Outbound;
import dev.weft.replication.Outbox;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A blocking client of the {@linkplain ConfigService configuration service}: a {@link
 * ConfigClientCore} run by a {@link NodeHost}.
 *
 * {@snippet :
 * Versioned now = client.get(Duration.ofSeconds(5));
 * ConfigMessage.Reply r = client.testAndSet(now.version(), next, Duration.ofSeconds(5));
 * Versioned later = client.awaitChange(r.current().version(), Duration.ofSeconds(30)); // watch
 * }
 *
 * <p>A request that times out may still take effect (once): read the register to find out. Safe for
 * use by several threads (requests queue in order).
 */
public final class ConfigClient implements AutoCloseable {
  /** The client core as a node, with a latest-version latch for {@link #awaitChange}. */
  private static final class ClientNode implements Node {
    private final String id;
    private final ConfigClientCore core;
    private final Outbox outbox = new Outbox();
    private Versioned latest = Versioned.INITIAL;
    private final List<Runnable> waiting = new ArrayList<>();

    ClientNode(String id, long client, List<String> members, int retryTicks) {
      this.id = id;
      this.core = new ConfigClientCore(client, members, retryTicks, outbox::send);
      core.follow(
          v -> {
            latest = v;
            List<Runnable> w = new ArrayList<>(waiting);
            waiting.clear();
            w.forEach(Runnable::run);
          });
    }

    @Override
    public String id() {
      return id;
    }

    @Override
    public void tick() {
      core.tick();
    }

    @Override
    public void receive(String from, Object message) {
      core.receive(from, message);
    }

    @Override
    public List<Outbound> drainOutbox() {
      return outbox.drain();
    }
  }

  private final NodeHost<ClientNode> host;

  private ConfigClient(NodeHost<ClientNode> host) {
    this.host = host;
  }

  /**
   * Starts a client.
   *
   * @param name its name on the network
   * @param clientId its client id, unique and never reused
   * @param members the service's members
   * @param network the network
   * @param tick the wall-clock time of one tick (a request is retried elsewhere after 5)
   * @return the client
   */
  public static ConfigClient connect(
      String name, long clientId, List<String> members, LocalNetwork network, Duration tick) {
    return new ConfigClient(
        NodeHost.start(new ClientNode(name, clientId, members, 5), network, tick));
  }

  /**
   * Reads the register, linearizably.
   *
   * @param timeout how long to wait
   * @return its contents
   * @throws TimeoutException if no member answered in time
   * @throws InterruptedException if interrupted
   */
  public Versioned get(Duration timeout) throws TimeoutException, InterruptedException {
    CompletableFuture<Versioned> f = new CompletableFuture<>();
    host.execute(n -> n.core.get(f::complete));
    return await(f, timeout);
  }

  /**
   * Sets the register to {@code next} if it is at version {@code expected}.
   *
   * @param expected the version it must be at
   * @param next the new value
   * @param timeout how long to wait
   * @return whether it set, and the register after the request
   * @throws TimeoutException if no member answered in time (it may still set, once)
   * @throws InterruptedException if interrupted
   */
  public ConfigMessage.Reply testAndSet(long expected, byte[] next, Duration timeout)
      throws TimeoutException, InterruptedException {
    byte[] copy = next.clone();
    CompletableFuture<ConfigMessage.Reply> f = new CompletableFuture<>();
    host.execute(n -> n.core.testAndSet(expected, copy, f::complete));
    return await(f, timeout);
  }

  /**
   * Waits until the register passes version {@code after} (a watch).
   *
   * @param after the version the caller has
   * @param timeout how long to wait
   * @return the register's contents at a version above {@code after}
   * @throws TimeoutException if it did not pass {@code after} in time
   * @throws InterruptedException if interrupted
   */
  public Versioned awaitChange(long after, Duration timeout)
      throws TimeoutException, InterruptedException {
    CompletableFuture<Versioned> f = new CompletableFuture<>();
    host.execute(
        n -> {
          Runnable check =
              new Runnable() {
                @Override
                public void run() {
                  if (n.latest.version() > after) {
                    f.complete(n.latest);
                  } else {
                    n.waiting.add(this);
                  }
                }
              };
          check.run();
        });
    return await(f, timeout);
  }

  private static <T> T await(CompletableFuture<T> f, Duration timeout)
      throws TimeoutException, InterruptedException {
    try {
      return f.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    }
  }

  /** Stops the client. */
  @Override
  public void close() {
    host.close();
  }
}
