package dev.weft.replication.config;

import java.util.ArrayDeque;
import java.util.List;
import java.util.Objects;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * The client side of the configuration service, as a deterministic part of a larger core: a primary
 * or backup, a chain master, a key-value client embeds one and passes it its ticks and the messages
 * addressed to it.
 *
 * {@snippet :
 * ConfigClientCore config = new ConfigClientCore(clientId, List.of("cfg1", "cfg2", "cfg3"), 5,
 *     (to, message) -> outbox.add(new Outbound(to, message)));
 * config.follow(current -> onNewVersion(current));            // watch: every newer version
 * config.testAndSet(3, next, reply -> { if (reply.ok()) ... }); // "set it to next if still at v3"
 * // in the embedding core's tick() and receive():
 * config.tick();
 * if (config.receive(from, message)) return;                  // it was for the config client
 * }
 *
 * <p><b>Requests</b> ({@link #get}, {@link #testAndSet}) go one at a time, in the order made, each
 * numbered by this client; a request that gets no answer within {@code retryTicks} is sent again,
 * with the same number, to the next member (or at once to the leader a member names). The register
 * executes a request once however often it arrives, and answers every copy with the first
 * execution's result, so a test-and-set that won and whose answer was lost reports {@code ok} when
 * retried. Requests are retried until answered: the service is available whenever a majority of its
 * members are up and connected.
 *
 * <p><b>Following</b> ({@link #follow}): the client keeps a {@link ConfigMessage.Watch} registered
 * at one member, moving to the next every {@code 4 * retryTicks} ticks (the member may be down or
 * lagging), and calls the listener with every version newer than the last it reported, in
 * increasing order (versions in between may be skipped).
 *
 * <p><b>Client ids.</b> The id must never be used by another client, nor by this client after a
 * restart (its request numbers start again at 1, and the register would take new requests for
 * retries of old ones): draw it at random, or from a durable counter.
 *
 * <p>Not thread-safe: it belongs to the embedding core and runs on its calls.
 */
public final class ConfigClientCore {
  private record Call(ConfigMessage.Request request, Consumer<ConfigMessage.Reply> then) {}

  private final long client;
  private final List<String> members;
  private final int retryTicks;
  private final BiConsumer<String, Object> send;
  private final ArrayDeque<Call> queue = new ArrayDeque<>();
  private long seq;
  private Call current;
  private int target;
  private int waited;
  private Consumer<Versioned> follower;
  private long known = -1;
  private int watchTarget;
  private int watchWaited;

  /**
   * Creates a client.
   *
   * @param client this client's id, unique and never reused (see the class comment)
   * @param members the ids of the service's members
   * @param retryTicks ticks to wait for an answer before asking another member, at least 1
   * @param send how the embedding core sends a message: to whom, what
   * @throws IllegalArgumentException if {@code members} is empty or {@code retryTicks} below 1
   */
  public ConfigClientCore(
      long client, List<String> members, int retryTicks, BiConsumer<String, Object> send) {
    this.members = List.copyOf(members);
    if (this.members.isEmpty()) {
      throw new IllegalArgumentException("no members");
    }
    if (retryTicks < 1) {
      throw new IllegalArgumentException("retryTicks must be at least 1: " + retryTicks);
    }
    this.client = client;
    this.retryTicks = retryTicks;
    this.send = Objects.requireNonNull(send, "send");
    this.target = Math.floorMod(Long.hashCode(client), this.members.size());
    this.watchTarget = target;
  }

  /**
   * Reads the register, linearizably (the read goes through the log).
   *
   * @param then called with the register's contents once answered
   */
  public void get(Consumer<Versioned> then) {
    Objects.requireNonNull(then, "then");
    enqueue(false, 0, new byte[0], reply -> then.accept(reply.current()));
  }

  /**
   * Sets the register to {@code next} if it is at version {@code expected}.
   *
   * @param expected the version the register must be at
   * @param next the new value
   * @param then called once answered: {@code ok} says whether it set; {@code current} is the
   *     register after the request
   */
  public void testAndSet(long expected, byte[] next, Consumer<ConfigMessage.Reply> then) {
    Objects.requireNonNull(next, "next");
    Objects.requireNonNull(then, "then");
    enqueue(true, expected, next, then);
  }

  private void enqueue(
      boolean tas, long expected, byte[] next, Consumer<ConfigMessage.Reply> then) {
    queue.add(new Call(new ConfigMessage.Request(client, ++seq, tas, expected, next), then));
    if (current == null) {
      sendNext();
    }
  }

  private void sendNext() {
    current = queue.poll();
    if (current != null) {
      waited = 0;
      send.accept(members.get(target), current.request());
    }
  }

  /**
   * Follows the register: calls {@code listener} with each version newer than any reported before
   * (starting from version 0, so the first call reports the register as soon as any member answers,
   * if it has been set). Replaces an earlier listener.
   *
   * @param listener told of newer versions, in increasing order
   */
  public void follow(Consumer<Versioned> listener) {
    this.follower = Objects.requireNonNull(listener, "listener");
    sendWatch();
  }

  private void sendWatch() {
    watchWaited = 0;
    send.accept(members.get(watchTarget), new ConfigMessage.Watch(Math.max(0, known)));
  }

  /** One tick: retries a request that waited too long, and moves the watch now and then. */
  public void tick() {
    if (current != null && ++waited >= retryTicks) {
      target = (target + 1) % members.size();
      waited = 0;
      send.accept(members.get(target), current.request());
    }
    if (follower != null && ++watchWaited >= 4 * retryTicks) {
      watchTarget = (watchTarget + 1) % members.size();
      sendWatch();
    }
  }

  /**
   * Offers a message to this client.
   *
   * @param from the sender
   * @param message the message
   * @return true if it was a configuration service answer (for this client or a stale one), which
   *     the embedding core should not look at further
   */
  public boolean receive(String from, Object message) {
    if (!(message instanceof ConfigMessage m)) {
      return false;
    }
    switch (m) {
      case ConfigMessage.Reply r -> {
        if (current != null && r.client() == client && r.seq() == current.request().seq()) {
          target = Math.max(0, members.indexOf(from));
          Call done = current;
          sendNext();
          done.then().accept(r);
          noteVersion(r.current());
        }
      }
      case ConfigMessage.NotLeader n -> {
        if (current != null && n.client() == client && n.seq() == current.request().seq()) {
          int leader = n.leader() == null ? -1 : members.indexOf(n.leader());
          if (leader >= 0 && leader != target) {
            target = leader;
            waited = 0;
            send.accept(members.get(target), current.request());
          } else {
            waited = Math.max(waited, retryTicks - 2); // no leader yet: try elsewhere soon
          }
        }
      }
      case ConfigMessage.Changed c -> {
        noteVersion(c.current());
        if (follower != null && members.contains(from)) {
          watchTarget = members.indexOf(from);
          sendWatch();
        }
      }
      case ConfigMessage.Request r -> {}
      case ConfigMessage.Watch w -> {}
    }
    return true;
  }

  private void noteVersion(Versioned v) {
    if (follower != null && v.version() > known) {
      known = v.version();
      follower.accept(v);
    }
  }

  /**
   * Tells whether a request is waiting for its answer.
   *
   * @return true while a get or test-and-set is outstanding or queued
   */
  public boolean busy() {
    return current != null;
  }

  /**
   * This client's id.
   *
   * @return the id given at construction
   */
  public long clientId() {
    return client;
  }
}
