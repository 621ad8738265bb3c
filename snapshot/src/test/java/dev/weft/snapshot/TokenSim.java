package dev.weft.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.weft.snapshot.Tokens.Envelope;
import dev.weft.snapshot.Tokens.State;
import dev.weft.snapshot.Tokens.Token;
import dev.weft.testkit.sim.Links;
import dev.weft.testkit.sim.SimNetwork;
import dev.weft.testkit.sim.Simulation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * The token-passing application on testkit's simulator: one {@link TokenProcess} per process of a
 * {@link Topology}, FIFO links with random latency, and a collector of global snapshots. Records
 * every token sent on each channel as the ground truth for {@link SnapshotChecker}.
 */
final class TokenSim {
  final Simulation sim;
  final SimNetwork<Envelope> net;
  final Topology topology;
  final Map<String, TokenProcess> processes = new LinkedHashMap<>();
  final Map<ChannelId, List<Token>> sentLog = new HashMap<>();
  final Map<Long, GlobalSnapshot<State, Token>> completed = new TreeMap<>();
  final TreeSet<Long> started = new TreeSet<>();
  private final SnapshotCollector<State, Token> collector;
  private final TokenProcess.Ids ids = new TokenProcess.Ids();
  private Consumer<GlobalSnapshot<State, Token>> onComplete = g -> {};
  private long total;

  /** A system in which every process starts with {@code tokens} tokens. */
  TokenSim(Simulation sim, Topology topology, int tokens, long minLatency, long maxLatency) {
    this(sim, topology, uniform(topology, tokens), minLatency, maxLatency);
  }

  /** A system in which process p starts with {@code tokens.get(p)} tokens. */
  TokenSim(
      Simulation sim,
      Topology topology,
      Map<String, Integer> tokens,
      long minLatency,
      long maxLatency) {
    this.sim = sim;
    this.net = new SimNetwork<>(sim);
    this.topology = topology;
    this.collector =
        new SnapshotCollector<>(
            topology.processes(),
            g -> {
              completed.put(g.snapshotId(), g);
              onComplete.accept(g);
            });
    TokenProcess.Transport transport =
        (from, to, envelope) -> {
          if (!envelope.isMarker()) {
            sentLog
                .computeIfAbsent(new ChannelId(from, to), c -> new ArrayList<>())
                .add(envelope.token());
          }
          net.send(from, to, envelope);
        };
    for (String p : topology.processes()) {
      int t = tokens.get(p);
      total += t;
      TokenProcess process =
          new TokenProcess(
              p, t, topology.incoming(p), topology.outgoing(p), transport, ids, collector::add);
      processes.put(p, process);
      net.addProcess(p, process::receive);
    }
    for (ChannelId c : topology.channels()) {
      net.connect(c.from(), c.to(), Links.fifo(minLatency, maxLatency));
    }
  }

  private static Map<String, Integer> uniform(Topology topology, int tokens) {
    Map<String, Integer> map = new HashMap<>();
    for (String p : topology.processes()) {
      map.put(p, tokens);
    }
    return map;
  }

  long total() {
    return total;
  }

  /** Calls {@code listener} with each global snapshot as it completes, inside the simulation. */
  void onComplete(Consumer<GlobalSnapshot<State, Token>> listener) {
    this.onComplete = listener;
  }

  /**
   * Every process, at random intervals of 1 to {@code 2 * meanGap}, sends between 1 and 3 of its
   * tokens (if it has any) to a random neighbour, until virtual time {@code until}.
   */
  void work(long until, int meanGap) {
    for (TokenProcess p : processes.values()) {
      List<String> out = topology.outgoing(p.name);
      if (!out.isEmpty()) {
        scheduleWork(p, out, until, meanGap);
      }
    }
  }

  private void scheduleWork(TokenProcess p, List<String> out, long until, int meanGap) {
    Random random = sim.random();
    long gap = 1 + random.nextInt(2 * meanGap);
    if (sim.now() + gap > until) {
      return;
    }
    sim.schedule(
        gap,
        p.name + " works",
        () -> {
          if (p.tokens() > 0) {
            int amount = 1 + random.nextInt(Math.min(3, p.tokens()));
            p.send(out.get(random.nextInt(out.size())), amount);
          }
          scheduleWork(p, out, until, meanGap);
        });
  }

  /** At virtual time {@code time}, {@code initiator} starts snapshot {@code id}. */
  void snapshotAt(long time, String initiator, long id) {
    started.add(id);
    sim.scheduleAt(
        time,
        initiator + " starts snapshot " + id,
        () -> processes.get(initiator).startSnapshot(id));
  }

  /** Starts snapshot {@code id} at {@code initiator} now, from inside the simulation. */
  void snapshotNow(String initiator, long id) {
    started.add(id);
    processes.get(initiator).startSnapshot(id);
  }

  /** Runs until nothing is left to happen. */
  void runToQuiet() {
    sim.runUntilIdle(5_000_000);
  }

  /**
   * Checks that every started snapshot completed, that each process recorded exactly once per
   * snapshot, and every snapshot's invariants.
   */
  void checkAll() {
    assertEquals(started, completed.keySet(), "every snapshot completes");
    for (TokenProcess p : processes.values()) {
      assertEquals(started.size(), p.recordings(), p.name + " records once per snapshot");
      assertEquals(List.of(), List.copyOf(p.node.inFlight()), p.name + " released everything");
    }
    for (GlobalSnapshot<State, Token> g : completed.values()) {
      SnapshotChecker.check(g, topology, sentLog, total);
    }
    assertEquals(0, net.inFlight(), "quiet");
    long held = 0;
    for (TokenProcess p : processes.values()) {
      held += p.tokens();
    }
    assertEquals(total, held, "once quiet, the processes hold every token");
  }

  /** Returns the current tokens of each process (for a quiet system, the whole system). */
  Map<String, Integer> holdings() {
    Map<String, Integer> holdings = new TreeMap<>();
    processes.forEach((name, p) -> holdings.put(name, p.tokens()));
    return holdings;
  }

  TokenProcess process(String name) {
    return processes.get(name);
  }

  /**
   * Restarts the application from {@code snapshot} on a fresh simulation, through {@link
   * GlobalSnapshot#restore}: each process from its recorded tokens (with a fresh snapshot node and
   * fresh counters), then each channel's recorded tokens sent again, in order, before anything
   * runs. A restored channel message counts as sent by the restarted sender, so the ground truth of
   * the new run starts with it.
   */
  static TokenSim restore(
      Simulation sim,
      Topology topology,
      GlobalSnapshot<State, Token> snapshot,
      long minLatency,
      long maxLatency) {
    return Tokens.restore(
        snapshot,
        tokens -> new TokenSim(sim, topology, tokens, minLatency, maxLatency),
        TokenSim::redeliver);
  }

  private void redeliver(ChannelId channel, Token token) {
    total += token.amount();
    ids.skipPast(token.id());
    processes.get(channel.from()).resend(channel.to(), token);
  }
}
