package dev.weft.replication.pb;

import dev.weft.replication.Node;
import dev.weft.replication.Outbound;
import dev.weft.replication.Outbox;
import dev.weft.replication.View;
import dev.weft.replication.config.ConfigClientCore;
import dev.weft.replication.config.ConfigMessage;
import dev.weft.replication.config.Versioned;
import dev.weft.replication.kv.KvRefused;
import dev.weft.replication.kv.KvReply;
import dev.weft.replication.kv.KvRequest;
import dev.weft.replication.kv.KvResult;
import dev.weft.replication.kv.KvStore;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One server of a primary-backup service, as a deterministic {@link Node}: primary, backup or spare
 * as the current {@link View} says, with views kept in the configuration service.
 *
 * {@snippet :
 * PbServer s = new PbServer("s1", List.of("s1", "s2", "s3"), List.of("cfg1", "cfg2", "cfg3"),
 *     clientId, PbServer.Options.defaults());
 * // a driver (NodeHost, or a simulation) calls s.tick(), s.receive(from, message), s.drainOutbox()
 * }
 *
 * <p><b>What it promises.</b> Every operation a client is answered for is linearizable, and every
 * answered write survives the failure of one of the two servers of its view: the primary answers
 * only after the backup has applied the operation (state transfer included). Retried requests take
 * effect once (client ids and request numbers, kept in the replicated {@link KvStore}).
 *
 * <p><b>What it assumes.</b> Servers crash and lose their state (a restarted server is a new, empty
 * spare); the network may lose, duplicate, delay and reorder messages and partition anyone; the
 * configuration service is available while a majority of its members are. At most one of the two
 * servers of a view fails before the next view has its state: if the primary fails while its backup
 * has no state yet, or both fail, the service stops (safely) until an operator intervenes.
 *
 * <h2>Protocol</h2>
 *
 * <ul>
 *   <li><b>Views.</b> The register of the configuration service holds {@code [primary]} or {@code
 *       [primary, backup]}; its version is the view number. A server becomes primary of view n + 1
 *       only by winning {@code testAndSet(n, [itself, backup])}, and tries only while it holds the
 *       state of view n: as its primary, or as its backup once state transfer is done. The primary
 *       does so when its backup is silent for {@code failTicks} (with a spare as the new backup, or
 *       alone if there is none); the backup when the primary is silent for {@code failTicks}. Every
 *       server follows the register and takes each newer view: a server named backup drops its
 *       state and waits for a transfer; a server in no role drops its state.
 *   <li><b>Operations.</b> The primary applies each request to its store, numbers it, forwards it
 *       to the backup and answers the client once the backup acknowledges that number (gets
 *       included). Unacknowledged forwards are sent again every {@code retryTicks}. The backup
 *       applies forwards in number order, buffering those that arrive early, and acknowledges
 *       cumulatively.
 *   <li><b>State transfer.</b> In a new view with a backup, the primary refuses clients and sends
 *       its whole store until the backup acknowledges it; a backup acknowledges nothing before it
 *       has the state, and installs a transfer only once per view.
 *   <li><b>Split brain.</b> A primary cut off from the others still believes it leads and may still
 *       take requests. It cannot answer them: its backup has moved to a newer view (that is how the
 *       newer view was made) and refuses every message of the old one, so the old primary never
 *       gets the acknowledgment it waits for. A view of one server cannot be superseded by anyone
 *       but that server. So no client is ever answered with anything a newer view contradicts; this
 *       needs no clocks or leases.
 * </ul>
 *
 * <p>The scheme follows the primary-backup design of the MIT 6.824 labs (a view service that
 * numbers views; the primary must hear from the backup), with the view service replaced by a
 * replicated register whose only operation that changes anything is test-and-set, so that it
 * survives the failure of a minority of its members.
 *
 * <p>Not thread-safe; see {@link Node} for who calls it.
 */
public final class PbServer implements Node {
  /**
   * Timing, in ticks.
   *
   * @param pingTicks how often the primary pings an idle backup
   * @param failTicks silence after which a peer is taken for failed
   * @param retryTicks how long to wait before sending unacknowledged forwards or a state transfer
   *     again, and before retrying a configuration request elsewhere
   */
  public record Options(int pingTicks, int failTicks, int retryTicks) {
    /**
     * Checks the options.
     *
     * @param pingTicks how often the primary pings
     * @param failTicks silence taken for failure
     * @param retryTicks retransmission interval
     * @throws IllegalArgumentException if a value is below 1, or {@code failTicks} is not above
     *     {@code pingTicks}
     */
    public Options {
      if (pingTicks < 1 || retryTicks < 1 || failTicks <= pingTicks) {
        throw new IllegalArgumentException(
            "need 1 <= pingTicks < failTicks and retryTicks >= 1: "
                + pingTicks
                + ", "
                + failTicks
                + ", "
                + retryTicks);
      }
    }

