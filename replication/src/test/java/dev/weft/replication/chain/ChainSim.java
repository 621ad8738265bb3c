package dev.weft.replication.chain;

import dev.weft.replication.View;
import dev.weft.replication.config.ConfigNode;
import dev.weft.replication.config.Versioned;
import dev.weft.replication.kv.KvClientNode;
import dev.weft.replication.sim.SimWorld;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A chain on the simulator: a configuration group of three, a master, five servers (a chain of
 * three and two spares) and three clients, with a nemesis that crashes heads, middles, tails,
 * joining tails, the master and configuration members, and cuts servers off. The chain's two
 * invariants are checked after every event.
 */
final class ChainSim {
  static final List<String> SERVERS = List.of("s1", "s2", "s3", "s4", "s5");
  static final List<String> FIRST = List.of("s1", "s2", "s3");
  static final int KEYS = 3;
  static final ChainServer.Options SERVER_OPTIONS = ChainServer.Options.defaults();
  static final ChainMaster.Options MASTER_OPTIONS =
      new ChainMaster.Options(12, SERVER_OPTIONS.leaseTicks(), 4, 3);

  final SimWorld w;
  final ChainServer.ReadMode mode;
  final Consumer<ChainServer> plant;
  final List<String> violations = new ArrayList<>();
  boolean checkInvariants = true;
  long crashes;
  long partitions;
  long splitBrains;
  long extensionFailures;
  long checks;

  ChainSim(long seed, ChainServer.ReadMode mode, Consumer<ChainServer> plant, boolean faulty) {
    this.mode = mode;
    this.plant = plant;
    w = new SimWorld(seed);
    w.addConfigGroup(3);
    for (String s : SERVERS) {
      ChainServer c = newServer(s);
      if (FIRST.contains(s)) {
        c.bootstrap();
      }
      w.add(c);
    }
    w.add(newMaster());
    w.addClients(
        3,
        mode == ChainServer.ReadMode.CRAQ
            ? KvClientNode.Routing.CHAIN_CRAQ
            : KvClientNode.Routing.CHAIN_TAIL);
    w.connect(faulty ? SimWorld.faultyLinks() : SimWorld.reliableLinks());
    w.monitor(this::monitor);
  }

  ChainServer newServer(String id) {
    ChainServer s =
        new ChainServer(id, "master", w.configIds, w.random.nextLong(), mode, SERVER_OPTIONS);
    plant.accept(s);
    return s;
  }

  ChainMaster newMaster() {
    return new ChainMaster(
        "master", SERVERS, w.configIds, w.random.nextLong(), MASTER_OPTIONS, FIRST);
  }

  ChainServer server(String id) {
    return w.node(id);
  }

  private View committed;

  /** The newest committed view: the register at the configuration members. */
  View view() {
    Versioned v = null;
    for (String c : w.configIds) {
      ConfigNode n = w.node(c);
      if (n != null && (v == null || n.current().version() > v.version())) {
        v = n.current();
      }
    }
    if (v != null && v.version() > 0 && (committed == null || committed.number() != v.version())) {
      committed = View.decode(v.version(), v.value());
    }
    return committed;
  }

  Map<String, ChainServer.Inspection> inspect() {
    Map<String, ChainServer.Inspection> states = new LinkedHashMap<>();
    for (String s : SERVERS) {
      ChainServer c = w.node(s);
      if (c != null) {
        states.put(s, c.inspect());
      }
    }
    return states;
  }

  private void monitor() {
    String node = w.lastEventNode();
    if (!checkInvariants
        || !violations.isEmpty()
        || node.equals("master")
        || node.startsWith("c") && !node.startsWith("cfg")) {
      return; // clients and the master change no server's state and no committed view
    }
    View v = view();
    if (v == null) {
      return;
    }
    checks++;
    Map<String, ChainInvariants.ServerState> live = new LinkedHashMap<>();
    for (String id : SERVERS) {
      ChainServer c = w.node(id);
      if (c != null) {
        live.put(id, c.live());
      }
    }
    List<String> broken = ChainInvariants.check(v, live);
    if (!broken.isEmpty()) {
      violations.add(
          broken.get(0)
              + "\n  after the event "
              + w.lastEvent()
              + "\n  in "
              + v
              + "\n  servers: "
              + inspect().values());
    }
  }

