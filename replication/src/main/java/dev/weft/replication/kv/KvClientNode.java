package dev.weft.replication.kv;

import dev.weft.replication.Node;
import dev.weft.replication.Outbound;
import dev.weft.replication.Outbox;
import dev.weft.replication.View;
import dev.weft.replication.config.ConfigClientCore;
import dev.weft.replication.config.Versioned;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A key-value client's core, for primary-backup and chain replication alike: it follows the view in
 * the configuration service, sends each request to the server the scheme's {@link Routing} names,
 * and retries with the same request number until answered, so that the servers' deduplication makes
 * each request take effect once.
 *
 * {@snippet :
 * KvClientNode client = new KvClientNode("c1", clientId, configMembers, Routing.CHAIN_TAIL, 20);
 * client.submit(KvOp.put("x", "1"), result -> System.out.println("put: " + result));
 * // a driver calls client.tick(), client.receive(from, message), client.drainOutbox()
 * }
 *
 * <p>Requests go one at a time, in the order submitted. A request is sent again after {@code
 * retryTicks} without an answer, or at once after a refusal, each time to the server that the
 * newest view names (a refusal also makes the client read the view again). {@link #cancel()} gives
 * up on the current request: it may still take effect, once.
 *
 * <p>Not thread-safe; see {@link Node} for who calls it.
 */
public final class KvClientNode implements Node {
  /** Which server of a view a request goes to. */
  public enum Routing {
    /** Primary-backup: everything to the primary. */
    PRIMARY,
    /** Chain replication: updates to the head, gets to the tail. */
    CHAIN_TAIL,
    /** Chain replication with CRAQ: updates to the head, gets to any member, in turn. */
    CHAIN_CRAQ;

    /**
     * The server a request goes to.
     *
     * @param view the current view
     * @param op the operation
     * @param turn a number that changes with each attempt (CRAQ spreads reads with it)
     * @return a member of the view
     */
    public String target(View view, KvOp op, long turn) {
      return switch (this) {
        case PRIMARY -> view.first();
        case CHAIN_TAIL -> op.isRead() ? view.last() : view.first();
        case CHAIN_CRAQ ->
            op.isRead()
                ? view.members().get((int) Math.floorMod(turn, (long) view.members().size()))
                : view.first();
      };
    }
  }

  private record Call(KvRequest request, Consumer<KvResult> then) {}

  private final String id;
  private final long client;
  private final Routing routing;
  private final int retryTicks;
  private final ConfigClientCore config;
  private final ArrayDeque<Call> queue = new ArrayDeque<>();
  private final Outbox outbox = new Outbox();
  private View view;
  private long seq;
  private Call current;
  private int waited;
  private long attempts;
  private boolean lookingUp;

  /**
   * Creates a client.
   *
   * @param id this client's name on the network
   * @param client its client id, unique among clients and never reused (also its id at the
   *     configuration service)
   * @param configMembers the members of the configuration service
   * @param routing the scheme's routing
   * @param retryTicks ticks to wait for an answer before sending again, at least 1
   */
  public KvClientNode(
      String id, long client, List<String> configMembers, Routing routing, int retryTicks) {
    this.id = Objects.requireNonNull(id, "id");
    this.client = client;
    this.routing = Objects.requireNonNull(routing, "routing");
    if (retryTicks < 1) {
      throw new IllegalArgumentException("retryTicks must be at least 1: " + retryTicks);
    }
    this.retryTicks = retryTicks;
    this.config =
        new ConfigClientCore(client, configMembers, Math.max(1, retryTicks / 2), this::sendTo);
    this.attempts = client;
    config.follow(this::onVersion);
  }

  @Override
  public String id() {
    return id;
  }

  private void sendTo(String to, Object message) {
    outbox.send(to, message);
  }

  /**
   * Submits an operation; it is sent when those before it are answered.
   *
   * @param op the operation
   * @param then called with the result, once
   */
  public void submit(KvOp op, Consumer<KvResult> then) {
    Objects.requireNonNull(op, "op");
    Objects.requireNonNull(then, "then");
    queue.add(new Call(new KvRequest(client, ++seq, op), then));
    if (current == null) {
      next();
    }
  }

  /**
   * Gives up on the current request (it may still take effect, once) and goes on with the next.
   *
   * @return the request given up, or null if none was outstanding
   */
  public KvRequest cancel() {
    Call c = current;
    next();
    return c == null ? null : c.request();
  }

  private void next() {
    current = queue.poll();
    if (current != null) {
      attempt();
    }
  }

  private void attempt() {
    waited = 0;
    if (view != null) {
      sendTo(routing.target(view, current.request().op(), attempts++), current.request());
    } else {
      lookUp();
    }
  }

  private void lookUp() {
    if (!lookingUp) {
      lookingUp = true;
      config.get(
          v -> {
            lookingUp = false;
            onVersion(v);
          });
    }
  }

  private void onVersion(Versioned v) {
    if (v.version() > 0 && (view == null || v.version() > view.number())) {
      boolean first = view == null;
      view = View.decode(v.version(), v.value());
      if (first && current != null) {
        attempt();
      }
    }
  }

  @Override
  public void tick() {
    config.tick();
    if (current != null && ++waited >= retryTicks) {
      lookUp();
      attempt();
    }
  }

  @Override
  public void receive(String from, Object message) {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(message, "message");
    if (config.receive(from, message) || current == null) {
      return;
    }
    KvRequest r = current.request();
    if (message instanceof KvReply reply && reply.client() == client && reply.seq() == r.seq()) {
      Call done = current;
      next();
      done.then().accept(reply.result());
    } else if (message instanceof KvRefused no && no.client() == client && no.seq() == r.seq()) {
      lookUp();
      waited = Math.max(waited, retryTicks - 2); // try again soon, with whatever view we have then
    }
  }

  @Override
  public List<Outbound> drainOutbox() {
    return outbox.drain();
  }

  /**
   * Tells whether a request is outstanding.
   *
   * @return true while a submitted operation waits for its answer
   */
  public boolean busy() {
    return current != null;
  }

  /**
   * The view this client routes by.
   *
   * @return the newest view it knows, or null
   */
  public View view() {
    return view;
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