    /**
     * Ping every 2 ticks, failure after 20, retry after 5.
     *
     * @return the defaults
     */
    public static Options defaults() {
      return new Options(2, 20, 5);
    }
  }

  private record PendingOp(long index, String replyTo, KvRequest request, KvResult result) {}

  private static final int MAX_PENDING = 1024;
  private static final int MAX_RESEND = 64;

  private final String id;
  private final List<String> servers;
  private final Options options;
  private final ConfigClientCore config;
  private final Outbox outbox = new Outbox();

  private View view; // the newest view this server has taken; null before the first
  private KvStore store; // null while this server holds no valid state
  private boolean primary; // primary of `view`, with its state
  private boolean backupReady; // the backup of `view` has acknowledged the state transfer
  private long transferIndex;
  private long lastIndex; // the last operation number given out (primary) or applied (backup)
  private long acked;
  private final ArrayDeque<PendingOp> pending = new ArrayDeque<>();
  private final TreeMap<Long, KvRequest> early = new TreeMap<>();
  private View proposal; // the view this server is trying to install, or null
  private int silence; // ticks since the peer (backup or primary) was last heard
  private int sincePing;
  private int sinceResend;
  private int spareCursor;

  private boolean answerBeforeBackup; // a planted bug, for tests of the tests only
  private boolean readLocally; // another planted bug: gets answered from the primary's state

  /**
   * Creates a server with no state, a spare until a view names it.
   *
   * @param id this server's id
   * @param servers every server of the service, this one included (spares are taken from them)
   * @param configMembers the members of the configuration service
   * @param configClientId this incarnation's client id at the configuration service, never reused
   *     (draw a new one for every restart)
   * @param options timing
   * @throws IllegalArgumentException if {@code servers} does not contain {@code id}
   */
  public PbServer(
      String id,
      List<String> servers,
      List<String> configMembers,
      long configClientId,
      Options options) {
    this.id = Objects.requireNonNull(id, "id");
    this.servers = List.copyOf(servers);
    if (!this.servers.contains(id)) {
      throw new IllegalArgumentException(id + " is not among the servers " + servers);
    }
    this.options = Objects.requireNonNull(options, "options");
    this.config =
        new ConfigClientCore(configClientId, configMembers, options.retryTicks(), this::send);
    this.spareCursor = this.servers.indexOf(id);
    config.follow(this::onVersion);
  }

  /**
   * Installs the first view {@code [first]} or {@code [first, second]} if the register is still
   * empty: the bootstrap of a new service. The first server must be one that holds the (empty)
   * initial state, so only call it on a fresh server.
   *
   * @param members the first view's members, this server first
   * @throws IllegalArgumentException if this server is not the first member
   */
  public void bootstrap(List<String> members) {
    View first = View.of(1, members);
    if (!first.first().equals(id)) {
      throw new IllegalArgumentException(id + " can only bootstrap a view it leads: " + members);
    }
    if (view == null && proposal == null) {
      store = new KvStore();
      propose(first, 0);
    }
  }

  @Override
  public String id() {
    return id;
  }

  private void send(String to, Object message) {
    outbox.send(to, message);
  }

  // ---- views ----------------------------------------------------------------------------------

  private void onVersion(Versioned v) {
    if (v.version() == 0) {
      return;
    }
    View next = View.decode(v.version(), v.value());
    if (view != null && next.number() <= view.number()) {
      return;
    }
    if (proposal != null && proposal.equals(next)) {
      return; // ours: the test-and-set's answer will make us primary
    }
    take(next);
  }

  /** Takes a newer view made by someone else. */
  private void take(View next) {
    view = next;
    primary = false;
    pending.clear();
    early.clear();
    store = null; // a backup waits for a transfer; anyone else holds no state
    lastIndex = 0;
    acked = 0;
    silence = 0;
  }

  private void propose(View next, long expected) {
    proposal = next;
    config.testAndSet(expected, next.encode(), reply -> onProposed(next, reply));
  }

