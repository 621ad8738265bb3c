package dev.weft.replication.chain;

import dev.weft.replication.Node;
import dev.weft.replication.Outbound;
import dev.weft.replication.Outbox;
import dev.weft.replication.View;
import dev.weft.replication.config.ConfigClientCore;
import dev.weft.replication.config.Versioned;
import dev.weft.replication.kv.KvRefused;
import dev.weft.replication.kv.KvReply;
import dev.weft.replication.kv.KvRequest;
import dev.weft.replication.kv.KvResult;
import dev.weft.replication.kv.KvStore;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One server of a replication chain, as a deterministic {@link Node}: head, middle, tail or joining
 * tail as the current {@link View} says (views are kept in the configuration service by a {@link
 * ChainMaster}).
 *
 * {@snippet :
 * ChainServer s = new ChainServer("s1", "master", List.of("cfg1", "cfg2", "cfg3"), clientId,
 *     ChainServer.ReadMode.TAIL, ChainServer.Options.defaults());
 * s.bootstrap();   // only on the servers of a brand-new chain's first view
 * // a driver (NodeHost, or a simulation) calls s.tick(), s.receive(from, message), s.drainOutbox()
 * }
 *
 * <h2>Protocol</h2>
 *
 * <p>Chain replication after van Renesse and Schneider ("Chain Replication for Supporting High
 * Throughput and Availability", OSDI 2004), with CRAQ reads after Terrace and Freedman ("Object
 * Storage on CRAQ", USENIX ATC 2009) as an option.
 *
 * <ul>
 *   <li><b>Updates</b> enter at the head, which applies each to its store (deduplicating retries by
 *       client id and request number), appends it to its history as entry k, and forwards it to its
 *       successor; every server applies entries in order (buffering those that arrive early) and
 *       forwards them. The tail answers the client. Each server keeps the entries it has forwarded
 *       and not yet seen acknowledged ({@code Sent}); the tail's acknowledgment travels back one
 *       hop at a time, and each hop releases what it covers. Unacknowledged entries are sent again
 *       every {@code retryTicks}.
 *   <li><b>Queries</b> are answered by the tail from its store ({@link ReadMode#TAIL}). With {@link
 *       ReadMode#CRAQ} every member answers reads: at once for a key with no unacknowledged update
 *       here (clean), else after asking the tail how far it has processed, with the value as of
 *       that entry (dirty).
 *   <li><b>Repair</b> (§3 of the paper). A server with a new predecessor sends it {@link
 *       ChainMessage.Hello} with its history's length and hash; the predecessor answers {@link
 *       ChainMessage.Sync} with its own length as the mark, and sends again what the successor
 *       lacks from its {@code Sent} (this is the paper's repair of a failed middle server). A
 *       head's or a tail's failure needs nothing more: the next server is head, or the previous
 *       server is tail (it holds everything the old tail did, by the prefix invariant, and answers
 *       what it now commits).
 *   <li><b>Extension.</b> A server joining behind the tail gets the tail's whole state ({@link
 *       ChainMessage.StateTransfer}) and then its updates; the tail acknowledges to its predecessor
 *       only what the joiner has acknowledged, so that the joiner could take over at any moment,
 *       but goes on answering clients as tail. Once the joiner has caught up, the master makes it
 *       the tail; it answers reads once it holds the old tail's mark.
 *   <li><b>Split brain.</b> A server answers reads only while it holds a lease from the master for
 *       its current view and has synchronized with its predecessor in that view; the master lets
 *       every lease expire before it installs a new view. So a tail that was removed while cut off
 *       stops answering before anyone else starts, and never answers with a state that the new
 *       chain has moved past. Updates need no lease: only the tail of the view an update went down
 *       answers it, and a removed server's updates never reach the new tail.
 * </ul>
 *
 * <p><b>What it differs in from the paper.</b> The paper assumes reliable FIFO links between
 * servers and fail-stop servers with a perfect failure detector. Here links may lose, duplicate and
 * reorder (hence sequence numbers, buffering and retransmission), the master's failure detector may
 * be wrong (hence leases and view numbers on every message), and the master keeps the chain in the
 * replicated configuration service rather than being replicated itself.
 *
 * <p><b>What it assumes.</b> Servers crash and lose their state (a restarted server is an empty
 * spare until it joins again); at least one member of the chain survives each reconfiguration; tick
 * rates of the servers and the master agree to within the lease margin of two ticks; there is one
 * master at a time.
 *
 * <p>Not thread-safe; see {@link Node} for who calls it.
 */
public final class ChainServer implements Node {
  /** Where reads are answered. */
  public enum ReadMode {
    /** By the tail only (the paper). */
    TAIL,
    /** By every member: clean keys at once, dirty ones after asking the tail (CRAQ). */
    CRAQ
  }

  /**
   * Timing, in ticks.
   *
   * @param heartbeatTicks how often the server sends the master a heartbeat (its lease request)
   * @param leaseTicks how long a lease lasts, from the heartbeat that asked for it
   * @param retryTicks how long to wait before sending unacknowledged entries, a Hello or a query
   *     again
   */
  public record Options(int heartbeatTicks, int leaseTicks, int retryTicks) {
    /**
     * Checks the options.
     *
     * @param heartbeatTicks heartbeat interval
     * @param leaseTicks lease length
     * @param retryTicks retransmission interval
     * @throws IllegalArgumentException if a value is below 1 or a lease is not longer than a
     *     heartbeat interval
     */
    public Options {
      if (heartbeatTicks < 1 || retryTicks < 1 || leaseTicks <= heartbeatTicks) {
        throw new IllegalArgumentException(
            "need 1 <= heartbeatTicks < leaseTicks and retryTicks >= 1: "
                + heartbeatTicks
                + ", "
                + leaseTicks
                + ", "
                + retryTicks);
      }
    }

    /**
     * Heartbeat every 2 ticks, leases of 10, retry after 4.
     *
     * @return the defaults
     */
    public static Options defaults() {
      return new Options(2, 10, 4);
    }
  }

  /** An entry of the history that is still in {@code Sent}. */
  private record Entry(
      long index,
      KvRequest request,
      String replyTo,
      KvResult result,
      String before,
      String after,
      long hash) {}

  /** A CRAQ read of a dirty key, waiting for the tail's answer. */
  private record PendingRead(String from, KvRequest request, long sentAt) {}

  private static final int MAX_EARLY = 1024;
  private static final int MAX_RESEND = 64;

  private final String id;
  private final String master;
  private final ReadMode mode;
  private final Options options;
  private final ConfigClientCore config;
  private final Outbox outbox = new Outbox();

  private View view;
  private String pred;
  private String succ;
  private KvStore store; // null while this server holds no state
  private boolean bootstrap;
  private long length; // entries in the history
  private long hash; // hash of the history
  private final HashWindow hashes = new HashWindow();
  private final ArrayDeque<Entry> sent = new ArrayDeque<>(); // entries (acked, length]
  private long acked;
  private final Map<String, Integer> dirty = new HashMap<>();
  private final TreeMap<Long, ChainMessage.Update> early = new TreeMap<>();
  private long syncMark = -1;
  private long ticks;
  private long leaseUntil;
  private long leaseView;
  private int sinceHeartbeat;
  private int sinceHello;
  private int sinceResend;
  private long nextQuery;
  private final Map<Long, PendingRead> reads = new LinkedHashMap<>();
  private long divergences;

  private boolean answerOnReceipt; // planted bug: the tail answers updates before applying them
  private boolean ackOnReceipt; // planted bug: a server acknowledges what its tail has not seen

  /**
   * Creates a server with no state: a spare until the master makes it join a chain.
   *
   * @param id this server's id
   * @param master the master's id (heartbeats and leases)
   * @param configMembers the configuration service's members
   * @param configClientId this incarnation's client id at the configuration service, never reused
   * @param mode where reads are answered
   * @param options timing
   */
  public ChainServer(
      String id,
      String master,
      List<String> configMembers,
      long configClientId,
      ReadMode mode,
      Options options) {
    this.id = Objects.requireNonNull(id, "id");
    this.master = Objects.requireNonNull(master, "master");
    this.mode = Objects.requireNonNull(mode, "mode");
    this.options = Objects.requireNonNull(options, "options");
    this.config =
        new ConfigClientCore(configClientId, configMembers, options.retryTicks(), this::send);
    config.follow(this::onVersion);
  }

  /**
   * Marks this server as one of the first chain's: it holds the (empty) initial state, valid in
   * view 1. Call it only on fresh servers of a brand-new service, never on a restarted one.
   */
  public void bootstrap() {
    bootstrap = true;
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
    if (v.version() == 0 || (view != null && v.version() <= view.number())) {
      return;
    }
    View next = View.decode(v.version(), v.value());
    boolean inNext = next.contains(id) || id.equals(next.joining());
    if (!inNext) {
      dropState();
    } else if (store == null && bootstrap && next.number() == 1 && next.contains(id)) {
      store = new KvStore();
    }
    bootstrap = false;
    view = next;
    pred = next.predecessor(id);
    succ = inNext ? next.successor(id) : null;
    syncMark = pred == null ? 0 : -1;
    sinceHello = options.retryTicks(); // say Hello on the next tick
    leaseUntil = 0;
    early.clear();
    reads.clear();
    if (store != null && succ == null && acked < length) {
      commitSent(); // the end of the ack path now: what we hold is processed by the tail
    }
  }

  private void dropState() {
    store = null;
    length = 0;
    hash = 0;
    hashes.reset(0, 0);
    sent.clear();
    dirty.clear();
    acked = 0;
  }

  private boolean isMember() {
    return view != null && view.contains(id);
  }

  private boolean isHead() {
    return view != null && view.first().equals(id);
  }

  private boolean isTail() {
    return view != null && view.last().equals(id);
  }

  private boolean synced() {
    return store != null && syncMark >= 0 && length >= syncMark;
  }

  private boolean canServeReads() {
    return isMember()
        && synced()
        && leaseView == view.number()
        && ticks < leaseUntil
        && (mode == ReadMode.CRAQ || isTail());
  }

  // ---- updates --------------------------------------------------------------------------------

  private void onRequest(String from, KvRequest r) {
    if (r.op().isRead()) {
      onRead(from, r);
      return;
    }
    if (!isHead() || store == null) {
      refuse(from, r);
      return;
    }
    String key = r.op().key();
    String before = store.read(key);
    KvResult result = store.apply(r);
    if (result == null) {
      return; // a retry its client no longer waits for
    }
    append(new ChainMessage.Update(view.number(), length + 1, r, from, result), before);
  }

  private void refuse(String from, KvRequest r) {
    send(from, new KvRefused(r.client(), r.seq(), view == null ? 0 : view.number()));
  }

  /** Appends an applied entry to the history, then forwards it, or answers it at the tail. */
  private void append(ChainMessage.Update u, String before) {
    length++;
    hash = mix(hash, u.request());
    hashes.add(hash);
    if (succ == null) {
      acked = length;
      hashes.trimTo(length);
      if (isTail()) {
        send(u.replyTo(), new KvReply(u.request().client(), u.request().seq(), u.result()));
      }
      if (pred != null) {
        send(pred, new ChainMessage.Ack(view.number(), length));
      }
      return;
    }
    String key = u.request().op().key();
    sent.add(
        new Entry(u.index(), u.request(), u.replyTo(), u.result(), before, store.read(key), hash));
    dirty.merge(key, 1, Integer::sum);
    send(succ, u);
    if (ackOnReceipt && pred != null) {
      send(pred, new ChainMessage.Ack(view.number(), length));
    }
  }

  private void onUpdate(String from, ChainMessage.Update u) {
    if (!fromPredecessor(from, u.view()) || store == null || syncMark < 0) {
      return; // before the Hello is answered, the predecessor has not vouched for our history
    }
    if (u.index() <= length) {
      send(from, new ChainMessage.Ack(view.number(), ackLevel()));
      return;
    }
    if (u.index() > length + 1) {
      if (early.size() < MAX_EARLY) {
        early.put(u.index(), u);
      }
      if (answerOnReceipt && isTail()) {
        send(u.replyTo(), new KvReply(u.request().client(), u.request().seq(), u.result()));
      }
      return;
    }
    apply(u);
    for (var e = early.pollFirstEntry(); e != null; e = early.pollFirstEntry()) {
      if (e.getKey() == length + 1) {
        apply(e.getValue());
      } else if (e.getKey() > length + 1) {
        early.put(e.getKey(), e.getValue());
        break;
      }
    }
  }

  private void apply(ChainMessage.Update u) {
    String before = store.read(u.request().op().key());
    KvResult mine = store.apply(u.request());
    if (!u.result().equals(mine)) {
      divergences++; // every server must compute what the head computed
    }
    append(u, before);
  }

  private boolean fromPredecessor(String from, long v) {
    if (view != null && v == view.number() && from.equals(pred)) {
      return true;
    }
    if (view == null || v > view.number()) {
      config.get(this::onVersion); // we are behind
    }
    return false;
  }

  private long ackLevel() {
    return succ == null ? length : acked;
  }

  private void onAck(String from, ChainMessage.Ack a) {
    if (view == null || a.view() != view.number() || !from.equals(succ) || store == null) {
      return;
    }
    long upTo = Math.min(a.index(), length);
    if (upTo <= acked) {
      return;
    }
    release(upTo);
    if (pred != null) {
      send(pred, new ChainMessage.Ack(view.number(), acked));
    }
  }

  /** Releases {@code Sent} up to {@code upTo}: the tail has processed it. */
  private void release(long upTo) {
    while (!sent.isEmpty() && sent.peek().index() <= upTo) {
      Entry e = sent.poll();
      dirty.computeIfPresent(e.request().op().key(), (k, n) -> n == 1 ? null : n - 1);
    }
    acked = upTo;
    hashes.trimTo(acked);
  }

  /** As the new end of the ack path: what we hold is processed; answer it if we are the tail. */
  private void commitSent() {
    if (isTail()) {
      for (Entry e : sent) {
        send(e.replyTo(), new KvReply(e.request().client(), e.request().seq(), e.result()));
      }
    }
    release(length);
    if (pred != null) {
      send(pred, new ChainMessage.Ack(view.number(), length));
    }
  }

  // ---- repair ---------------------------------------------------------------------------------

  private void onHello(String from, ChainMessage.Hello h) {
    if (view == null || h.view() != view.number() || !from.equals(succ) || store == null) {
      return;
    }
    if (h.length() >= acked
        && h.length() <= length
        && hashes.has(h.length())
        && hashes.at(h.length()) == h.hash()) {
      send(from, new ChainMessage.Sync(view.number(), length));
      int n = 0;
      for (Entry e : sent) {
        if (e.index() > h.length() && n++ < MAX_RESEND) {
          send(from, update(e));
        }
      }
    } else if (view.successor(from) == null) {
      // the end of the ack path (a joiner, or an empty tail): it may take our whole state
      send(from, new ChainMessage.StateTransfer(view.number(), length, hash, store.image()));
    }
  }

  private ChainMessage.Update update(Entry e) {
    return new ChainMessage.Update(view.number(), e.index(), e.request(), e.replyTo(), e.result());
  }

  private void onSync(String from, ChainMessage.Sync s) {
    if (fromPredecessor(from, s.view()) && store != null) {
      syncMark = Math.max(syncMark, s.mark());
    }
  }

  private void onTransfer(String from, ChainMessage.StateTransfer t) {
    if (!fromPredecessor(from, t.view())) {
      return;
    }
    if (syncMark < 0) { // once synchronized in this view, a late copy must not roll us back
      store = KvStore.of(t.image());
      length = t.length();
      hash = t.hash();
      hashes.reset(length, hash);
      sent.clear();
      dirty.clear();
      acked = length;
      early.headMap(length, true).clear();
      syncMark = length;
    }
    send(from, new ChainMessage.Ack(view.number(), ackLevel()));
  }

  // ---- reads ----------------------------------------------------------------------------------

  private void onRead(String from, KvRequest r) {
    if (!canServeReads()) {
      refuse(from, r);
      return;
    }
    String key = r.op().key();
    if (isTail() || !dirty.containsKey(key)) {
      send(from, new KvReply(r.client(), r.seq(), new KvResult(store.read(key), true)));
      return;
    }
    long q = ++nextQuery; // CRAQ: a dirty key; ask the tail what is committed
    reads.put(q, new PendingRead(from, r, ticks));
    send(view.last(), new ChainMessage.VersionQuery(view.number(), q));
  }

  private void onVersionQuery(String from, ChainMessage.VersionQuery q) {
    if (view != null && q.view() == view.number() && isTail() && canServeReads()) {
      send(from, new ChainMessage.VersionReply(view.number(), q.id(), length));
    }
  }

  private void onVersionReply(ChainMessage.VersionReply v) {
    PendingRead p = reads.remove(v.id());
    if (p == null || view == null || v.view() != view.number() || store == null) {
      return;
    }
    String value = valueAsOf(p.request().op().key(), v.index());
    send(p.from(), new KvReply(p.request().client(), p.request().seq(), new KvResult(value, true)));
  }

  /** The value of {@code key} after entry {@code index}, which is at least {@code acked}. */
  private String valueAsOf(String key, long index) {
    String value = null;
    boolean found = false;
    for (Entry e : sent) { // in index order
      if (!e.request().op().key().equals(key)) {
        continue;
      }
      if (e.index() > index) {
        return found ? value : e.before();
      }
      value = e.after();
      found = true;
    }
    return found ? value : store.read(key);
  }

  // ---- time and the master --------------------------------------------------------------------

  @Override
  public void tick() {
    ticks++;
    config.tick();
    if (++sinceHeartbeat >= options.heartbeatTicks()) {
      sinceHeartbeat = 0;
      send(
          master,
          new ChainMessage.Heartbeat(
              view == null ? 0 : view.number(), ticks, length, store != null, synced()));
    }
    if (view == null) {
      return;
    }
    if (pred != null
        && syncMark < 0
        && (store != null || succ == null)
        && ++sinceHello >= options.retryTicks()) {
      sinceHello = 0; // only the end of the ack path may ask for the state it lacks
      send(pred, new ChainMessage.Hello(view.number(), store == null ? -1 : length, hash));
    }
    if (store == null) {
      return;
    }
    if (succ != null && !sent.isEmpty() && ++sinceResend >= options.retryTicks()) {
      sinceResend = 0;
      int n = 0;
      for (Entry e : sent) {
        if (n++ == MAX_RESEND) {
          break;
        }
        send(succ, update(e));
      }
    }
    for (Iterator<PendingRead> it = reads.values().iterator(); it.hasNext(); ) {
      if (ticks - it.next().sentAt() > 2L * options.retryTicks()) {
        it.remove(); // the tail did not answer: the client will retry
      }
    }
  }

  private void onLease(ChainMessage.LeaseGrant g) {
    if (view != null && g.view() == view.number()) {
      if (leaseView != view.number()) {
        leaseView = view.number();
        leaseUntil = 0;
      }
      leaseUntil = Math.max(leaseUntil, g.tick() + options.leaseTicks());
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
    } else if (message instanceof ChainMessage m) {
      switch (m) {
        case ChainMessage.Update u -> onUpdate(from, u);
        case ChainMessage.Ack a -> onAck(from, a);
        case ChainMessage.Hello h -> onHello(from, h);
        case ChainMessage.Sync s -> onSync(from, s);
        case ChainMessage.StateTransfer t -> onTransfer(from, t);
        case ChainMessage.VersionQuery q -> onVersionQuery(from, q);
        case ChainMessage.VersionReply v -> onVersionReply(v);
        case ChainMessage.LeaseGrant g -> onLease(g);
        case ChainMessage.Heartbeat h -> {} // for the master
      }
    }
  }

  @Override
  public List<Outbound> drainOutbox() {
    return outbox.drain();
  }

  static long mix(long h, KvRequest r) {
    long x = h * 0x9E3779B97F4A7C15L + r.client();
    x = (x ^ (x >>> 31)) * 0xBF58476D1CE4E5B9L + r.seq();
    x = (x ^ (x >>> 29)) * 0x94D049BB133111EBL + r.op().hashCode();
    return x ^ (x >>> 32);
  }

  // ---- inspection -----------------------------------------------------------------------------

  /**
   * A copy of this server's replication state, for the invariant monitors ({@link ChainInvariants})
   * and demonstrations.
   *
   * @return the state now
   */
  public Inspection inspect() {
    long[] sentIndexes = new long[sent.size()];
    long[] sentHashes = new long[sent.size()];
    int i = 0;
    for (Entry e : sent) {
      sentIndexes[i] = e.index();
      sentHashes[i++] = e.hash();
    }
    return new Inspection(
        id,
        view == null ? 0 : view.number(),
        store != null,
        synced(),
        length,
        acked,
        hashes.base(),
        hashes.copy(),
        sentIndexes,
        sentHashes);
  }

  /**
   * What {@link #inspect()} reports about a server.
   *
   * @param id the server
   * @param view the number of its view (0 for none)
   * @param hasState whether it holds a store
   * @param synced whether it holds its predecessor's mark in this view
   * @param length its history's length
   * @param acked the highest entry its successor acknowledged (its length, at the end of the ack
   *     path)
   * @param hashBase the first history position whose hash it keeps
   * @param hashes the hashes of its history from {@code hashBase} to {@code length}
   * @param sentIndexes the positions of the entries in its {@code Sent}, in order
   * @param sentHashes the history hash after each of those entries
   */
  public record Inspection(
      String id,
      long view,
      boolean hasState,
      boolean synced,
      long length,
      long acked,
      long hashBase,
      long[] hashes,
      long[] sentIndexes,
      long[] sentHashes)
      implements ChainInvariants.ServerState {
    @Override
    public boolean hasHashAt(long n) {
      return n >= hashBase && n <= length;
    }

    @Override
    public long hashAt(long n) {
      return hashes[(int) (n - hashBase)];
    }

    @Override
    public int sentCount() {
      return sentIndexes.length;
    }

    @Override
    public long sentIndex(int i) {
      return sentIndexes[i];
    }

    @Override
    public long sentHash(int i) {
      return sentHashes[i];
    }

    @Override
    public String toString() {
      return id
          + "[view "
          + view
          + (hasState ? "" : ", no state")
          + (synced ? "" : ", unsynced")
          + ", length "
          + length
          + ", acked "
          + acked
          + ", sent "
          + sentIndexes.length
          + "]";
    }
  }

  /**
   * This server's replication state read in place, without copying: for a monitor on the server's
   * own thread (a simulation), valid until the server's next input.
   *
   * @return a live view of the state
   */
  ChainInvariants.ServerState live() {
    return new ChainInvariants.ServerState() {
      private Entry[] entries;

      @Override
      public String id() {
        return id;
      }

      @Override
      public long view() {
        return view == null ? 0 : view.number();
      }

      @Override
      public boolean hasState() {
        return store != null;
      }

      @Override
      public boolean synced() {
        return ChainServer.this.synced();
      }

      @Override
      public long length() {
        return length;
      }

      @Override
      public long acked() {
        return acked;
      }

      @Override
      public boolean hasHashAt(long n) {
        return hashes.has(n);
      }

      @Override
      public long hashAt(long n) {
        return hashes.at(n);
      }

      @Override
      public int sentCount() {
        return sent.size();
      }

      private Entry entry(int i) {
        if (entries == null) {
          entries = sent.toArray(new Entry[0]);
        }
        return entries[i];
      }

      @Override
      public long sentIndex(int i) {
        return entry(i).index();
      }

      @Override
      public long sentHash(int i) {
        return entry(i).hash();
      }

      @Override
      public String toString() {
        return inspect().toString();
      }
    };
  }

  /**
   * The newest view this server has taken.
   *
   * @return the view, or null
   */
  public View view() {
    return view;
  }

  /**
   * The value of a key in this server's store (for tests and demonstrations).
   *
   * @param key the key
   * @return its value, or null if absent or this server holds no state
   */
  public String peek(String key) {
    return store == null ? null : store.read(key);
  }

  /**
   * Counts entries whose result here differed from the head's (zero in a correct chain).
   *
   * @return the count
   */
  public long divergences() {
    return divergences;
  }

  void plantAnswerOnReceipt(boolean on) {
    this.answerOnReceipt = on;
  }

  void plantAckOnReceipt(boolean on) {
    this.ackOnReceipt = on;
  }

  @Override
  public String toString() {
    return inspect() + (view == null ? "" : " in " + view);
  }

  /** The hashes of the history from a base position on, for prefix checks. */
  private static final class HashWindow {
    private long base;
    private long[] hashes = new long[16];
    private int size = 1; // hashes[0] is the hash at `base`

    void reset(long at, long h) {
      base = at;
      size = 1;
      hashes[0] = h;
    }

    void add(long h) {
      if (size == hashes.length) {
        hashes = java.util.Arrays.copyOf(hashes, size * 2);
      }
      hashes[size++] = h;
    }

    void trimTo(long newBase) {
      int drop = (int) (newBase - base);
      if (drop <= 0) {
        return;
      }
      System.arraycopy(hashes, drop, hashes, 0, size - drop);
      size -= drop;
      base = newBase;
      if (hashes.length > 64 && size < hashes.length / 4) {
        hashes = java.util.Arrays.copyOf(hashes, Math.max(16, size * 2));
      }
    }

    boolean has(long n) {
      return n >= base && n < base + size;
    }

    long at(long n) {
      return hashes[(int) (n - base)];
    }

    long base() {
      return base;
    }

    long[] copy() {
      return java.util.Arrays.copyOf(hashes, size);
    }
  }
}
