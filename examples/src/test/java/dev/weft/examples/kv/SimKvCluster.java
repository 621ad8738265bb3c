package dev.weft.examples.kv;

import dev.weft.raft.MemoryStorage;
import dev.weft.raft.NotLeaderException;
import dev.weft.raft.RaftConfig;
import dev.weft.raft.RaftMessage;
import dev.weft.raft.server.Envelope;
import dev.weft.raft.server.ReadMode;
import dev.weft.raft.server.Replica;
import dev.weft.raft.server.ServerOptions;
import dev.weft.raft.server.SnapshotPolicy;
import dev.weft.raft.server.StateMachine;
import dev.weft.testkit.lin.History;
import dev.weft.testkit.lin.KeyValueModel;
import dev.weft.testkit.lin.LinearizabilityChecker;
import dev.weft.testkit.sim.Link;
import dev.weft.testkit.sim.Links;
import dev.weft.testkit.sim.ScheduledEvent;
import dev.weft.testkit.sim.SimNetwork;
import dev.weft.testkit.sim.Simulation;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A replicated key-value service in virtual time, for checking a service, yours or weft's, the way
 * weft checks its own: {@link Replica}s (the code {@code RaftServer} runs) and clients as processes
 * of the testkit's simulated network, links that lose, duplicate, delay and reorder messages, and a
 * nemesis that partitions the servers, isolates the leader and crashes servers (which restart from
 * their storage). Every client operation goes into a {@link History}, checked for linearizability
 * at the end; every command applied anywhere is checked on the fly (no two replicas apply different
 * commands at one index; with weft's {@link KvStateMachine}, no replica executes a request twice),
 * and the replicas must converge once the faults stop.
 *
 * {@snippet :
 * // your StateMachine, speaking KvCommand and KvResult (or weft's KvStateMachine)
 * SimKvCluster c = SimKvCluster.run(seed, MyMap::new);
 * assertEquals(List.of(), c.violations());
 * assertTrue(c.checkLinearizable().linearizable(), c.checkLinearizable().describe());
 * }
 *
 * <p>The service under test is any {@link StateMachine} that applies encoded {@link KvCommand}s and
 * answers with encoded {@link KvResult}s: it must register client sessions ({@link
 * KvCommand.Kind#REGISTER}, answered with the session id as 8 bytes), deduplicate retried requests
 * by session and number, and may expire idle sessions by refusing with {@link
 * SessionExpiredException}. Clients register, issue random get, put, append, delete and
 * compare-and-set requests on a few keys, retry on another server after 200 virtual milliseconds or
 * a refusal, and now and then start over with a new session (so that old sessions expire).
 *
 * <p>A run is a function of its seed: the same seed gives the same events, history and verdict
 * ({@code -Dweft.trace=true} keeps the trace for {@link #traceTail}). Published in the test jar of
 * {@code weft-examples} (see the README); not thread-safe, like the simulation it drives.
 */
public final class SimKvCluster {
  /** Virtual milliseconds per Raft tick. */
  public static final long TICK = 10;

  /** Applied entries between two snapshots of a server (with a tail of 10 kept in the log). */
  public static final long SNAPSHOT_EVERY = 40;

  /** Virtual milliseconds of client traffic in {@link #run}. */
  public static final long RUN = 20_000;

  /** The session timeout of the replicated clock in {@link #run}, in virtual milliseconds. */
  public static final Duration SESSION_TIMEOUT = Duration.ofMillis(5_000);

  record ClientRequest(long seq, byte[] command) {
    @Override
    public String toString() {
      return "request #" + seq;
    }
  }

  record ClientReply(long seq, byte[] result, String failure, String leader) {
    @Override
    public String toString() {
      return "reply #" + seq + (failure == null ? "" : " " + failure + " leader=" + leader);
    }
  }

  private record Executed(long client, long seq) {}

  private final Simulation sim;
  private final SimNetwork<Object> net;
  private final List<String> servers = new ArrayList<>();
  private final History<KeyValueModel.Op, KeyValueModel.Result> history;
  private final List<String> violations = new ArrayList<>();
  private final Function<KvStateMachine.Listener, StateMachine> service;
  private final Map<String, MemoryStorage> storages = new HashMap<>();
  private final Map<String, Replica> replicas = new LinkedHashMap<>();
  private final Map<String, StateMachine> machines = new HashMap<>();
  private final Map<Long, byte[]> appliedAt = new HashMap<>();
  private final List<SimClient> clients = new ArrayList<>();
  private final List<String> keys;
  private final Random random;
  private int starts;
  private long crashes;
  private long snapshotsSent;
  private long partitions;
  private long registrations;

  /** A deliberate bug for the test of the tests: servers answer reads from local state. */
  boolean staleReads;

  /**
   * A deliberate bug for the test of the tests: a server that believes it leads answers reads from
   * its local state without confirming with a quorum that it still leads (a leader cut off by a
   * partition goes on serving until CheckQuorum makes it step down).
   */
  boolean unconfirmedLeaderReads;

  /** Whether the servers run with CheckQuorum (a cut-off leader then steps down by itself). */
  private final boolean checkQuorum;

  /** How gets are served: null through the log, else without it (ReadIndex or lease). */
  private ReadMode readMode;

  /**
   * Creates a cluster running weft's {@link KvStateMachine} (with {@link #SESSION_TIMEOUT}).
   *
   * @param seed the simulation's seed
   * @param size the number of servers
   * @param clientCount the number of clients
   * @param keyCount the number of keys the clients use
   * @param links makes each directed link of the network
   */
  public SimKvCluster(long seed, int size, int clientCount, int keyCount, Supplier<Link> links) {
    this(
        seed,
        size,
        clientCount,
        keyCount,
        links,
        listener -> new KvStateMachine(SESSION_TIMEOUT, listener));
    this.readMode = ReadMode.READ_INDEX;
  }

  /**
   * Chooses how servers answer gets: through the log (null), or without it, by ReadIndex or by the
   * lease ({@link ReadMode}); a follower serves a get at the read index its leader gives. weft's
   * {@link KvStateMachine} defaults to ReadIndex; another service to the log (it may not implement
   * {@link StateMachine#read}).
   *
   * @param mode the read path, or null for the log
   * @return this cluster
   */
  public SimKvCluster readMode(ReadMode mode) {
    this.readMode = mode;
    return this;
  }

  /**
   * Creates a cluster running the service {@code service} makes for each server start. A service of
   * weft's own may report the commands it executes to the listener, for the check that no request
   * is executed twice; another may ignore it.
   *
   * @param seed the simulation's seed
   * @param size the number of servers
   * @param clientCount the number of clients
   * @param keyCount the number of keys the clients use
   * @param links makes each directed link of the network
   * @param service makes a server's state machine (a fresh, empty one at each start)
   */
  public SimKvCluster(
      long seed,
      int size,
      int clientCount,
      int keyCount,
      Supplier<Link> links,
      Function<KvStateMachine.Listener, StateMachine> service) {
    this(seed, size, clientCount, keyCount, links, service, true);
  }

  /**
   * The planted bug of issue 15 on weft's map: five servers whose leader answers gets from its own
   * state without confirming it still leads, and without CheckQuorum, so that a leader cut off by a
   * partition believes it leads until the partition heals.
   */
  static SimKvCluster unconfirmedLeaderReads(long seed) {
    SimKvCluster c =
        new SimKvCluster(
            seed,
            5,
            4,
            3,
            faultyLinks(),
            listener -> new KvStateMachine(SESSION_TIMEOUT, listener),
            false);
    c.unconfirmedLeaderReads = true;
    return c;
  }

  private SimKvCluster(
      long seed,
      int size,
      int clientCount,
      int keyCount,
      Supplier<Link> links,
      Function<KvStateMachine.Listener, StateMachine> service,
      boolean checkQuorum) {
    this.service = Objects.requireNonNull(service, "service");
    this.checkQuorum = checkQuorum;
    sim = new Simulation(seed);
    sim.keepTrace(Boolean.getBoolean("weft.trace"));
    random = sim.random();
    net = new SimNetwork<>(sim);
    history = new History<>(sim::now);
    List<String> k = new ArrayList<>();
    for (int i = 0; i < keyCount; i++) {
      k.add("k" + i);
    }
    keys = List.copyOf(k);
    for (int i = 1; i <= size; i++) {
      servers.add("s" + i);
    }
    for (String id : servers) {
      storages.put(id, new MemoryStorage());
      Replica r = newReplica(id);
      net.addProcess(id, receiver(id, r));
      scheduleTick(id, r);
    }
    for (int i = 0; i < clientCount; i++) {
      SimClient c = new SimClient(i);
      clients.add(c);
      net.addProcess(c.name, c::onReply);
    }
    net.connectAll(links);
  }

  /**
   * Links that lose 5% of messages, duplicate 3%, delay 3% by up to 100 virtual milliseconds, and
   * reorder them: the network of {@link #run}.
   *
   * @return a supplier of such links
   */
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

  /**
   * Runs the standard scenario on weft's {@link KvStateMachine}: see {@link #run(long, Supplier)}.
   *
   * @param seed the seed
   * @return the cluster after the run
   */
  public static SimKvCluster run(long seed) {
    return run(new SimKvCluster(seed, 5, 4, 3, faultyLinks()), RUN);
  }

  /**
   * Runs the standard scenario on your service: five servers, four clients, three keys, {@link
   * #faultyLinks()}, a nemesis every 500 virtual milliseconds during {@link #RUN} virtual
   * milliseconds of client traffic, then {@link #settle} and {@link #checkConvergence}. Check
   * {@link #violations()} and {@link #checkLinearizable()} afterwards.
   *
   * @param seed the seed
   * @param service makes a server's state machine (a fresh, empty one at each start)
   * @return the cluster after the run
   */
  public static SimKvCluster run(long seed, Supplier<? extends StateMachine> service) {
    return run(new SimKvCluster(seed, 5, 4, 3, faultyLinks(), l -> service.get()), RUN);
  }

  static SimKvCluster run(SimKvCluster c, long run) {
    c.nemesis(500, run);
    c.startClients(run);
    c.sim.runUntil(run);
    c.settle(3_000);
    c.checkConvergence();
    return c;
  }

  private Replica newReplica(String id) {
    Set<Executed> seen = new HashSet<>();
    StateMachine inner =
        service.apply(
            (index, c) -> {
              if (!seen.add(new Executed(c.client(), c.seq()))) {
                violations.add(
                    id + " executed request " + c.seq() + " of client " + c.client() + " twice");
              }
            });
    machines.put(id, inner);
    StateMachine checked =
        new StateMachine() {
          @Override
          public byte[] apply(long index, byte[] command) {
            byte[] before = appliedAt.putIfAbsent(index, command);
            if (before != null && !Arrays.equals(before, command)) {
              violations.add(id + " applied a different command at index " + index);
            }
            return inner.apply(index, command);
          }

          @Override
          public byte[] read(byte[] query) {
            return inner.read(query);
          }

          @Override
          public byte[] snapshot() {
            return inner.snapshot();
          }

          @Override
          public void restore(byte[] snapshot) {
            inner.restore(snapshot);
          }

          @Override
          public void snapshot(java.io.OutputStream out) throws java.io.IOException {
            inner.snapshot(out);
          }

          @Override
          public void restore(java.io.InputStream in) throws java.io.IOException {
            inner.restore(in);
          }
        };
    RaftConfig config =
        new RaftConfig(id, servers, 10, 1, sim.seed() * 31 + (starts++))
            .withCheckQuorum(checkQuorum);
    ServerOptions options =
        ServerOptions.defaults()
            .withTickInterval(Duration.ofMillis(TICK))
            .withProposalTimeout(Duration.ofSeconds(1))
            // frequent snapshots and a short tail: a server down or cut off for a while catches
            // up by InstallSnapshot, in small chunks
            .withSnapshots(
                SnapshotPolicy.every(SNAPSHOT_EVERY).withRetainedEntries(10).withChunkBytes(512));
    // the lease (ReadMode.LEASE) is timed on the simulation's virtual clock
    Replica r =
        new Replica(config, storages.get(id), checked, options, () -> sim.now() * 1_000_000L);
    replicas.put(id, r);
    return r;
  }

  private SimNetwork.Receiver<Object> receiver(String id, Replica r) {
    return (from, message) -> {
      if (replicas.get(id) != r) {
        return;
      }
      if (message instanceof Envelope e) {
        if (e instanceof Envelope.Raft raft
            && raft.message() instanceof RaftMessage.InstallSnapshot chunk
            && chunk.done()) {
          snapshotsSent++;
        }
        r.receive(e);
      } else if (message instanceof ClientRequest q) {
        KvCommand c = KvCommand.decode(q.command());
        if (staleReads
            && c.kind() == KvCommand.Kind.GET
            && machines.get(id) instanceof KvStateMachine kv) {
          // the bug a fast read path must avoid: answering from local state, on any server
          KvResult local = new KvResult(kv.peek(c.key()), true);
          net.send(id, from, new ClientReply(q.seq(), local.encode(), null, null));
          return;
        }
        boolean get = c.kind() == KvCommand.Kind.GET;
        if (get
            && unconfirmedLeaderReads
            && r.isLeader()
            && machines.get(id) instanceof KvStateMachine kv) {
          // the bug ReadIndex exists to avoid: a leader answering without confirming it leads
          KvResult local = new KvResult(kv.peek(c.key()), true);
          net.send(id, from, new ClientReply(q.seq(), local.encode(), null, null));
          return;
        }
        (get && readMode != null ? r.read(q.command(), readMode) : r.submit(q.command()))
            .whenComplete(
                (result, failure) -> {
                  if (replicas.get(id) != r) {
                    return; // crashed meanwhile: its answers are lost
                  }
                  ClientReply reply;
                  if (failure == null) {
                    reply = new ClientReply(q.seq(), result, null, null);
                  } else if (failure instanceof NotLeaderException n) {
                    reply = new ClientReply(q.seq(), null, "not-leader", n.leader());
                  } else {
                    reply =
                        new ClientReply(q.seq(), null, failure.getClass().getSimpleName(), null);
                  }
                  net.send(id, from, reply);
                });
      }
      flush(id, r);
    };
  }

  private void flush(String id, Replica r) {
    for (Envelope e : r.flush()) {
      net.send(id, e.to(), e);
    }
  }

  private void scheduleTick(String id, Replica r) {
    net.schedule(
        id,
        TICK,
        "tick " + id,
        () -> {
          if (replicas.get(id) == r) {
            r.tick();
            flush(id, r);
            scheduleTick(id, r);
          }
        });
  }

  // ---- faults ---------------------------------------------------------------------------------

  /**
   * Crashes a server: its replica and state machine are lost, its storage kept.
   *
   * @param id the server
   */
  public void crash(String id) {
    if (replicas.remove(id) != null) {
      net.crash(id);
      crashes++;
    }
  }

  /**
   * Restarts a crashed server from its storage, with a new, empty state machine.
   *
   * @param id the server
   */
  public void restart(String id) {
    if (!replicas.containsKey(id)) {
      Replica r = newReplica(id);
      net.restart(id, receiver(id, r));
      scheduleTick(id, r);
    }
  }

  /**
   * Cuts the servers into two sides (clients still reach every server).
   *
   * @param side the servers on one side
   */
  public void split(List<String> side) {
    for (String a : servers) {
      for (String b : servers) {
        if (side.contains(a) != side.contains(b)) {
          net.cut(a, b);
        }
      }
    }
    partitions++;
  }

  /** Removes every partition. */
  public void heal() {
    net.heal();
  }

  /**
   * The server that believes it leads, if any.
   *
   * @return its id, or null
   */
  public String leader() {
    for (Map.Entry<String, Replica> e : replicas.entrySet()) {
      if (e.getValue().isLeader()) {
        return e.getKey();
      }
    }
    return null;
  }

  /**
   * A random fault every {@code period} virtual ms until {@code end}, healing in between: a
   * partition, the leader cut off, a crash (of at most a minority at once), or nothing.
   *
   * @param period virtual milliseconds between faults
   * @param end when the faults stop
   */
  public void nemesis(long period, long end) {
    sim.schedule(
        period,
        "nemesis",
        () -> {
          if (sim.now() >= end) {
            return;
          }
          heal();
          for (String id : servers) {
            if (!replicas.containsKey(id) && random.nextBoolean()) {
              restart(id);
            }
          }
          int crashed = servers.size() - replicas.size();
          switch (random.nextInt(4)) {
            case 0 -> {
              List<String> side = new ArrayList<>(servers);
              java.util.Collections.shuffle(side, random);
              split(side.subList(0, 1 + random.nextInt(servers.size() / 2)));
            }
            case 1 -> {
              String leader = leader();
              if (leader != null) {
                split(List.of(leader));
              }
            }
            case 2 -> {
              if (crashed < (servers.size() - 1) / 2) {
                String victim =
                    random.nextBoolean() && leader() != null
                        ? leader()
                        : servers.get(random.nextInt(servers.size()));
                crash(victim);
              }
            }
            default -> {
              // a quiet period
            }
          }
          nemesis(period, end);
        });
  }

  // ---- running ----------------------------------------------------------------------------------

  /**
   * Clients issue random operations until virtual time {@code end}, then finish what they have.
   *
   * @param end when clients stop starting new operations
   */
  public void startClients(long end) {
    for (SimClient c : clients) {
      c.stopAt = end;
      c.scheduleNext();
    }
  }

  /**
   * Heals everything, restarts crashed servers, lets clients finish what they have, has client 0
   * read every key, and lets the replicas converge for {@code quiet} virtual ms.
   *
   * @param quiet virtual milliseconds without faults or traffic at the end
   */
  public void settle(long quiet) {
    heal();
    for (String id : servers) {
      restart(id);
    }
    sim.runUntil(this::clientsIdle, 50_000_000);
    SimClient auditor = clients.get(0);
    auditor.script.addAll(keys);
    auditor.scheduleNext();
    sim.runUntil(() -> auditor.script.isEmpty() && auditor.current == null, 50_000_000);
    sim.runUntil(sim.now() + quiet);
  }

  /**
   * Whether no client waits for an answer.
   *
   * @return true if every client is idle
   */
  public boolean clientsIdle() {
    for (SimClient c : clients) {
      if (c.current != null) {
        return false;
      }
    }
    return true;
  }

  /** Records a violation unless replicas that have applied the same index hold the same state. */
  public void checkConvergence() {
    byte[] first = null;
    long firstApplied = -1;
    for (Map.Entry<String, Replica> e : replicas.entrySet()) {
      byte[] state = machines.get(e.getKey()).snapshot();
      long applied = e.getValue().applied();
      if (first == null) {
        first = state;
        firstApplied = applied;
      } else if (applied != firstApplied) {
        violations.add(
            "after settling, "
                + e.getKey()
                + " applied up to "
                + applied
                + " but "
                + servers.get(0)
                + " up to "
                + firstApplied
                + " at virtual time "
                + sim.now()
                + "; replicas: "
                + replicas.values());
      } else if (!Arrays.equals(first, state)) {
        violations.add("after settling, " + e.getKey() + " holds a different state");
      }
    }
  }

  /**
   * Checks the clients' history against the sequential model of a map.
   *
   * @return the verdict, with a counterexample if it is not linearizable
   */
  public LinearizabilityChecker.Result checkLinearizable() {
    return LinearizabilityChecker.check(new KeyValueModel(), history.operations());
  }

  // ---- what happened --------------------------------------------------------------------------

  /**
   * The simulation, for its clock, fingerprint and trace.
   *
   * @return the simulation
   */
  public Simulation sim() {
    return sim;
  }

  /**
   * The clients' operations so far.
   *
   * @return the history
   */
  public History<KeyValueModel.Op, KeyValueModel.Result> history() {
    return history;
  }

  /**
   * What went wrong: commands executed twice, replicas disagreeing at an index or after settling,
   * clients getting no result.
   *
   * @return the violations, empty if none
   */
  public List<String> violations() {
    return violations;
  }

  /**
   * Snapshots delivered whole to a follower by InstallSnapshot (last chunks received) so far.
   *
   * @return the count
   */
  public long snapshotsSent() {
    return snapshotsSent;
  }

  /**
   * Servers crashed so far.
   *
   * @return the count
   */
  public long crashes() {
    return crashes;
  }

  /**
   * Partitions made so far.
   *
   * @return the count
   */
  public long partitions() {
    return partitions;
  }

  /**
   * Client sessions registered so far (each client's first, and each start-over).
   *
   * @return the count
   */
  public long registrations() {
    return registrations;
  }

  /**
   * The state machine each running server has now.
   *
   * @return server id to state machine
   */
  public Map<String, StateMachine> machines() {
    Map<String, StateMachine> m = new LinkedHashMap<>();
    for (String id : replicas.keySet()) {
      m.put(id, machines.get(id));
    }
    return m;
  }

  /**
   * The last {@code n} trace entries, when {@code -Dweft.trace=true} kept them.
   *
   * @param n how many
   * @return one entry per line
   */
  public String traceTail(int n) {
    var t = sim.trace();
    StringBuilder b = new StringBuilder();
    for (var e : t.subList(Math.max(0, t.size() - n), t.size())) {
      b.append(e).append('\n');
    }
    return b.toString();
  }

  // ---- clients --------------------------------------------------------------------------------

  private final class SimClient {
    final int index;
    final String name;
    final ArrayDeque<String> script = new ArrayDeque<>();
    long stopAt;
    long session = -1;
    long seq;
    long requests; // numbers every request sent, registrations included, to match replies
    KvCommand current;
    byte[] encoded;
    History<KeyValueModel.Op, KeyValueModel.Result>.Call call;
    String target;
    ScheduledEvent timer;
    String lastRead;

    SimClient(int index) {
      this.index = index;
      this.name = "c" + index;
      this.target = servers.get(index % servers.size());
    }

    void scheduleNext() {
      net.schedule(name, random.nextInt(20), "think " + name, this::issue);
    }

    void issue() {
      if (current != null) {
        return; // already busy: a second think event raced with the script
      }
      if (session < 0 || (script.isEmpty() && random.nextInt(50) == 0)) {
        register(); // the first session, or a client that starts over (the old one will expire)
        return;
      }
      KvCommand c;
      if (!script.isEmpty()) {
        c = command(KvCommand.Kind.GET, script.poll(), null, null);
      } else if (sim.now() < stopAt) {
        c = randomCommand();
      } else {
        return;
      }
      call = history.invoke(index, c.toModel());
      start(c);
    }

    private void register() {
      registrations++;
      call = null;
      start(KvCommand.register(sim.now()));
    }

    private void start(KvCommand c) {
      current = c;
      encoded = c.encode();
      requests++;
      send();
    }

    private KvCommand command(KvCommand.Kind kind, String key, String value, String expected) {
      return new KvCommand(session, ++seq, sim.now(), kind, key, value, expected);
    }

    private KvCommand randomCommand() {
      String key = keys.get(random.nextInt(keys.size()));
      String v = "c" + index + "." + (seq + 1);
      return switch (random.nextInt(10)) {
        case 0, 1, 2 -> command(KvCommand.Kind.GET, key, null, null);
        case 3, 4 -> command(KvCommand.Kind.PUT, key, v, null);
        case 5, 6 -> command(KvCommand.Kind.APPEND, key, v + ";", null);
        case 7 -> command(KvCommand.Kind.DELETE, key, null, null);
        default -> command(KvCommand.Kind.CAS, key, v, lastRead);
      };
    }

    void send() {
      net.send(name, target, new ClientRequest(requests, encoded));
      timer = net.schedule(name, 200, "timeout " + name, this::retryElsewhere);
    }

    void retryElsewhere() {
      target = servers.get(random.nextInt(servers.size()));
      send();
    }

    void onReply(String from, Object message) {
      if (!(message instanceof ClientReply r) || current == null || r.seq() != requests) {
        return; // a duplicate, or the answer to an attempt already answered
      }
      timer.cancel();
      if (r.failure() == null) {
        if (r.result() == null) {
          violations.add(name + " got no result for its current request " + r.seq());
          return;
        }
        if (current.kind() == KvCommand.Kind.REGISTER) {
          session = ByteBuffer.wrap(r.result()).getLong();
          seq = 0;
        } else {
          KvResult result = KvResult.decode(r.result());
          if (current.kind() == KvCommand.Kind.GET) {
            lastRead = result.value();
          }
          call.ok(result.toModel());
        }
        done();
        return;
      }
      if (r.failure().equals(SessionExpiredException.class.getSimpleName())) {
        // an earlier attempt may have taken effect before the session expired: unknown outcome
        call.unknown();
        session = -1;
        done();
        return;
      }
      if (r.leader() != null && servers.contains(r.leader())) {
        target = r.leader();
      } else {
        target = servers.get(random.nextInt(servers.size()));
      }
      timer = net.schedule(name, 10, "retry " + name, this::send);
    }

    private void done() {
      current = null;
      call = null;
      scheduleNext();
    }
  }
}
