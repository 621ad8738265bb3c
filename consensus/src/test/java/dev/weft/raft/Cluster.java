package dev.weft.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.raft.RaftMessage.AppendEntries;
import dev.weft.raft.RaftMessage.Heartbeat;
import dev.weft.raft.RaftMessage.RequestVote;
import dev.weft.testkit.sim.Link;
import dev.weft.testkit.sim.Links;
import dev.weft.testkit.sim.SimNetwork;
import dev.weft.testkit.sim.Simulation;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A simulated Raft cluster for tests that read as stories: {@code partition(leader)}, {@code
 * tickUntil(oneLeader())}, {@code heal()}, {@code assertCommittedEverywhere(...)}.
 *
 * <p>Each member is a {@link RaftNode} over a {@link MemoryStorage} (its disk, which survives a
 * crash) on a {@link SimNetwork}; it ticks every {@link #TICK} units of virtual time, with a random
 * phase, and handles each {@link Ready} completely within the event that produced it (persist,
 * send, apply, advance). A crash discards the node and its applied entries (volatile) and keeps its
 * storage; a restart builds a new node from that storage. {@link Invariants} are checked after
 * every event.
 */
final class Cluster {
  /** Virtual time units per tick. */
  static final long TICK = 10;

  /** Keep the simulation's trace, so that a failure can show the events that led to it. */
  static final String TRACE_PROPERTY = "weft.trace";

  final Simulation sim;
  final SimNetwork<RaftMessage> net;
  final Invariants invariants = new Invariants();
  private final Map<String, Member> members = new LinkedHashMap<>();
  private final List<String> ids;
  private final Function<String, RaftConfig> configs;
  private long rpcs;
  private long messages;

  /** One node: its durable storage and its volatile node and state machine. */
  final class Member {
    private final String id;
    private final MemoryStorage storage = new MemoryStorage();
    private RaftNode node;
    private final List<LogEntry> applied = new ArrayList<>();
    private HardState durable = HardState.EMPTY;
    private long malformedBefore;

    Member(String id) {
      this.id = id;
    }

    String id() {
      return id;
    }

    MemoryStorage storage() {
      return storage;
    }

    RaftNode node() {
      return node;
    }

    boolean isUp() {
      return net.isUp(id);
    }

    /** The entries this member's state machine holds, from index 1. */
    List<LogEntry> applied() {
      return applied;
    }

    RaftStatus status() {
      return node.status();
    }

    /** Malformed messages this member's nodes dropped, over all its restarts. */
    long malformedSeen() {
      return malformedBefore + (node == null ? 0 : node.malformedMessages());
    }

    private void start() {
      if (node != null) {
        malformedBefore += node.malformedMessages();
      }
      applied.clear();
      node = RaftNode.start(configs.apply(id).withRandomSeed(sim.random().nextLong()), storage);
      long phase = sim.random().nextLong(TICK);
      net.schedule(id, phase, "tick " + id, this::tick);
    }

    private void tick() {
      net.schedule(id, TICK, "tick " + id, this::tick);
      node.tick();
      drain();
    }

    private void receive(RaftMessage m) {
      node.step(m);
      drain();
    }

    void drain() {
      while (node.hasReady()) {
        Ready r = node.ready();
        if (!r.entries().isEmpty()) {
          storage.append(r.entries());
          invariants.onPersist(this, r.entries());
        }
        if (r.hardState() != null) {
          invariants.onHardState(this, durable, r.hardState());
          storage.setHardState(r.hardState());
          durable = r.hardState();
        }
        for (RaftMessage m : r.messages()) {
          messages++;
          if (m instanceof AppendEntries || m instanceof Heartbeat || m instanceof RequestVote) {
            rpcs++;
          }
          net.send(id, m.to(), m);
        }
        for (LogEntry e : r.committedEntries()) {
          invariants.onApply(this, e, applied.size());
          applied.add(e);
        }
        node.advance(r);
      }
    }

    @Override
    public String toString() {
      return id + (isUp() ? "" : "(down)") + " " + (node == null ? "" : node.status());
    }
  }

  /**
   * Creates a cluster of {@code n} nodes named {@code n1 .. nn} with reliable links of latency 1 to
   * 5 (a tick is 10), election timeout 10 ticks and heartbeat 1 tick.
   *
   * @param n the number of nodes
   * @param seed the simulation's seed
   */
  Cluster(int n, long seed) {
    this(n, seed, () -> Links.reordering(1, 5), c -> c);
  }

  /**
   * Creates a cluster.
   *
   * @param n the number of nodes
   * @param seed the simulation's seed
   * @param links makes each directed link
   * @param options adjusts each node's config (from election 10 ticks, heartbeat 1)
   */
  Cluster(int n, long seed, Supplier<Link> links, Function<RaftConfig, RaftConfig> options) {
    this(n, 0, seed, links, options);
  }

  /**
   * Creates a cluster of {@code n} voters and {@code spares} nodes that start outside the
   * configuration ({@link RaftConfig#withJoining}), ready to be added: {@code n1 .. nn} vote, the
   * spares are named on from {@code n(n+1)}.
   */
  Cluster(
      int n,
      int spares,
      long seed,
      Supplier<Link> links,
      Function<RaftConfig, RaftConfig> options) {
    this.sim = new Simulation(seed);
    sim.keepTrace(Boolean.getBoolean(TRACE_PROPERTY));
    this.net = new SimNetwork<>(sim);
    List<String> names = new ArrayList<>();
    for (int i = 1; i <= n + spares; i++) {
      names.add("n" + i);
    }
    this.ids = List.copyOf(names);
    List<String> voters = List.copyOf(names.subList(0, n));
    System.Logger quiet = QuietLogger.INSTANCE;
    this.configs =
        id ->
            options.apply(
                (voters.contains(id)
                        ? new RaftConfig(id, voters, 10, 1, 0)
                        : RaftConfig.joining(id, voters, 10, 1, 0))
                    .withLogger(quiet));
    for (String id : ids) {
      Member m = new Member(id);
      members.put(id, m);
      net.addProcess(id, (from, msg) -> m.receive(msg));
    }
    net.connectAll(links);
    for (Member m : members.values()) {
      m.start();
    }
  }

  // ---- running --------------------------------------------------------------------------

  /** Runs one event and checks the invariants. */
  void step() {
    if (!sim.step()) {
      throw new IllegalStateException("nothing left to run");
    }
    invariants.afterEvent(members.values());
  }

  /** Runs for {@code ticks} ticks of virtual time. */
  void runFor(long ticks) {
    long until = sim.now() + ticks * TICK;
    while (sim.nextEventTime() <= until) {
      step();
    }
    sim.runUntil(until);
  }

  /**
   * Runs until {@code probe} returns a value, checking after every event, for at most {@code
   * maxTicks} ticks.
   */
  <T> T tickUntil(Probe<T> probe, long maxTicks) {
    long until = sim.now() + maxTicks * TICK;
    T value = probe.get();
    while (value == null) {
      if (sim.pending() == 0 || sim.nextEventTime() > until) {
        throw new AssertionError(
            "still no "
                + probe
                + " after "
                + maxTicks
                + " ticks (seed "
                + sim.seed()
                + "): "
                + members.values());
      }
      step();
      value = probe.get();
    }
    return value;
  }

  /** As {@link #tickUntil(Probe, long)}, for at most 100 election timeouts. */
  <T> T tickUntil(Probe<T> probe) {
    return tickUntil(probe, 1_000);
  }

  /** Something to wait for: null until it holds. */
  interface Probe<T> {
    T get();
  }

  /**
   * A leader that a majority of voters, up and reachable from it, follow in its term, the highest
   * term among live nodes.
   */
  Probe<String> oneLeader() {
    return new Probe<>() {
      @Override
      public String get() {
        return stableLeader();
      }

      @Override
      public String toString() {
        return "stable leader";
      }
    };
  }

  /** No node is leader of the highest term among up nodes with a majority following it. */
  Probe<Boolean> noLeader() {
    return new Probe<>() {
      @Override
      public Boolean get() {
        return stableLeader() == null ? Boolean.TRUE : null;
      }

      @Override
      public String toString() {
        return "absence of a leader";
      }
    };
  }

  String stableLeader() {
    for (Member m : members.values()) {
      if (!m.isUp() || m.status().role() != Role.LEADER) {
        continue;
      }
      long term = m.status().term();
      List<String> voters = m.node().membership().voters();
      int voting = 0;
      for (String v : voters) {
        Member f = members.get(v);
        boolean reachable = f == m || (!net.isBlocked(m.id, v) && !net.isBlocked(v, m.id));
        if (f != null
            && f.isUp()
            && reachable
            && f.status().term() == term
            && m.id.equals(f.status().leader())) {
          voting++;
        }
      }
      if (voting > voters.size() / 2) {
        return m.id;
      }
    }
    return null;
  }

  /** The node that is leader in the highest term among up nodes, or null. */
  String leader() {
    String best = null;
    long bestTerm = -1;
    for (Member m : members.values()) {
      if (m.isUp() && m.status().role() == Role.LEADER && m.status().term() > bestTerm) {
        best = m.id;
        bestTerm = m.status().term();
      }
    }
    return best;
  }

  // ---- faults -----------------------------------------------------------------------------

  /** Cuts {@code id} off from every other node. */
  void partition(String id) {
    net.isolate(id);
  }

  /** Cuts each of {@code ids} off from every other node (the rest stay connected). */
  void isolate(String... ids) {
    List<List<String>> groups = new ArrayList<>();
    for (String id : ids) {
      groups.add(List.of(id));
    }
    net.partitionInto(groups);
  }

  /** Splits the cluster into groups that cannot reach each other. */
  void split(List<List<String>> groups) {
    net.partitionInto(groups);
  }

  /** Gives every directed link a new behaviour from now on. */
  void setLinks(Supplier<Link> links) {
    for (String from : ids) {
      for (String to : ids) {
        if (!from.equals(to)) {
          net.setLink(from, to, links.get());
        }
      }
    }
  }

  /** Cuts {@code side} off from the others. */
  void partition(Collection<String> side) {
    net.partition(side);
  }

  /** Restores every link. */
  void heal() {
    net.heal();
  }

  /** Reconnects one node. */
  void reconnect(String id) {
    net.reconnect(id);
  }

  /** Crashes {@code id}: its node and state machine are lost, its storage kept. */
  void crash(String id) {
    net.crash(id);
  }

  /** Stops {@code id} for good. */
  void stop(String id) {
    net.stop(id);
  }

  /** Restarts a crashed node from its storage. */
  void restart(String id) {
    Member m = member(id);
    net.restart(id, (from, msg) -> m.receive(msg));
    m.start();
    m.drain();
  }

  // ---- proposals and agreement ------------------------------------------------------------

  /** Proposes {@code command} at the current leader; returns its index, or -1 if none leads. */
  long propose(String command) {
    for (Member m : members.values()) {
      if (m.isUp() && m.status().role() == Role.LEADER) {
        try {
          long index = m.node().propose(bytes(command));
          m.drain();
          return index;
        } catch (TransferInProgressException e) {
          return -1; // leadership is moving: a client would retry
        }
      }
    }
    return -1;
  }

  /** Proposes at a given node, which must lead. */
  long proposeAt(String id, String command) {
    Member m = member(id);
    long index = m.node().propose(bytes(command));
    m.drain();
    return index;
  }

  /**
   * How many members' state machines hold an entry at {@code index}, after checking that they all
   * hold the same one; returns that entry's command (or null) through {@code command}.
   */
  int nCommitted(long index, String[] command) {
    int count = 0;
    LogEntry seen = null;
    for (Member m : members.values()) {
      if (m.applied.size() >= index) {
        LogEntry e = m.applied.get((int) (index - 1));
        if (seen != null) {
          assertEquals(seen, e, "members disagree at index " + index);
        }
        seen = e;
        count++;
      }
    }
    command[0] = seen == null ? null : text(seen);
    return count;
  }

  /**
   * The agreement helper of the MIT 6.824 labs, in virtual time: proposes {@code command} at a
   * leader until at least {@code expected} members apply it at the index it was given, retrying on
   * other leaders if {@code retry}; fails after 1,000 ticks.
   */
  long one(String command, int expected, boolean retry) {
    long deadline = sim.now() + 1_000 * TICK;
    int start = 0;
    while (sim.now() < deadline) {
      long index = -1;
      for (int k = 0; k < ids.size(); k++) {
        Member m = members.get(ids.get((start + k) % ids.size()));
        if (m.isUp() && m.status().role() == Role.LEADER) {
          try {
            index = m.node().propose(bytes(command));
          } catch (TransferInProgressException e) {
            continue; // leadership is moving: try another, or later
          }
          m.drain();
          break;
        }
      }
      start++;
      if (index >= 0) {
        long until = sim.now() + 200 * TICK;
        while (sim.now() < until) {
          String[] got = new String[1];
          if (nCommitted(index, got) >= expected && command.equals(got[0])) {
            return index;
          }
          if (sim.pending() == 0) {
            break;
          }
          step();
        }
        if (!retry) {
          throw new AssertionError(
              "one(" + command + ") failed to reach agreement (seed " + sim.seed() + ")");
        }
      } else {
        runFor(5);
      }
    }
    throw new AssertionError(
        "one("
            + command
            + ") failed to reach agreement (seed "
            + sim.seed()
            + "): "
            + members.values());
  }

  /**
   * Asserts that every member that is up applies exactly {@code commands}, in order, after the
   * no-ops, within 1,000 ticks.
   */
  void assertCommittedEverywhere(List<String> commands) {
    tickUntil(
        new Probe<Boolean>() {
          @Override
          public Boolean get() {
            for (Member m : members.values()) {
              if (m.isUp() && !commandsOf(m).equals(commands)) {
                return null;
              }
            }
            return Boolean.TRUE;
          }

          @Override
          public String toString() {
            return "agreement on " + commands;
          }
        });
  }

  /** The commands (non-empty entries) a member's state machine holds, in order. */
  static List<String> commandsOf(Member m) {
    return commands(m.applied);
  }

  /** The commands (non-empty entries) among {@code entries}, in order. */
  static List<String> commands(List<LogEntry> entries) {
    List<String> out = new ArrayList<>();
    for (LogEntry e : entries) {
      if (!e.isEmpty()) {
        out.add(text(e));
      }
    }
    return out;
  }

  // ---- inspection -------------------------------------------------------------------------

  /** The last {@code n} trace lines, if {@value #TRACE_PROPERTY} is set; else a hint to set it. */
  String traceTail(int n) {
    List<dev.weft.testkit.sim.TraceEntry> trace = sim.trace();
    if (trace.isEmpty()) {
      return "(run with -D" + TRACE_PROPERTY + "=true to see the events before the failure)";
    }
    StringBuilder b = new StringBuilder("last events:\n");
    for (var e : trace.subList(Math.max(0, trace.size() - n), trace.size())) {
      b.append("  ").append(e).append('\n');
    }
    return b.toString();
  }

  Member member(String id) {
    Member m = members.get(id);
    if (m == null) {
      throw new IllegalArgumentException("no member " + id);
    }
    return m;
  }

  Collection<Member> members() {
    return members.values();
  }

  List<String> ids() {
    return ids;
  }

  /** AppendEntries, heartbeats and vote requests sent: the RPCs, answers not counted. */
  long rpcs() {
    return rpcs;
  }

  /** Every message sent, requests and answers. */
  long messages() {
    return messages;
  }

  long term(String id) {
    return member(id).status().term();
  }

  void assertInvariantsChecked() {
    assertTrue(invariants.checks() > 0, "the invariants were never checked");
  }

  static byte[] bytes(String command) {
    return command.getBytes(StandardCharsets.UTF_8);
  }

  static String text(LogEntry e) {
    return new String(e.data(), StandardCharsets.UTF_8);
  }
}
