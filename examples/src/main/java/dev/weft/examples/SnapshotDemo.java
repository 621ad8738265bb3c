package dev.weft.examples;

import dev.weft.snapshot.ChannelId;
import dev.weft.snapshot.GlobalSnapshot;
import dev.weft.snapshot.SnapshotRunner;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * dev.weft.snapshot: five processes pass tokens as fast as they can; three Chandy-Lamport snapshots
 * started at once by different processes each capture a consistent cut (every token counted once,
 * held or in flight); then the system restarts from one of them and carries on.
 */
final class SnapshotDemo {
  private static final List<String> NAMES = List.of("alice", "bob", "carol", "dave", "erin");
  private static final int TOKENS_EACH = 10;
  private static final Duration WAIT = Duration.ofSeconds(10);

  private SnapshotDemo() {}

  /**
   * Holds tokens; starts two messages going, and for each message it receives sends one on, to a
   * random neighbour, with a random share (at least one) of the tokens it then holds.
   */
  private static final class Passer implements SnapshotRunner.Process<Integer, Integer> {
    private final SplittableRandom random = new SplittableRandom();
    private int tokens;

    Passer(int tokens) {
      this.tokens = tokens;
    }

    @Override
    public void start(SnapshotRunner.Outbox<Integer> out) {
      pass(out);
      pass(out);
    }

    @Override
    public void onMessage(String from, Integer amount, SnapshotRunner.Outbox<Integer> out) {
      tokens += amount;
      pass(out);
    }

    private void pass(SnapshotRunner.Outbox<Integer> out) {
      if (tokens > 0) {
        int amount = 1 + random.nextInt(Math.min(tokens, 4));
        tokens -= amount;
        out.send(out.outgoing().get(random.nextInt(out.outgoing().size())), amount);
      }
    }

    @Override
    public Integer state() {
      return tokens;
    }
  }

  static void run(PrintStream out) throws Exception {
    Demo.heading(out, "6. Chandy-Lamport snapshots of a running token-passing system");
    out.printf(
        "  %d processes on virtual threads pass %d tokens over weft channels, one per ordered pair,%n"
            + "  each message answered at once by another with a random share of the receiver's tokens.%n"
            + "  Three snapshots start at once:%n%n",
        NAMES.size(), NAMES.size() * TOKENS_EACH);
    SnapshotRunner.Builder<Integer, Integer> builder = SnapshotRunner.builder();
    for (String name : NAMES) {
      builder.process(name, new Passer(TOKENS_EACH));
    }
    List<GlobalSnapshot<Integer, Integer>> snapshots = new ArrayList<>();
    List<String> initiators = List.of("alice", "carol", "erin");
    try (SnapshotRunner<Integer, Integer> runner = builder.connectAll().start()) {
      Thread.sleep(100); // let the tokens spread
      List<CompletableFuture<GlobalSnapshot<Integer, Integer>>> futures = new ArrayList<>();
      for (String initiator : initiators) {
        futures.add(runner.startSnapshot(initiator));
      }
      for (CompletableFuture<GlobalSnapshot<Integer, Integer>> f : futures) {
        snapshots.add(f.get(WAIT.toSeconds(), TimeUnit.SECONDS));
      }
    }
    for (int i = 0; i < snapshots.size(); i++) {
      print(out, snapshots.get(i), "started by " + initiators.get(i));
    }

    GlobalSnapshot<Integer, Integer> cut = snapshots.get(2);
    out.printf(
        "  Restart every process from snapshot %d, with its %d in-flight messages put back on their%n"
            + "  channels, let it run 100 ms, and take a snapshot of the restarted system:%n%n",
        cut.snapshotId(), cut.inFlight());
    try (SnapshotRunner<Integer, Integer> restored =
        SnapshotRunner.<Integer, Integer>restore(cut, (name, tokens) -> new Passer(tokens))
            .start()) {
      Thread.sleep(100);
      print(out, restored.snapshot("bob", WAIT), "started by bob, after the restart");
    }
  }

  private static void print(PrintStream out, GlobalSnapshot<Integer, Integer> g, String how) {
    out.printf("  snapshot %d, %s%n", g.snapshotId(), how);
    out.printf(
        "    %-8s %6s   %s%n", "process", "tokens", "messages in flight towards it (tokens each)");
    long held = 0;
    long inFlight = 0;
    for (Map.Entry<String, Integer> e : g.states().entrySet()) {
      String process = e.getKey();
      held += e.getValue();
      List<String> arriving = new ArrayList<>();
      for (Map.Entry<ChannelId, List<Integer>> c : g.channels().entrySet()) {
        if (c.getKey().to().equals(process) && !c.getValue().isEmpty()) {
          arriving.add(c.getKey().from() + " " + c.getValue());
          inFlight += c.getValue().stream().mapToLong(Integer::longValue).sum();
        }
      }
      out.printf(
          "    %-8s %6d   %s%n",
          process, e.getValue(), arriving.isEmpty() ? "-" : String.join(", ", arriving));
    }
    long total = held + inFlight;
    out.printf(
        "    total: %d held + %d in flight = %d tokens (%s)%n%n",
        held,
        inFlight,
        total,
        total == (long) NAMES.size() * TOKENS_EACH ? "all accounted for" : "WRONG");
  }
}
