package dev.weft.replication.sim;

import dev.weft.raft.MemoryStorage;
import dev.weft.raft.RaftConfig;
import dev.weft.replication.Node;
import dev.weft.replication.Outbound;
import dev.weft.replication.config.ConfigNode;
import dev.weft.replication.kv.KvClientNode;
import dev.weft.replication.kv.KvOp;
import dev.weft.replication.kv.KvResult;
import dev.weft.testkit.lin.History;
import dev.weft.testkit.lin.KeyValueModel;
import dev.weft.testkit.lin.LinearizabilityChecker;
import dev.weft.testkit.sim.Link;
import dev.weft.testkit.sim.Links;
import dev.weft.testkit.sim.SimNetwork;
import dev.weft.testkit.sim.Simulation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Nodes of this module as processes of the testkit's simulated network, in virtual time: a
 * configuration service (a Raft group on {@link MemoryStorage} that survives crashes), whatever
 * servers a test adds, and key-value clients whose operations go into a {@link History}. A monitor
 * runs after every event that touched a node (a delivery or a tick), so that invariants are checked
 * at every step.
 */
public final class SimWorld {
  /** The Raft groups' elections are logged at INFO; thousands of seeded runs need not show them. */
  static final System.Logger QUIET =
      new System.Logger() {
        @Override
        public String getName() {
          return "dev.weft.raft";
        }

        @Override
        public boolean isLoggable(Level level) {
          return level.getSeverity() >= Level.WARNING.getSeverity();
        }

        @Override
        public void log(
            Level level, java.util.ResourceBundle bundle, String msg, Throwable thrown) {
          if (isLoggable(level)) {
            System.err.println(level + " " + msg + (thrown == null ? "" : " " + thrown));
          }
        }

        @Override
        public void log(
            Level level, java.util.ResourceBundle bundle, String format, Object... params) {
          if (isLoggable(level)) {
            System.err.println(level + " " + java.text.MessageFormat.format(format, params));
          }
        }
      };

  /** Virtual time units per tick. */
  public static final long TICK = 20;

  public final Simulation sim;
  public final SimNetwork<Object> net;
  public final Random random;
  public final List<String> configIds = new ArrayList<>();
  public final History<KeyValueModel.Op, KeyValueModel.Result> history;
  public final List<String> violations = new ArrayList<>();
  private final Map<String, MemoryStorage> configStorage = new HashMap<>();
  private final Map<String, Node> up = new LinkedHashMap<>();
  private final List<SimClient> clients = new ArrayList<>();
  private Runnable monitor = () -> {};
  private String eventNode;
  private String eventFrom;
  private Object eventMessage;
  private int configStarts;

  public SimWorld(long seed) {
    sim = new Simulation(seed);
    sim.keepTrace(Boolean.getBoolean("weft.trace"));
    random = sim.random();
    net = new SimNetwork<>(sim);
    history = new History<>(sim::now);
  }

  /** Faulty links: 5% loss, 3% duplication, reordering, 3% held back up to 100 units. */
  public static Supplier<Link> faultyLinks() {
    return () ->
        Links.builder()
            .latency(1, 5)
            .loss(0.05)
            .duplication(0.03)
            .longDelay(0.03, 100)
            .fifo(false)
            .build();
  }

  /** Reliable links with a little jitter, for scripted scenarios. */
  public static Supplier<Link> reliableLinks() {
    return () -> Links.builder().latency(1, 3).fifo(false).build();
  }

  /** Adds a configuration group of {@code size} members, cfg1..cfgN. */
  public void addConfigGroup(int size) {
    for (int i = 1; i <= size; i++) {
      configIds.add("cfg" + i);
    }
    for (String id : configIds) {
      configStorage.put(id, new MemoryStorage());
      add(newConfigNode(id));
    }
  }

  private ConfigNode newConfigNode(String id) {
    return new ConfigNode(
        new RaftConfig(id, configIds, 10, 2, sim.seed() * 7919 + configStarts++).withLogger(QUIET),
        configStorage.get(id));
  }

  /** Sets what runs after every event that touched a node. */
  public void monitor(Runnable monitor) {
    this.monitor = monitor;
  }