  private void onProposed(View proposed, ConfigMessage.Reply reply) {
    proposal = null;
    if (!reply.ok()) {
      onVersion(reply.current());
      return;
    }
    if (view != null && view.number() >= proposed.number()) {
      return; // a newer view arrived first: this one is already history
    }
    // We won: we held the state of the view before, and take it into this one.
    view = proposed;
    primary = true;
    early.clear();
    silence = 0;
    backupReady = proposed.backup() == null;
    transferIndex = lastIndex;
    acked = backupReady ? lastIndex : 0;
    if (backupReady) {
      answerAcknowledged();
    } else {
      sendTransfer();
    }
  }

  private String nextSpare() {
    for (int i = 1; i <= servers.size(); i++) {
      String s = servers.get((spareCursor + i) % servers.size());
      if (!s.equals(id) && !view.contains(s)) {
        spareCursor = (spareCursor + i) % servers.size();
        return s;
      }
    }
    return null;
  }

  /** Makes the next view with this server as primary and a spare (if any) as backup. */
  private void takeOver() {
    String spare = nextSpare();
    propose(
        View.of(view.number() + 1, spare == null ? List.of(id) : List.of(id, spare)),
        view.number());
  }

  // ---- the primary ----------------------------------------------------------------------------

  private void onRequest(String from, KvRequest r) {
    if (!primary || !backupReady || pending.size() >= MAX_PENDING) {
      send(from, new KvRefused(r.client(), r.seq(), view == null ? 0 : view.number()));
      return;
    }
    if (readLocally && r.op().isRead()) {
      send(from, new KvReply(r.client(), r.seq(), new KvResult(store.read(r.op().key()), true)));
      return;
    }
    KvResult result = store.apply(r);
    if (result == null) {
      return; // a retry the client no longer waits for
    }
    PendingOp op = new PendingOp(++lastIndex, from, r, result);
    if (view.backup() == null) {
      acked = lastIndex;
      send(from, new KvReply(r.client(), r.seq(), result));
      return;
    }
    pending.add(op);
    send(view.backup(), new PbMessage.Forward(view.number(), op.index(), r));
    sincePing = 0;
    if (answerBeforeBackup) {
      send(from, new KvReply(r.client(), r.seq(), result));
    }
  }

  private void onAck(String from, PbMessage.Ack a) {
    if (!primary || a.view() != view.number() || !from.equals(view.backup())) {
      return;
    }
    silence = 0;
    if (a.index() >= transferIndex) {
      backupReady = true;
    }
    if (a.index() > acked) {
      acked = a.index();
      sinceResend = 0;
      answerAcknowledged();
    }
  }

  private void answerAcknowledged() {
    while (!pending.isEmpty() && pending.peek().index() <= acked) {
      PendingOp op = pending.poll();
      if (!answerBeforeBackup) {
        send(op.replyTo(), new KvReply(op.request().client(), op.request().seq(), op.result()));
      }
    }
  }

  private void sendTransfer() {
    sinceResend = 0;
    send(view.backup(), new PbMessage.StateTransfer(view.number(), transferIndex, store.image()));
  }

  private void primaryTick() {
    if (view.backup() == null) {
      if (++silence >= options.failTicks() && proposal == null && nextSpare() != null) {
        takeOver(); // a view of one: add a backup when a spare is around
      }
      return;
    }
    if (++silence >= options.failTicks() && proposal == null) {
      takeOver(); // the backup is silent, or never took the state: replace it
      return;
    }
    if (!backupReady) {
      if (++sinceResend >= options.retryTicks()) {
        sendTransfer();
      }
      return;
    }
    if (!pending.isEmpty() && ++sinceResend >= options.retryTicks()) {
      sinceResend = 0;
      int n = 0;
      for (PendingOp op : pending) {
        if (n++ == MAX_RESEND) {
          break;
        }
        send(view.backup(), new PbMessage.Forward(view.number(), op.index(), op.request()));
      }
      sincePing = 0;
    }
    if (++sincePing >= options.pingTicks()) {
      sincePing = 0;
      send(view.backup(), new PbMessage.Ping(view.number()));
    }
  }

  // ---- the backup -----------------------------------------------------------------------------

  /** Whether a message of view {@code v} from {@code from} is one this backup takes. */
  private boolean fromMyPrimary(String from, long v) {
    if (view != null
        && v == view.number()
        && id.equals(view.backup())
        && from.equals(view.first())) {
      return true;
    }
    send(from, new PbMessage.Refuse(view == null ? 0 : view.number()));
    if (view == null || v > view.number()) {
      config.get(this::onVersion); // we are behind: look the view up now
    }
    return false;
  }

