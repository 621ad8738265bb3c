package dev.weft.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.snapshot.Tokens.State;
import dev.weft.snapshot.Tokens.Token;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The runner with a busy token-passing application: every process forwards each token it receives
 * at once, so tokens are always in flight while snapshots are taken.
 */
class SnapshotRunnerTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  /** The shared bookkeeping of one run of the token application. */
  private static final class Run {
    final AtomicBoolean forwarding = new AtomicBoolean(true);
    final AtomicLong ids = new AtomicLong();
    // Each list is appended to only by its channel's sender thread, and read after close().
    final Map<ChannelId, List<Token>> sentLog = new ConcurrentHashMap<>();
    final Map<String, Boolean> onVirtualThread = new ConcurrentHashMap<>();
  }

  /** A process of the token application: passes on every token it receives while forwarding. */
  private static final class Passer implements SnapshotRunner.Process<State, Token> {
    private final Run run;
    private final Random random;
    private final Map<String, Long> sent;
    private final Map<String, Long> received;
    private int tokens;

    Passer(Run run, long seed, State from) {
      this.run = run;
      this.random = new Random(seed);
      this.tokens = from.tokens();
      this.sent = new HashMap<>(from.sent());
      this.received = new HashMap<>(from.received());
    }

    static Passer fresh(Run run, long seed, int tokens, Topology topology, String name) {
      Map<String, Long> sent = new HashMap<>();
      topology.outgoing(name).forEach(to -> sent.put(to, 0L));
      Map<String, Long> received = new HashMap<>();
      topology.incoming(name).forEach(from -> received.put(from, 0L));
      return new Passer(run, seed, new State(tokens, sent, received));
    }

    @Override
    public void start(SnapshotRunner.Outbox<Token> out) {
      run.onVirtualThread.put(out.self(), Thread.currentThread().isVirtual());
      while (tokens > 0) {
        pass(out, 1);
      }
    }

    @Override
    public void onMessage(String from, Token token, SnapshotRunner.Outbox<Token> out) {
      tokens += token.amount();
      received.merge(from, 1L, Long::sum);
      if (run.forwarding.get()) {
        pass(out, token.amount());
      }
    }

    private void pass(SnapshotRunner.Outbox<Token> out, int amount) {
      String to = out.outgoing().get(random.nextInt(out.outgoing().size()));
      Token token = new Token(run.ids.getAndIncrement(), amount);
      tokens -= amount;
      sent.merge(to, 1L, Long::sum);
      run.sentLog.computeIfAbsent(new ChannelId(out.self(), to), c -> new ArrayList<>()).add(token);
      out.send(to, token);
    }

    @Override
    public State state() {
      return new State(tokens, sent, received);
    }
  }

  private static SnapshotRunner<State, Token> start(Run run, Topology topology, int tokens) {
    SnapshotRunner.Builder<State, Token> builder = SnapshotRunner.builder();
    long seed = 0;
    for (String p : topology.processes()) {
      builder.process(p, Passer.fresh(run, seed++, tokens, topology, p));
    }
    for (ChannelId c : topology.channels()) {
      builder.channel(c.from(), c.to());
    }
    return builder.start();
  }

  @Test
  void concurrentSnapshotsOfABusySystemAreConsistent() throws Exception {
    Topology topology = Topology.complete(5);
    Run run = new Run();
    List<GlobalSnapshot<State, Token>> snapshots = new ArrayList<>();
    try (SnapshotRunner<State, Token> runner = start(run, topology, 20)) {
      for (int round = 0; round < 10; round++) {
        List<CompletableFuture<GlobalSnapshot<State, Token>>> futures = new ArrayList<>();
        for (String initiator : List.of("p0", "p2", "p4")) {
          futures.add(runner.startSnapshot(initiator));
        }
        for (CompletableFuture<GlobalSnapshot<State, Token>> f : futures) {
          snapshots.add(f.get(WAIT.toSeconds(), TimeUnit.SECONDS));
        }
      }
      snapshots.add(runner.snapshot("p1", WAIT));
      run.forwarding.set(false);
    }
    assertEquals(31, snapshots.size());
    assertEquals(31, snapshots.stream().mapToLong(GlobalSnapshot::snapshotId).distinct().count());
    int withMessagesInFlight = 0;
    for (GlobalSnapshot<State, Token> g : snapshots) {
      SnapshotChecker.check(g, topology, run.sentLog, 100);
      if (g.inFlight() > 0) {
        withMessagesInFlight++;
      }
    }
    assertTrue(withMessagesInFlight > 0, "a busy system has tokens in flight");
    assertEquals(
        Map.of("p0", true, "p1", true, "p2", true, "p3", true, "p4", true), run.onVirtualThread);
  }

  @Test
  void aRingWorksToo() throws Exception {
    Topology ring = Topology.ring(4);
    Run run = new Run();
    try (SnapshotRunner<State, Token> runner = start(run, ring, 3)) {
      GlobalSnapshot<State, Token> a = runner.snapshot("p0", WAIT);
      GlobalSnapshot<State, Token> b = runner.snapshot("p3", WAIT);
      run.forwarding.set(false);
      runner.close();
      SnapshotChecker.check(a, ring, run.sentLog, 12);
      SnapshotChecker.check(b, ring, run.sentLog, 12);
    }
  }

  @Test
  void aRestoredRunnerContinuesFromTheCut() throws Exception {
    Topology topology = Topology.randomStronglyConnected(5, 0.4, new Random(11));
    Run first = new Run();
    GlobalSnapshot<State, Token> cut;
    try (SnapshotRunner<State, Token> runner = start(first, topology, 10)) {
      runner.snapshot("p0", WAIT); // warm up: tokens spread out
      cut = runner.snapshot("p3", WAIT);
      first.forwarding.set(false);
    }
    SnapshotChecker.check(cut, topology, first.sentLog, 50);

    // The restored world has sent exactly what was sent before each sender recorded: the same
    // history, cut at the snapshot. Its processes keep their recorded counters, so its own
    // snapshots can be checked against that history continued.
    Run second = new Run();
    second.ids.set(first.ids.get());
    for (ChannelId c : topology.channels()) {
      long sentBeforeCut = cut.states().get(c.from()).sent().get(c.to());
      List<Token> history = first.sentLog.getOrDefault(c, List.of());
      second.sentLog.put(c, new ArrayList<>(history.subList(0, (int) sentBeforeCut)));
    }
    long[] seed = {100};
    List<GlobalSnapshot<State, Token>> later = new ArrayList<>();
    Map<String, Integer> restoredTokens = new HashMap<>();
    try (SnapshotRunner<State, Token> restored =
        SnapshotRunner.<State, Token>restore(
                cut,
                (name, state) -> {
                  restoredTokens.put(name, state.tokens());
                  return new Passer(second, seed[0]++, state);
                })
            .start()) {
      for (int i = 0; i < 5; i++) {
        later.add(restored.snapshot("p" + i, WAIT));
      }
      second.forwarding.set(false);
    }
    Map<String, Integer> cutTokens = new HashMap<>();
    cut.states().forEach((p, s) -> cutTokens.put(p, s.tokens()));
    assertEquals(cutTokens, restoredTokens);
    for (GlobalSnapshot<State, Token> g : later) {
      assertTrue(g.snapshotId() > cut.snapshotId(), "ids continue above the cut's");
      SnapshotChecker.check(g, topology, second.sentLog, 50);
    }
  }

  @Test
  void aFailingProcessFailsTheSnapshotsAndTheClose() throws Exception {
    RuntimeException boom = new IllegalStateException("boom");
    SnapshotRunner<String, String> runner =
        SnapshotRunner.<String, String>builder()
            .process("a", process(() -> "a"))
            .process(
                "b",
                process(
                    () -> {
                      throw boom;
                    }))
            .connectAll()
            .start();
    assertTrue(runner.failure().isEmpty());
    CompletableFuture<GlobalSnapshot<String, String>> future = runner.startSnapshot("a");
    ExecutionException failed =
        assertThrows(ExecutionException.class, () -> future.get(20, TimeUnit.SECONDS));
    assertSame(boom, failed.getCause());
    IllegalStateException closed = assertThrows(IllegalStateException.class, runner::close);
    assertSame(boom, closed.getCause());
    assertThrows(IllegalStateException.class, () -> runner.startSnapshot("a"));
  }

  @Test
  void misuseIsRejected() throws Exception {
    assertThrows(IllegalStateException.class, () -> SnapshotRunner.builder().start());
    SnapshotRunner.Builder<String, String> builder =
        SnapshotRunner.<String, String>builder().process("a", process(() -> "a"));
    assertThrows(IllegalArgumentException.class, () -> builder.process("a", process(() -> "")));
    assertThrows(IllegalArgumentException.class, () -> builder.channel("a", "z"));
    assertThrows(IllegalArgumentException.class, () -> builder.channel("a", "a"));
    SnapshotRunner<String, String> runner = builder.start();
    assertThrows(IllegalArgumentException.class, () -> runner.startSnapshot("z"));
    GlobalSnapshot<String, String> alone = runner.snapshot("a", WAIT);
    assertEquals(Map.of("a", "a"), alone.states());
    runner.close();
    runner.close();
    assertThrows(IllegalStateException.class, () -> runner.startSnapshot("a"));
  }

  @Test
  void sendingWhereThereIsNoChannelFailsTheProcess() throws InterruptedException {
    SnapshotRunner<String, String> runner =
        SnapshotRunner.<String, String>builder()
            .process(
                "a",
                new SnapshotRunner.Process<>() {
                  @Override
                  public void start(SnapshotRunner.Outbox<String> out) {
                    out.send("b", "hello");
                  }

                  @Override
                  public void onMessage(
                      String from, String message, SnapshotRunner.Outbox<String> out) {}

                  @Override
                  public String state() {
                    return "a";
                  }
                })
            .process("b", process(() -> "b"))
            .channel("b", "a")
            .start();
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (runner.failure().isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(1);
    }
    assertInstanceOf(IllegalArgumentException.class, runner.failure().orElseThrow());
    IllegalStateException e = assertThrows(IllegalStateException.class, runner::close);
    assertInstanceOf(IllegalArgumentException.class, e.getCause());
  }

  private static SnapshotRunner.Process<String, String> process(
      java.util.function.Supplier<String> state) {
    return new SnapshotRunner.Process<>() {
      @Override
      public void onMessage(String from, String message, SnapshotRunner.Outbox<String> out) {}

      @Override
      public String state() {
        return state.get();
      }
    };
  }
}