  /** Adds a process for {@code node} and starts its ticks. Call before {@link #connect}. */
  public void add(Node node) {
    String id = node.id();
    net.addProcess(id, (from, message) -> deliver(id, from, message));
    up.put(id, node);
    startTicks(node);
  }

  /** Links every pair of processes. */
  public void connect(Supplier<Link> links) {
    net.connectAll(links);
  }

  private void deliver(String to, String from, Object message) {
    Node n = up.get(to);
    if (n != null) {
      eventNode = to;
      eventFrom = from;
      eventMessage = message;
      n.receive(from, message);
      flush(n);
      monitor.run();
    }
  }

  private void flush(Node n) {
    for (Outbound out : n.drainOutbox()) {
      net.send(n.id(), out.to(), out.message());
    }
  }

  private void startTicks(Node n) {
    startTicks(n, "tick " + n.id());
  }

  private void startTicks(Node n, String label) {
    net.schedule(
        n.id(),
        TICK,
        label,
        () -> {
          if (up.get(n.id()) == n) {
            eventNode = n.id();
            eventMessage = null;
            n.tick();
            flush(n);
            monitor.run();
            startTicks(n, label);
          }
        });
  }

  /** Runs {@code action} on a live node now (inside the current event), then sends its output. */
  @SuppressWarnings("unchecked")
  public <N extends Node> void act(String id, Consumer<N> action) {
    Node n = up.get(id);
    if (n != null) {
      eventNode = id;
      eventFrom = "the test";
      eventMessage = "an action";
      action.accept((N) n);
      flush(n);
      monitor.run();
    }
  }

  /** The event that ran last, as the trace would say it. */
  public String lastEvent() {
    return "at "
        + sim.now()
        + ": "
        + (eventMessage == null
            ? "tick " + eventNode
            : "deliver " + eventFrom + "->" + eventNode + ": " + eventMessage);
  }

  /** The node the last event ran on. */
  public String lastEventNode() {
    return eventNode;
  }

  @SuppressWarnings("unchecked")
  public <N extends Node> N node(String id) {
    return (N) up.get(id);
  }

  public boolean isUp(String id) {
    return up.containsKey(id);
  }

  public void crash(String id) {
    if (up.remove(id) != null) {
      net.crash(id);
    }
  }

  /** Restarts a crashed process as {@code fresh}. */
  public void restart(Node fresh) {
    String id = fresh.id();
    if (up.containsKey(id)) {
      return;
    }
    net.restart(id, (from, message) -> deliver(id, from, message));
    up.put(id, fresh);
    startTicks(fresh);
  }

  /** Restarts a crashed configuration member from its storage. */
  public void restartConfig(String id) {
    restart(newConfigNode(id));
  }

  public long crashedConfigMembers() {
    return configIds.stream().filter(id -> !isUp(id)).count();
  }

  // ---- clients and their history --------------------------------------------------------------

  /** Adds {@code n} key-value clients c0..c(n-1) with the routing of a scheme. */
  public void addClients(int n, KvClientNode.Routing routing) {
    for (int i = 0; i < n; i++) {
      KvClientNode node = new KvClientNode("c" + i, 1000 + i, configIds, routing, 20);
      add(node);
      clients.add(new SimClient(i, node.id()));
    }
  }

  /** Clients issue random operations on {@code keys} keys until virtual time {@code end}. */
  public void startClients(int keys, long end) {
    for (SimClient c : clients) {
      c.keys = keys;
      c.stopAt = end;
      c.next();
    }
  }

  public boolean clientsIdle() {
    return clients.stream().allMatch(c -> c.call == null);
  }

  /**
   * Ends a run: at virtual time {@code run}, heals the network and restarts what is down ({@code
   * restartAll}), lets the clients finish what they have, then has client 0 read every key, each
   * for at most 20,000 units.
   */
  public void settle(long run, int keys, Runnable restartAll) {
    sim.runUntil(run);
    net.heal();
    restartAll.run();
    sim.runUntil(() -> clientsIdle() || sim.now() > run + 20_000, 3_000_000);
    if (clientsIdle()) {
      finalReads(keys);
      sim.runUntil(() -> clientsIdle() || sim.now() > run + 40_000, 3_000_000);
    }
  }

