package dev.weft.replication.kv;

import dev.weft.replication.LocalNetwork;
import dev.weft.replication.NodeHost;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A {@link KeyValueClient} for a primary-backup or chain service on a {@link LocalNetwork}: a
 * {@link KvClientNode} run by a {@link NodeHost}, and a blocking call per operation.
 *
 * {@snippet :
 * try (BlockingKvClient kv = BlockingKvClient.connect("client-1", 42, configMembers,
 *     KvClientNode.Routing.CHAIN_TAIL, network, Duration.ofMillis(5), Duration.ofSeconds(5))) {
 *   kv.put("x", "1");
 *   String x = kv.get("x");
 * }
 * }
 *
 * <p>An operation that gets no answer within the deadline throws {@link TimeoutException}; the
 * client stops retrying it (it may still take effect, once) and goes on with the next. Not
 * thread-safe: one operation at a time.
 */
public final class BlockingKvClient implements KeyValueClient, AutoCloseable {
  private final NodeHost<KvClientNode> host;
  private final Duration deadline;

  private BlockingKvClient(NodeHost<KvClientNode> host, Duration deadline) {
    this.host = host;
    this.deadline = deadline;
  }

  /**
   * Starts a client on the network.
   *
   * @param name its name on the network
   * @param clientId its client id, unique and never reused
   * @param configMembers the configuration service's members
   * @param routing the scheme's routing
   * @param network the network
   * @param tick the wall-clock time of one tick (requests are retried after 20 ticks)
   * @param deadline how long one operation may take in all
   * @return the client
   */
  public static BlockingKvClient connect(
      String name,
      long clientId,
      List<String> configMembers,
      KvClientNode.Routing routing,
      LocalNetwork network,
      Duration tick,
      Duration deadline) {
    KvClientNode node = new KvClientNode(name, clientId, configMembers, routing, 20);
    return new BlockingKvClient(
        NodeHost.start(node, network, tick), Objects.requireNonNull(deadline, "deadline"));
  }

  /**
   * Runs one operation to completion.
   *
   * @param op the operation
   * @return its result
   * @throws TimeoutException if not answered within the deadline
   * @throws InterruptedException if interrupted
   */
  public KvResult execute(KvOp op) throws TimeoutException, InterruptedException {
    CompletableFuture<KvResult> result = new CompletableFuture<>();
    host.execute(n -> n.submit(op, result::complete));
    try {
      return result.get(deadline.toNanos(), TimeUnit.NANOSECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException("the client's loop failed", e.getCause());
    } catch (TimeoutException | InterruptedException e) {
      host.execute(KvClientNode::cancel);
      throw e;
    }
  }

  @Override
  public String get(String key) throws TimeoutException, InterruptedException {
    return execute(KvOp.get(key)).value();
  }

  @Override
  public void put(String key, String value) throws TimeoutException, InterruptedException {
    execute(KvOp.put(key, value));
  }

  @Override
  public void append(String key, String value) throws TimeoutException, InterruptedException {
    execute(KvOp.append(key, value));
  }

  @Override
  public boolean delete(String key) throws TimeoutException, InterruptedException {
    return execute(KvOp.delete(key)).ok();
  }

  @Override
  public boolean compareAndSet(String key, String expected, String value)
      throws TimeoutException, InterruptedException {
    return execute(KvOp.cas(key, expected, value)).ok();
  }

  /** Stops the client's loop and detaches it from the network. */
  @Override
  public void close() {
    host.close();
  }
}
