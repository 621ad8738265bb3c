package dev.weft.replication.config;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.weft.raft.Role;
import dev.weft.replication.Node;
import dev.weft.replication.Outbound;
import dev.weft.replication.sim.SimWorld;
import dev.weft.testkit.lin.History;
import dev.weft.testkit.lin.LinearizabilityChecker;
import dev.weft.testkit.lin.Model;
import dev.weft.testkit.sim.Seeds;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The configuration service on the simulator: a Raft group of three (and of five) whose members
 * crash and restart from their storage and are cut off, over links that lose, duplicate and
 * reorder, while clients get and test-and-set the register and retry. Every history must be
 * linearizable with respect to a register with test-and-set (so a retried test-and-set took effect
 * once), and every client answered once the faults stop.
 *
 * <p>{@code -Dweft.replication.seeds=N} scales the seeds (default: 200 for three members, 100 for
 * five); {@code -Dweft.seed=S} replays one.
 */
class ConfigServiceSimulationTest {
  static final int SEEDS = Integer.getInteger("weft.replication.seeds", 500) * 2 / 5;
  static final long RUN = 2_000;

  /** Input: a get, or a test-and-set from {@code expected} to {@code next}. */
  record Op(boolean tas, long expected, String next) {
    @Override
    public String toString() {
      return tas ? "testAndSet(v" + expected + ", " + next + ")" : "get";
    }
  }

  /** Output: whether it set (true for a get), and the register after it. */
  record Out(boolean ok, long version, String value) {
    @Override
    public String toString() {
      return (ok ? "" : "failed, ") + "v" + version + "=" + value;
    }
  }

  record State(long version, String value) {}

  /** A register with test-and-set, as a sequential specification. */
  static final class RegisterModel implements Model<State, Op, Out> {
    @Override
    public State initial() {
      return new State(0, "");
    }

    @Override
    public Optional<State> step(State s, Op op, Optional<Out> out) {
      State next = s;
      Out expected = new Out(true, s.version(), s.value());
      if (op.tas()) {
        if (op.expected() == s.version()) {
          next = new State(s.version() + 1, op.next());
          expected = new Out(true, next.version(), next.value());
        } else {
          expected = new Out(false, s.version(), s.value());
        }
      }
      return out.isPresent() && !out.get().equals(expected) ? Optional.empty() : Optional.of(next);
    }
  }

  /** A client: a ConfigClientCore as a node, issuing random requests one at a time. */
  static final class Client implements Node {
    final String id;
    final int index;
    final ConfigClientCore core;
    final SimWorld w;
    final History<Op, Out> history;
    List<Outbound> outbox = new ArrayList<>();
    long seen;
    int n;
    boolean busy;
    long stopAt;

    Client(SimWorld w, int index, History<Op, Out> history) {
      this.w = w;
      this.index = index;
      this.id = "client" + index;
      this.history = history;
      this.core =
          new ConfigClientCore(
              9000 + index, w.configIds, 4, (to, m) -> outbox.add(new Outbound(to, m)));
    }

    void next() {
      w.net.schedule(id, w.random.nextInt(30), "think " + id, () -> w.act(id, c -> issue()));
    }

    void issue() {
      if (busy || w.sim.now() >= stopAt) {
        return;
      }
      busy = true;
      if (w.random.nextInt(3) == 0) {
        var call = history.invoke(index, new Op(false, 0, ""));
        core.get(v -> done(call, new Out(true, v.version(), text(v))));
      } else {
        long expected = w.random.nextInt(4) == 0 ? seen + 1 : seen; // some are meant to fail
        String next = id + "." + (++n);
        var call = history.invoke(index, new Op(true, expected, next));
        core.testAndSet(
            expected,
            next.getBytes(StandardCharsets.UTF_8),
            r -> done(call, new Out(r.ok(), r.current().version(), text(r.current()))));
      }
    }

    void done(History<Op, Out>.Call call, Out out) {
      call.ok(out);
      seen = out.version();
      busy = false;
      next();
    }

    static String text(Versioned v) {
      return new String(v.value(), StandardCharsets.UTF_8);
    }

    @Override
    public String id() {
      return id;
    }

    @Override
    public void tick() {
      core.tick();
    }

    @Override
    public void receive(String from, Object message) {
      core.receive(from, message);
    }

    @Override
    public List<Outbound> drainOutbox() {
      List<Outbound> out = outbox;
      outbox = new ArrayList<>();
      return out;
    }
  }