  /** Client 0 reads every key (after the others are done), so that lost writes show. */
  public void finalReads(int keys) {
    SimClient c = clients.get(0);
    for (int k = 0; k < keys; k++) {
      c.script.add(KvOp.get("k" + k));
    }
    c.next();
  }

  /** An operation a scenario submitted, and its result once answered. */
  public static final class Submitted {
    private KvResult result;

    public boolean done() {
      return result != null;
    }

    public KvResult result() {
      return result;
    }
  }

  /** Submits {@code op} from client {@code index} now, recording it in the history. */
  public Submitted submit(int index, KvOp op) {
    Submitted s = new Submitted();
    var call = history.invoke(index, model(op));
    act(
        "c" + index,
        (KvClientNode c) ->
            c.submit(
                op,
                r -> {
                  call.ok(model(r));
                  s.result = r;
                }));
    return s;
  }

  /** Runs until {@code s} is answered, at most {@code maxTime} more units. */
  public KvResult await(Submitted s, long maxTime) {
    long end = sim.now() + maxTime;
    sim.runUntil(() -> s.done() || sim.now() > end, 10_000_000);
    if (!s.done()) {
      throw new AssertionError("not answered within " + maxTime + " units");
    }
    return s.result();
  }

  /** Runs until {@code condition} holds, at most {@code maxTime} more units. */
  public void awaitCondition(
      java.util.function.BooleanSupplier condition, long maxTime, String what) {
    long end = sim.now() + maxTime;
    sim.runUntil(() -> condition.getAsBoolean() || sim.now() > end, 10_000_000);
    if (!condition.getAsBoolean()) {
      throw new AssertionError("not within " + maxTime + " units: " + what);
    }
  }

  public static KeyValueModel.Op model(KvOp op) {
    return new KeyValueModel.Op(
        KeyValueModel.Kind.valueOf(op.kind().name()), op.key(), op.value(), op.expected());
  }

  public static KeyValueModel.Result model(KvResult r) {
    return new KeyValueModel.Result(r.value(), r.ok());
  }

  public LinearizabilityChecker.Result check() {
    return LinearizabilityChecker.check(new KeyValueModel(), history.operations());
  }

  public long completedOperations() {
    return history.operations().stream().filter(o -> o.known()).count();
  }

  /** The last {@code n} trace lines, when {@code -Dweft.trace=true} kept them. */
  public String traceTail(int n) {
    var t = sim.trace();
    StringBuilder b = new StringBuilder();
    for (var e : t.subList(Math.max(0, t.size() - n), t.size())) {
      b.append(e).append('\n');
    }
    return b.toString();
  }

  private final class SimClient {
    final int index;
    final String id;
    final java.util.ArrayDeque<KvOp> script = new java.util.ArrayDeque<>();
    int keys;
    long stopAt;
    long seq;
    History<KeyValueModel.Op, KeyValueModel.Result>.Call call;
    String lastRead;

    SimClient(int index, String id) {
      this.index = index;
      this.id = id;
    }

    void next() {
      if (call != null) {
        return;
      }
      net.schedule(id, random.nextInt(20), "think " + id, this::issue);
    }

    void issue() {
      if (call != null) {
        return;
      }
      KvOp op;
      if (!script.isEmpty()) {
        op = script.poll();
      } else if (sim.now() < stopAt) {
        op = randomOp();
      } else {
        return;
      }
      call = history.invoke(index, model(op));
      act(
          id,
          (KvClientNode c) ->
              c.submit(
                  op,
                  result -> {
                    if (op.isRead()) {
                      lastRead = result.value();
                    }
                    call.ok(model(result));
                    call = null;
                    next();
                  }));
    }

    KvOp randomOp() {
      String key = "k" + random.nextInt(keys);
      String v = id + "." + (++seq);
      return switch (random.nextInt(10)) {
        case 0, 1, 2 -> KvOp.get(key);
        case 3, 4 -> KvOp.put(key, v);
        case 5, 6 -> KvOp.append(key, v + ";");
        case 7 -> KvOp.delete(key);
        default -> KvOp.cas(key, lastRead, v);
      };
    }
  }
}
