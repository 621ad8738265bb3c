package dev.weft.replication.chain;

import dev.weft.replication.Node;
import dev.weft.replication.Outbound;
import dev.weft.replication.Outbox;
import dev.weft.replication.View;
import dev.weft.replication.config.ConfigClientCore;
import dev.weft.replication.config.ConfigMessage;
import dev.weft.replication.config.Versioned;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The master of a replication chain, as a deterministic {@link Node}: it detects failed servers
 * from their heartbeats, grants read leases, and changes the chain in the configuration service, as
 * the master of van Renesse and Schneider's chain replication (OSDI 2004, §3) does.
 *
 * {@snippet :
 * ChainMaster m = new ChainMaster("master", List.of("s1", "s2", "s3", "s4"),
 *     List.of("cfg1", "cfg2", "cfg3"), clientId, ChainMaster.Options.defaults(),
 *     List.of("s1", "s2", "s3"));   // the first chain, used if the register is empty
 * }
 *
 * <p><b>Repairs</b>, one view at a time, each a {@code testAndSet} on the register:
 *
 * <ul>
 *   <li>a member that is silent for {@code failTicks}, or that reports having lost its state (it
 *       restarted), is removed: the head's successor becomes head, the tail's predecessor tail, and
 *       a middle server's neighbours are joined (the servers repair the history themselves);
 *   <li>a joining server that is silent is dropped;
 *   <li>a chain shorter than {@code chainLength} gets a live spare as its joining tail, which the
 *       tail brings up to date;
 *   <li>a joiner that holds state, has synchronized and is within a few entries of the tail becomes
 *       the tail.
 * </ul>
 *
 * <p><b>Leases.</b> Each heartbeat of a server in the current view is answered with a lease for
 * that view, counted from the heartbeat's own tick. Before it installs a new view, the master stops
 * granting and waits until every lease it granted has run out ({@code leaseTicks} + 2 ticks after
 * the last grant), so that no server of the old view still answers reads when the new one starts. A
 * master that starts (or restarts) waits as long before its first change, since a previous
 * incarnation may have granted leases.
 *
 * <p>The master's state is soft: the chain lives in the configuration service, and a restarted
 * master reads it back. Run one master at a time: two masters could each let leases lapse on their
 * own clock.
 *
 * <p>Not thread-safe; see {@link Node} for who calls it.
 */
public final class ChainMaster implements Node {
  /**
   * Timing, in ticks, and the chain's length.
   *
   * @param failTicks silence after which a server is taken for failed
   * @param leaseTicks the servers' lease length (as in {@link ChainServer.Options})
   * @param retryTicks how long to wait for the configuration service before asking elsewhere
   * @param chainLength how many members the master keeps in the chain when it has spares
   */
  public record Options(int failTicks, int leaseTicks, int retryTicks, int chainLength) {
    /**
     * Checks the options.
     *
     * @param failTicks failure detection
     * @param leaseTicks lease length
     * @param retryTicks configuration retry
     * @param chainLength target length
     * @throws IllegalArgumentException if a value is below 1
     */
    public Options {
      if (failTicks < 1 || leaseTicks < 1 || retryTicks < 1 || chainLength < 1) {
        throw new IllegalArgumentException(
            "options must be positive: "
                + failTicks
                + ", "
                + leaseTicks
                + ", "
                + retryTicks
                + ", "
                + chainLength);
      }
    }

    /**
     * Failure after 12 ticks, leases of 10, retry after 4, chains of 3.
     *
     * @return the defaults
     */
    public static Options defaults() {
      return new Options(12, 10, 4, 3);
    }
  }

  private static final int CAUGHT_UP_SLACK = 8;

  private final String id;
  private final List<String> servers;
  private final Options options;
  private final List<String> initial;
  private final ConfigClientCore config;
  private final Map<String, Long> lastHeard = new HashMap<>();
  private final Map<String, ChainMessage.Heartbeat> reports = new HashMap<>();
  private final Outbox outbox = new Outbox();
  private View view;
  private boolean registerEmpty;
  private long ticks;
  private long lastGrant;
  private View next; // the view being installed: no leases until it is
  private boolean proposing;
  private long views;

  /**
   * Creates a master.
   *
   * @param id its id on the network
   * @param servers every server it may use, members and spares
   * @param configMembers the configuration service's members
   * @param configClientId this incarnation's client id at the configuration service, never reused
   * @param options timing and chain length
   * @param initial the first chain, installed if the register is empty (its servers must have been
   *     {@linkplain ChainServer#bootstrap() bootstrapped})
   * @throws IllegalArgumentException if {@code initial} is empty or names an unknown server
   */
  public ChainMaster(
      String id,
      List<String> servers,
      List<String> configMembers,
      long configClientId,
      Options options,
      List<String> initial) {
    this.id = Objects.requireNonNull(id, "id");
    this.servers = List.copyOf(servers);
    this.options = Objects.requireNonNull(options, "options");
    this.initial = List.copyOf(initial);
    if (this.initial.isEmpty() || !this.servers.containsAll(this.initial)) {
      throw new IllegalArgumentException("bad first chain " + initial + " of " + servers);
    }
    this.config =
        new ConfigClientCore(configClientId, configMembers, options.retryTicks(), this::send);
    config.follow(this::onVersion);
    config.get(
        v -> {
          registerEmpty = v.version() == 0;
          onVersion(v);
        });
  }

