package dev.weft.examples.kv;

import dev.weft.raft.MemoryStorage;
import dev.weft.raft.NotLeaderException;
import dev.weft.raft.RaftConfig;
import dev.weft.raft.server.Envelope;
import dev.weft.raft.server.Replica;
import dev.weft.raft.server.ServerOptions;
import dev.weft.raft.server.StateMachine;
import dev.weft.testkit.lin.History;
import dev.weft.testkit.lin.KeyValueModel;
import dev.weft.testkit.sim.Link;
import dev.weft.testkit.sim.ScheduledEvent;
import dev.weft.testkit.sim.SimNetwork;
import dev.weft.testkit.sim.Simulation;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Supplier;

/**
 * A replicated key-value service in virtual time: {@link Replica}s and clients as processes of the
 * testkit's simulated network, with a nemesis that partitions and crashes servers. Every client
 * operation goes into a {@link History}; every execution on every replica is checked on the fly: no
 * request executed twice by one state machine, no two replicas applying different commands at one
 * index.
 */
final class SimKvCluster {
  /** Virtual milliseconds per Raft tick. */
  static final long TICK = 10;

  record ClientRequest(long client, long seq, byte[] command) {
    @Override
    public String toString() {
      return "request c" + client + "#" + seq;
    }
  }

  record ClientReply(long seq, byte[] result, String failure, String leader) {
    @Override
    public String toString() {
      return "reply #" + seq + (failure == null ? "" : " " + failure + " leader=" + leader);
    }
  }

  private record Executed(long client, long seq) {}

  final Simulation sim;
  final SimNetwork<Object> net;
  final List<String> servers = new ArrayList<>();
  final History<KeyValueModel.Op, KeyValueModel.Result> history;
  final List<String> violations = new ArrayList<>();
  private final Map<String, MemoryStorage> storages = new HashMap<>();
  private final Map<String, Replica> replicas = new LinkedHashMap<>();
  private final Map<String, KvStateMachine> machines = new HashMap<>();
  private final Map<Long, byte[]> appliedAt = new HashMap<>();
  private final List<SimClient> clients = new ArrayList<>();
  private final List<String> keys;
  private final Random random;
  private int starts;
  long crashes;
  long partitions;
  long executions;
  long settled;

  /** A deliberate bug for the test of the tests: servers answer reads from local state. */
  boolean staleReads;