  private void onForward(String from, PbMessage.Forward f) {
    if (!fromMyPrimary(from, f.view())) {
      return;
    }
    silence = 0;
    if (store == null) {
      return; // no state yet: the primary sends the transfer again
    }
    if (f.index() > lastIndex + 1) {
      if (early.size() < MAX_PENDING) {
        early.put(f.index(), f.request());
      }
    } else if (f.index() == lastIndex + 1) {
      store.apply(f.request());
      lastIndex++;
      for (Map.Entry<Long, KvRequest> e = early.pollFirstEntry();
          e != null;
          e = early.pollFirstEntry()) {
        if (e.getKey() == lastIndex + 1) {
          store.apply(e.getValue());
          lastIndex++;
        } else if (e.getKey() > lastIndex + 1) {
          early.put(e.getKey(), e.getValue());
          break;
        }
      }
    }
    send(from, new PbMessage.Ack(view.number(), lastIndex));
  }

  private void onTransfer(String from, PbMessage.StateTransfer t) {
    if (!fromMyPrimary(from, t.view())) {
      return;
    }
    silence = 0;
    if (store == null) {
      store = KvStore.of(t.image());
      lastIndex = t.index();
      early.headMap(lastIndex, true).clear();
    }
    send(from, new PbMessage.Ack(view.number(), lastIndex));
  }

  private void onPing(String from, PbMessage.Ping p) {
    if (fromMyPrimary(from, p.view())) {
      silence = 0;
      if (store != null) {
        send(from, new PbMessage.Ack(view.number(), lastIndex));
      }
    }
  }

  private void backupTick() {
    if (store != null && ++silence >= options.failTicks() && proposal == null) {
      takeOver(); // the primary is silent and we hold the state of this view
    }
  }

  // ---- the node -------------------------------------------------------------------------------

  @Override
  public void tick() {
    config.tick();
    if (view == null) {
      return;
    }
    if (primary) {
      primaryTick();
    } else if (id.equals(view.backup())) {
      backupTick();
    }
  }

  @Override
  public void receive(String from, Object message) {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(message, "message");
    if (config.receive(from, message)) {
      return;
    }
    if (message instanceof KvRequest r) {
      onRequest(from, r);
    } else if (message instanceof PbMessage m) {
      switch (m) {
        case PbMessage.Forward f -> onForward(from, f);
        case PbMessage.StateTransfer t -> onTransfer(from, t);
        case PbMessage.Ping p -> onPing(from, p);
        case PbMessage.Ack a -> onAck(from, a);
        case PbMessage.Refuse r -> {
          if (primary && r.view() > view.number()) {
            config.get(this::onVersion); // our backup has moved on: so have we
          }
        }
      }
    }
  }

  @Override
  public List<Outbound> drainOutbox() {
    return outbox.drain();
  }

  // ---- inspection -----------------------------------------------------------------------------

  /**
   * The newest view this server has taken.
   *
   * @return the view, or null before the first
   */
  public View view() {
    return view;
  }

  /**
   * Tells whether this server acts as primary: it leads its view and holds its state.
   *
   * @return true for an active primary
   */
  public boolean isPrimary() {
    return primary;
  }

  /**
   * Tells whether this server holds state: as primary, or as a backup whose transfer is done.
   *
   * @return true if it holds a valid store
   */
  public boolean hasState() {
    return store != null;
  }

  /**
   * The value of a key in this server's store (for tests and demonstrations; clients read through
   * the primary).
   *
   * @param key the key
   * @return its value, or null if absent or this server holds no state
   */
  public String peek(String key) {
    return store == null ? null : store.read(key);
  }

  /**
   * Tells whether this server is trying to install a new view.
   *
   * @return true while its test-and-set is unanswered
   */
  boolean proposing() {
    return proposal != null;
  }

  /**
   * Plants a bug, for tests that check that the tests catch it: the primary answers a client as
   * soon as it has applied the operation, before the backup acknowledges it.
   *
   * @param on whether the bug is planted
   */
  void plantAnswerBeforeBackup(boolean on) {
    this.answerBeforeBackup = on;
  }

  /**
   * Plants a bug: the primary answers gets from its own state without the backup, so a primary cut
   * off from a newer view answers stale reads.
   *
   * @param on whether the bug is planted
   */
  void plantReadLocally(boolean on) {
    this.readLocally = on;
  }

  @Override
  public String toString() {
    return id
        + (primary ? " primary" : "")
        + " in "
        + view
        + (store == null ? " (no state)" : " at " + lastIndex)
        + (proposal == null ? "" : " proposing " + proposal);
  }
}