  @Override
  public String id() {
    return id;
  }

  private void send(String to, Object message) {
    outbox.send(to, message);
  }

  private void onVersion(Versioned v) {
    if (v.version() > 0 && (view == null || v.version() > view.number())) {
      view = View.decode(v.version(), v.value());
      registerEmpty = false;
    }
  }

  @Override
  public void tick() {
    ticks++;
    config.tick();
    if (proposing) {
      return;
    }
    View want = view == null ? (registerEmpty ? View.of(1, initial) : null) : decide();
    if (want == null) {
      next = null; // nothing to change (a suspicion cleared): grant again
      return;
    }
    next = want;
    if (ticks < lastGrant + options.leaseTicks() + 2
        || ticks < options.leaseTicks() + 2) { // leases of the old view, ours or a predecessor's
      return;
    }
    proposing = true;
    View proposal = want;
    config.testAndSet(
        view == null ? 0 : view.number(), proposal.encode(), reply -> onProposed(proposal, reply));
  }

  private void onProposed(View proposal, ConfigMessage.Reply reply) {
    proposing = false;
    next = null;
    if (reply.ok()) {
      views++;
    }
    onVersion(reply.current());
  }

  private boolean alive(String s) {
    Long heard = lastHeard.get(s);
    // a master that just started gives everyone time to be heard
    return heard == null ? ticks <= options.failTicks() : ticks - heard <= options.failTicks();
  }

  /** A member that is silent, or that has lost its state in this view (it restarted). */
  private boolean failedMember(String s) {
    ChainMessage.Heartbeat h = reports.get(s);
    return !alive(s) || (h != null && h.view() == view.number() && !h.hasState());
  }

  /** The next view the chain needs, or null. */
  private View decide() {
    List<String> members = new ArrayList<>();
    for (String m : view.members()) {
      if (!failedMember(m)) {
        members.add(m);
      }
    }
    String joining = view.joining() != null && alive(view.joining()) ? view.joining() : null;
    long n = view.number() + 1;
    if (members.size() < view.members().size() || !Objects.equals(joining, view.joining())) {
      if (members.isEmpty()) {
        return null; // every member is gone: nothing can be repaired without losing updates
      }
      return new View(n, members, joining);
    }
    if (joining != null) {
      ChainMessage.Heartbeat j = reports.get(joining);
      ChainMessage.Heartbeat t = reports.get(view.last());
      if (j != null
          && t != null
          && j.view() == view.number()
          && j.hasState()
          && j.synced()
          && j.length() + CAUGHT_UP_SLACK >= t.length()) {
        members.add(joining);
        return View.of(n, members); // the caught-up joiner becomes the tail
      }
      return null;
    }
    if (members.size() < options.chainLength()) {
      for (String s : servers) {
        ChainMessage.Heartbeat h = reports.get(s);
        if (!view.contains(s) && h != null && alive(s)) {
          return new View(n, members, s); // extend the chain with a new tail
        }
      }
    }
    return null;
  }

  @Override
  public void receive(String from, Object message) {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(message, "message");
    if (config.receive(from, message)) {
      return;
    }
    if (message instanceof ChainMessage.Heartbeat h && servers.contains(from)) {
      lastHeard.put(from, ticks);
      reports.put(from, h);
      if (next == null
          && !proposing
          && view != null
          && h.view() == view.number()
          && (view.contains(from) || from.equals(view.joining()))) {
        lastGrant = ticks;
        send(from, new ChainMessage.LeaseGrant(view.number(), h.tick()));
      }
    }
  }

  @Override
  public List<Outbound> drainOutbox() {
    return outbox.drain();
  }

  /**
   * The newest view the master knows.
   *
   * @return the view, or null
   */
  public View view() {
    return view;
  }

  /**
   * Counts the views this master installed.
   *
   * @return the count
   */
  public long viewsInstalled() {
    return views;
  }

  /**
   * Tells whether the master is changing the view (it grants no leases meanwhile).
   *
   * @return true while a change waits for leases to run out or for the register
   */
  public boolean changing() {
    return next != null || proposing;
  }

  /**
   * How long ago a server was last heard from.
   *
   * @param server a server
   * @return ticks since its last heartbeat, or {@link Long#MAX_VALUE} if never heard
   */
  long silence(String server) {
    Long heard = lastHeard.get(server);
    return heard == null ? Long.MAX_VALUE : ticks - heard;
  }

  @Override
  public String toString() {
    return id + " with " + view + (changing() ? " changing to " + next : "");
  }
}