  record Run(SimWorld w, History<Op, Out> history, List<Client> clients, long crashes) {}

  static Run run(long seed, int members, Consumer<ConfigNode> plant) {
    SimWorld w = new SimWorld(seed);
    w.addConfigGroup(members);
    for (String c : w.configIds) {
      plant.accept(w.node(c));
    }
    History<Op, Out> history = new History<>(w.sim::now);
    List<Client> clients = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Client c = new Client(w, i, history);
      c.stopAt = RUN;
      clients.add(c);
      w.add(c);
    }
    w.connect(SimWorld.faultyLinks());
    long[] crashes = {0};
    int tolerated = (members - 1) / 2;
    nemesis(w, tolerated, crashes, plant);
    clients.forEach(Client::next);
    w.sim.runUntil(RUN);
    w.net.heal();
    for (String c : w.configIds) {
      if (!w.isUp(c)) {
        w.restartConfig(c);
        plant.accept(w.node(c));
      }
    }
    w.sim.runUntil(
        () -> clients.stream().noneMatch(c -> c.busy) || w.sim.now() > RUN + 20_000, 2_000_000);
    return new Run(w, history, clients, crashes[0]);
  }

  static void nemesis(SimWorld w, int tolerated, long[] crashes, Consumer<ConfigNode> plant) {
    w.sim.schedule(
        200,
        "nemesis",
        () -> {
          if (w.sim.now() >= RUN) {
            return;
          }
          w.net.heal();
          for (String c : w.configIds) {
            if (!w.isUp(c) && w.random.nextBoolean()) {
              w.restartConfig(c);
              plant.accept(w.node(c));
            }
          }
          String victim = w.configIds.get(w.random.nextInt(w.configIds.size()));
          for (String c : w.configIds) {
            ConfigNode n = w.node(c);
            if (n != null && n.status().role() == Role.LEADER && w.random.nextBoolean()) {
              victim = c; // the leader, half the time
            }
          }
          switch (w.random.nextInt(3)) {
            case 0 -> {
              if (w.crashedConfigMembers() < tolerated && w.isUp(victim)) {
                w.crash(victim);
                crashes[0]++;
              }
            }
            case 1 -> w.net.isolate(victim);
            default -> {}
          }
          nemesis(w, tolerated, crashes, plant);
        });
  }

  @Test
  @Timeout(120)
  void aGroupOfThreeIsALinearizableRegisterUnderFaults() {
    check(3, SEEDS);
  }

  @Test
  @Timeout(120)
  void aGroupOfFiveIsALinearizableRegisterUnderFaults() {
    check(5, SEEDS / 2);
  }

  private static void check(int members, int seeds) {
    long[] totals = new long[3];
    long ran =
        Seeds.run(
            seeds,
            "mvn -q -pl replication -am verify -Dsurefire.failIfNoSpecifiedTests=false"
                + " -Dtest=ConfigServiceSimulationTest -Dweft.seed={seed}",
            seed -> {
              Run r = run(seed, members, n -> {});
              if (r.clients().stream().anyMatch(c -> c.busy)) {
                fail("a client still waits after the faults stopped");
              }
              var ops = r.history().operations();
              LinearizabilityChecker.Result verdict =
                  LinearizabilityChecker.check(new RegisterModel(), ops);
              assertTrue(verdict.linearizable(), verdict::describe);
              totals[0] += ops.size();
              totals[1] += r.crashes();
              totals[2] += ops.stream().filter(o -> o.known() && o.output().ok()).count();
            });
    System.out.printf(
        "ConfigServiceSimulationTest: %d members, %d seeds, %d operations (%d succeeded),"
            + " %d crashes%n",
        members, ran, totals[0], totals[2], totals[1]);
    assertTrue(totals[0] > 20 * ran, "too few operations");
    if (ran >= 20) {
      assertTrue(totals[1] > 0, "the nemesis crashed nobody");
    }
  }

  /** The test of the tests: members that answer gets from their own register are caught. */
  @Test
  @Timeout(120)
  void getsAnsweredWithoutTheLogAreCaught() {
    for (long seed = 0; seed < SEEDS; seed++) {
      Run r = run(seed, 3, n -> n.plantLocalGets(true));
      LinearizabilityChecker.Result verdict =
          LinearizabilityChecker.check(new RegisterModel(), r.history().operations());
      if (!verdict.linearizable()) {
        System.out.println("planted bug caught at seed " + seed);
        return;
      }
    }
    fail("gets answered from a member's own register went unnoticed in " + SEEDS + " seeds");
  }
}
