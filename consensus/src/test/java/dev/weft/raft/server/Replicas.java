package dev.weft.raft.server;

import dev.weft.raft.MemoryStorage;
import dev.weft.raft.MutableStorage;
import dev.weft.raft.QuietLogger;
import dev.weft.raft.RaftConfig;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * {@link Replica}s driven by hand, deterministically: envelopes go on one FIFO wire and are
 * delivered by {@link #deliverAll()}; a test may hold back or drop what it chooses. Each replica's
 * state machine answers a command with the command itself, so a result names what was applied.
 */
final class Replicas {
  /** Echoes each command (and refuses "!"), remembering what it applied. */
  static final class Echo implements StateMachine {
    final List<String> applied = new ArrayList<>();

    @Override
    public byte[] apply(long index, byte[] command) {
      if (command.length == 1 && command[0] == '!') {
        throw new IllegalArgumentException("refused at " + index);
      }
      applied.add(new String(command, StandardCharsets.UTF_8));
      return command;
    }

    /** Answers with every command applied so far, comma-separated. */
    @Override
    public byte[] read(byte[] query) {
      return String.join(",", applied).getBytes(StandardCharsets.UTF_8);
    }

    /** The applied commands, one per line. */
    @Override
    public byte[] snapshot() {
      return String.join("\n", applied).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void restore(byte[] snapshot) {
      applied.clear();
      String all = new String(snapshot, StandardCharsets.UTF_8);
      if (!all.isEmpty()) {
        applied.addAll(List.of(all.split("\n", -1)));
      }
    }
  }

  final List<String> ids;
  final Map<String, MutableStorage> storages = new LinkedHashMap<>();
  final Map<String, Replica> replicas = new LinkedHashMap<>();
  final Map<String, Echo> machines = new LinkedHashMap<>();
  final ArrayDeque<Envelope> wire = new ArrayDeque<>();
  final List<Envelope> held = new ArrayList<>();
  final ServerOptions options;

  /** Envelopes it matches are kept in {@link #held} instead of delivered. */
  Predicate<Envelope> hold = e -> false;

  /** Sees what each flush returns, as it leaves the replica (before delivery). */
  java.util.function.BiConsumer<Replica, List<Envelope>> onFlush = (r, out) -> {};

  private long seed = 1;

  Replicas(List<String> ids, ServerOptions options, java.util.function.Supplier<MutableStorage> s) {
    this.ids = List.copyOf(ids);
    this.options = options;
    for (String id : ids) {
      storages.put(id, s.get());
      start(id);
    }
  }

  static ServerOptions options(boolean forward) {
    return ServerOptions.defaults()
        .withTickInterval(Duration.ofMillis(10))
        .withProposalTimeout(Duration.ofSeconds(1))
        .withForwardProposals(forward);
  }

  /** Starts (or restarts, after a crash) a replica on its storage, with a fresh seed. */
  Replica start(String id) {
    Echo m = new Echo();
    machines.put(id, m);
    Replica r =
        new Replica(
            new RaftConfig(id, ids, 10, 1, seed++).withLogger(QuietLogger.INSTANCE),
            storages.get(id),
            m,
            options);
    replicas.put(id, r);
    return r;
  }

  /** Starts a server outside the configuration, on new storage, ready to be added. */
  Replica join(String id) {
    storages.put(id, new MemoryStorage());
    Echo m = new Echo();
    machines.put(id, m);
    Replica r =
        new Replica(
            RaftConfig.joining(id, ids, 10, 1, seed++).withLogger(QuietLogger.INSTANCE),
            storages.get(id),
            m,
            options);
    replicas.put(id, r);
    return r;
  }

  void flushAll() {
    for (Replica r : replicas.values()) {
      wire.addAll(flush(r));
    }
  }

  List<Envelope> flush(Replica r) {
    List<Envelope> out = r.flush();
    onFlush.accept(r, out);
    return out;
  }

  /** Delivers every envelope (and those the deliveries cause), except the held ones. */
  void deliverAll() {
    flushAll();
    while (!wire.isEmpty()) {
      Envelope e = wire.poll();
      if (hold.test(e)) {
        held.add(e);
        continue;
      }
      Replica to = replicas.get(e.to());
      if (to != null) {
        to.receive(e);
        wire.addAll(flush(to));
      }
    }
  }

  void tick(int ticks) {
    for (int i = 0; i < ticks; i++) {
      for (Replica r : replicas.values()) {
        r.tick();
      }
      deliverAll();
    }
  }

  /** Ticks until one replica leads and every other knows it; returns it. */
  Replica elect() {
    for (int i = 0; i < 200; i++) {
      tick(1);
      for (Replica r : replicas.values()) {
        if (r.isLeader()
            && replicas.values().stream().allMatch(o -> r.id().equals(o.status().leader()))) {
          return r;
        }
      }
    }
    throw new AssertionError("no leader: " + replicas.values());
  }

  Replica follower(Replica leader) {
    return replicas.values().stream().filter(r -> r != leader).findFirst().orElseThrow();
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static String text(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }
}
