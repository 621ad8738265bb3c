package dev.weft.replication.pb;

import dev.weft.replication.View;
import dev.weft.replication.config.ConfigNode;
import dev.weft.replication.config.Versioned;
import dev.weft.replication.kv.KvClientNode;
import dev.weft.replication.sim.SimWorld;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A primary-backup service on the simulator: a configuration group of three, four servers (a
 * primary, a backup, two spares) and three clients, with a nemesis that crashes and partitions
 * servers and configuration members one fault at a time.
 */
final class PbSim {
  static final List<String> SERVERS = List.of("pb1", "pb2", "pb3", "pb4");
  static final int KEYS = 3;

  final SimWorld w;
  final Consumer<PbServer> plant;
  long crashes;
  long partitions;
  long splitBrains;

  PbSim(long seed, Consumer<PbServer> plant, boolean faultyLinks) {
    this.plant = plant;
    w = new SimWorld(seed);
    w.addConfigGroup(3);
    for (String s : SERVERS) {
      w.add(newServer(s));
    }
    w.addClients(3, KvClientNode.Routing.PRIMARY);
    w.connect(faultyLinks ? SimWorld.faultyLinks() : SimWorld.reliableLinks());
    w.act("pb1", (PbServer p) -> p.bootstrap(List.of("pb1", "pb2")));
  }

  PbServer newServer(String id) {
    PbServer s =
        new PbServer(id, SERVERS, w.configIds, w.random.nextLong(), new PbServer.Options(2, 12, 4));
    plant.accept(s);
    return s;
  }

  PbServer server(String id) {
    return w.node(id);
  }

  /** The newest view any live server or configuration member has. */
  View view() {
    View best = null;
    for (String s : SERVERS) {
      PbServer p = w.node(s);
      if (p != null && p.view() != null && (best == null || p.view().number() > best.number())) {
        best = p.view();
      }
    }
    for (String c : w.configIds) {
      ConfigNode n = w.node(c);
      if (n != null) {
        Versioned v = n.current();
        if (v.version() > 0 && (best == null || v.version() > best.number())) {
          best = View.decode(v.version(), v.value());
        }
      }
    }
    return best;
  }

  /**
   * The newest view's servers are up and hold its state, and no view change is under way: one of
   * them may fail (primary-backup survives one failure at a time).
   */
  boolean stable() {
    for (String s : SERVERS) {
      PbServer p = w.node(s);
      if (p != null && p.proposing()) {
        return false;
      }
    }
    return ready();
  }

  /** The newest view's servers are up and hold its state. */
  boolean ready() {
    View v = view();
    if (v == null) {
      return false;
    }
    for (String m : v.members()) {
      PbServer p = w.node(m);
      if (p == null || !p.hasState() || p.view().number() != v.number()) {
        return false;
      }
    }
    return true;
  }

  void restartAll() {
    for (String s : SERVERS) {
      if (!w.isUp(s)) {
        w.restart(newServer(s));
      }
    }
    for (String c : w.configIds) {
      if (!w.isUp(c)) {
        w.restartConfig(c);
      }
    }
  }

  /** A fault every {@code period} units until {@code end}, healing (and restarting) first. */
  void nemesis(long period, long end) {
    w.sim.schedule(
        period,
        "nemesis",
        () -> {
          if (w.sim.now() >= end) {
            return;
          }
          w.net.heal();
          restartAll();
          View v = view();
          List<String> others = new ArrayList<>(w.net.processes());
          int pick = w.random.nextInt(7);
          if (v != null && stable()) {
            switch (pick) {
              case 0 -> crash(v.first()); // the primary fails
              case 1 -> crash(v.last()); // the backup (or a lone primary) fails
              case 2 -> {
                w.net.isolate(SERVERS.get(w.random.nextInt(SERVERS.size())));
                partitions++;
              }
              case 3 -> {
                // the primary loses the configuration service and its backup, not its clients
                for (String o : others) {
                  if (w.configIds.contains(o) || SERVERS.contains(o)) {
                    if (!o.equals(v.first())) {
                      w.net.cut(v.first(), o);
                      w.net.cut(o, v.first());
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
              default -> {}
            }
          }
          if (pick == 4 && w.crashedConfigMembers() == 0) {
            w.crash(w.configIds.get(w.random.nextInt(w.configIds.size())));
          } else if (pick == 5) {
            w.net.isolate(w.configIds.get(w.random.nextInt(w.configIds.size())));
            partitions++;
          }
          nemesis(period, end);
        });
  }

  void crash(String id) {
    w.crash(id);
    crashes++;
  }

  /** Traffic and faults until {@code run}; then heal, restart, finish, and read every key. */
  void runAndSettle(long run) {
    nemesis(250, run);
    w.startClients(KEYS, run);
    w.settle(run, KEYS, this::restartAll);
  }
}