  /**
   * The chain is repaired and at rest, so that one member may fail: the master is up and changes
   * nothing, every member of the committed view is up, holds state, has synchronized and was heard
   * by the master lately (no suspicion is about to strike), and there are at least two of them.
   * Chain replication survives the failure of all members but one, one reconfiguration at a time.
   */
  boolean canLoseAMember(View v) {
    ChainMaster m = w.node("master");
    if (m == null || m.changing() || m.view() == null || m.view().number() != v.number()) {
      return false;
    }
    for (String id : v.members()) {
      ChainServer c = w.node(id);
      if (c == null || !c.inspect().hasState() || !c.inspect().synced() || m.silence(id) > 4) {
        return false;
      }
    }
    return v.members().size() >= 2;
  }

  void restartAll() {
    for (String s : SERVERS) {
      if (!w.isUp(s)) {
        w.restart(newServer(s));
      }
    }
    if (!w.isUp("master")) {
      w.restart(newMaster());
    }
    for (String c : w.configIds) {
      if (!w.isUp(c)) {
        w.restartConfig(c);
      }
    }
  }

  void crash(String id) {
    w.crash(id);
    crashes++;
  }

  /** A fault every {@code period} units until {@code end}, healing and restarting first. */
  void nemesis(long period, long end) {
    w.sim.schedule(
        period,
        "nemesis",
        () -> {
          if (w.sim.now() >= end) {
            return;
          }
          w.net.heal();
          if (w.random.nextBoolean()) {
            restartAll();
          }
          View v = view();
          int pick = w.random.nextInt(9);
          if (v != null) {
            boolean spare = canLoseAMember(v);
            switch (pick) {
              case 0 -> {
                if (spare) {
                  crash(v.first()); // the head
                }
              }
              case 1 -> {
                if (spare) {
                  crash(v.last()); // the tail
                }
              }
              case 2 -> {
                if (spare && v.members().size() >= 3) {
                  crash(v.members().get(1)); // a middle server
                }
              }
              case 3 -> {
                if (v.joining() != null) {
                  // a failure during extension: the joiner, or the tail it copies
                  crash(w.random.nextBoolean() || !spare ? v.joining() : v.last());
                  extensionFailures++;
                }
              }
              case 4 -> {
                w.net.isolate(SERVERS.get(w.random.nextInt(SERVERS.size())));
                partitions++;
              }
              case 5 -> {
                if (w.isUp("master") && w.random.nextBoolean()) {
                  w.crash("master");
                } else {
                  // a server (the tail, half the time) cut off from the chain, the master and the
                  // configuration service, but not from clients: a split brain if it answers
                  String victim =
                      w.random.nextBoolean() ? v.last() : SERVERS.get(w.random.nextInt(5));
                  for (String o : w.net.processes()) {
                    if (!o.startsWith("c") || w.configIds.contains(o)) {
                      if (!o.equals(victim)) {
                        w.net.cut(victim, o);
                        w.net.cut(o, victim);
                      }
                    }
                  }
                  String client = "c" + w.random.nextInt(3); // and a client keeps its old view
                  for (String c : w.configIds) {
                    w.net.cut(client, c);
                    w.net.cut(c, client);
                  }
                  splitBrains++;
                }
              }
              case 6 -> {
                if (w.crashedConfigMembers() == 0) {
                  w.crash(w.configIds.get(w.random.nextInt(w.configIds.size())));
                }
              }
              default -> {}
            }
          }
          nemesis(period, end);
        });
  }

  /** Traffic and faults until {@code run}; then heal, restart, finish, and read every key. */
  void runAndSettle(long run) {
    nemesis(250, run);
    w.startClients(KEYS, run);
    w.settle(run, KEYS, this::restartAll);
  }

  long divergences() {
    long d = 0;
    for (String s : SERVERS) {
      ChainServer c = w.node(s);
      if (c != null) {
        d += c.divergences();
      }
    }
    return d;
  }

  String servers() {
    StringBuilder b = new StringBuilder("\n  committed: " + view());
    for (String id : SERVERS) {
      b.append("\n  ").append(w.isUp(id) ? server(id).toString() : id + " down");
    }
    ChainMaster m = w.node("master");
    b.append("\n  ").append(m == null ? "master down" : m.toString());
    return b.toString();
  }
}