  SimKvCluster(long seed, int size, int clientCount, int keyCount, Supplier<Link> links) {
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

  private Replica newReplica(String id) {
    KvStateMachine kv =
        new KvStateMachine(
            new KvStateMachine.Listener() {
              private final Set<Executed> seen = new HashSet<>();

              @Override
              public void executed(long index, KvCommand c) {
                executions++;
                if (!seen.add(new Executed(c.client(), c.seq()))) {
                  violations.add(
                      id + " executed request " + c.seq() + " of client " + c.client() + " twice");
                }
              }
            });
    machines.put(id, kv);
    StateMachine checked =
        new StateMachine() {
          @Override
          public byte[] apply(long index, byte[] command) {
            byte[] before = appliedAt.putIfAbsent(index, command);
            if (before != null && !Arrays.equals(before, command)) {
              violations.add(id + " applied a different command at index " + index);
            }
            return kv.apply(index, command);
          }

          @Override
          public byte[] snapshot() {
            return kv.snapshot();
          }

          @Override
          public void restore(byte[] snapshot) {
            kv.restore(snapshot);
          }
        };
    RaftConfig config = new RaftConfig(id, servers, 10, 1, sim.seed() * 31 + (starts++));
    ServerOptions options =
        ServerOptions.defaults()
            .withTickInterval(Duration.ofMillis(TICK))
            .withProposalTimeout(Duration.ofSeconds(1));
    Replica r = new Replica(config, storages.get(id), checked, options);
    replicas.put(id, r);
    return r;
  }

  private SimNetwork.Receiver<Object> receiver(String id, Replica r) {
    return (from, message) -> {
      if (replicas.get(id) != r) {
        return;
      }
      if (message instanceof Envelope e) {
        r.receive(e);
      } else if (message instanceof ClientRequest q) {
        KvCommand c = KvCommand.decode(q.command());
        if (staleReads && c.kind() == KvCommand.Kind.GET) {
          // the bug a fast read path must avoid: answering from local state, on any server
          KvResult local = new KvResult(machines.get(id).peek(c.key()), true);
          net.send(id, from, new ClientReply(q.seq(), local.encode(), null, null));
          return;
        }
        r.submit(q.command())
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

  void crash(String id) {
    if (replicas.remove(id) != null) {
      net.crash(id);
      crashes++;
    }
  }

  void restart(String id) {
    if (!replicas.containsKey(id)) {
      Replica r = newReplica(id);
      net.restart(id, receiver(id, r));
      scheduleTick(id, r);
    }
  }

  /** Cuts the servers into two sides (clients still reach every server). */
  void split(List<String> side) {
    for (String a : servers) {
      for (String b : servers) {
        if (side.contains(a) != side.contains(b)) {
          net.cut(a, b);
        }
      }
    }
    partitions++;
  }

  void heal() {
    net.heal();
  }

  String leader() {
    for (Map.Entry<String, Replica> e : replicas.entrySet()) {
      if (e.getValue().isLeader()) {
        return e.getKey();
      }
    }
    return null;
  }

  /** A random fault every {@code period} virtual ms until {@code end}, healing in between. */
  void nemesis(long period, long end) {
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

  /** Clients issue random operations until virtual time {@code end}, then finish what they have. */
  void startClients(long end) {
    for (SimClient c : clients) {
      c.stopAt = end;
      c.scheduleNext();
    }
  }

  /**
   * Heals everything, restarts crashed servers, lets clients finish what they have, has client 0
   * read every key, and lets the replicas converge for {@code quiet} virtual ms.
   */
  void settle(long quiet) {
    heal();
    for (String id : servers) {
      restart(id);
    }
    sim.runUntil(this::clientsIdle, 50_000_000);
    SimClient auditor = clients.get(0);
    auditor.script.addAll(keys);
    auditor.scheduleNext();
    sim.runUntil(() -> auditor.script.isEmpty() && auditor.current == null, 50_000_000);
    settled = sim.now();
    sim.runUntil(sim.now() + quiet);
  }

  boolean clientsIdle() {
    for (SimClient c : clients) {
      if (c.current != null) {
        return false;
      }
    }
    return true;
  }

  /** Replicas that have applied the same index hold the same state. */
  void checkConvergence() {
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

  /** The last {@code n} trace entries, when {@code -Dweft.trace=true} kept them. */
  String traceTail(int n) {
    var t = sim.trace();
    StringBuilder b = new StringBuilder();
    for (var e : t.subList(Math.max(0, t.size() - n), t.size())) {
      b.append(e).append('\n');
    }
    return b.toString();
  }

  long duplicatesSkipped() {
    long d = 0;
    for (KvStateMachine m : machines.values()) {
      d += m.duplicates();
    }
    return d;
  }

  // ---- clients --------------------------------------------------------------------------------

  private final class SimClient {
    final int index;
    final long id;
    final String name;
    final ArrayDeque<String> script = new ArrayDeque<>();
    long stopAt;
    long seq;
    KvCommand current;
    History<KeyValueModel.Op, KeyValueModel.Result>.Call call;
    String target;
    ScheduledEvent timer;
    String lastRead;

    SimClient(int index) {
      this.index = index;
      this.id = 1000 + index;
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
      KvCommand c;
      if (!script.isEmpty()) {
        c = new KvCommand(id, ++seq, KvCommand.Kind.GET, script.poll(), null, null);
      } else if (sim.now() < stopAt) {
        c = randomCommand();
      } else {
        return;
      }
      current = c;
      call = history.invoke(index, c.toModel());
      send();
    }

    private KvCommand randomCommand() {
      String key = keys.get(random.nextInt(keys.size()));
      long s = ++seq;
      String v = "c" + index + "." + s;
      return switch (random.nextInt(10)) {
        case 0, 1, 2 -> new KvCommand(id, s, KvCommand.Kind.GET, key, null, null);
        case 3, 4 -> new KvCommand(id, s, KvCommand.Kind.PUT, key, v, null);
        case 5, 6 -> new KvCommand(id, s, KvCommand.Kind.APPEND, key, v + ";", null);
        case 7 -> new KvCommand(id, s, KvCommand.Kind.DELETE, key, null, null);
        default -> new KvCommand(id, s, KvCommand.Kind.CAS, key, v, lastRead);
      };
    }

    void send() {
      net.send(name, target, new ClientRequest(id, current.seq(), current.encode()));
      timer = net.schedule(name, 200, "timeout " + name, this::retryElsewhere);
    }

    void retryElsewhere() {
      target = servers.get(random.nextInt(servers.size()));
      send();
    }

    void onReply(String from, Object message) {
      if (!(message instanceof ClientReply r) || current == null || r.seq() != current.seq()) {
        return; // a duplicate, or the answer to an attempt already answered
      }
      timer.cancel();
      if (r.failure() == null) {
        if (r.result() == null) {
          violations.add(name + " got no result for its current request " + r.seq());
          return;
        }
        KvResult result = KvResult.decode(r.result());
        if (current.kind() == KvCommand.Kind.GET) {
          lastRead = result.value();
        }
        call.ok(result.toModel());
        current = null;
        call = null;
        scheduleNext();
        return;
      }
      if (r.leader() != null && servers.contains(r.leader())) {
        target = r.leader();
      } else {
        target = servers.get(random.nextInt(servers.size()));
      }
      timer = net.schedule(name, 10, "retry " + name, this::send);
    }
  }
}
