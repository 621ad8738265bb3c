package dev.weft.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.weft.snapshot.Tokens.Envelope;
import dev.weft.snapshot.Tokens.State;
import dev.weft.snapshot.Tokens.Token;
import dev.weft.testkit.ScenarioFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Fixed scenarios written as data files in {@code src/test/resources/testdata}: a topology and a
 * list of events, a line {@code ----}, and the output expected (each global snapshot as it
 * completes, and each rejected event). Channels are explicit FIFO queues, so every interleaving is
 * spelled out in the file. Run with {@code -Dweft.rewrite=true} to write the actual output into the
 * files instead of checking it (then review the diff).
 *
 * <pre>
 * processes a b          the processes
 * channel a b            a directed FIFO channel a-&gt;b
 * tokens a 10            a's tokens at the start (default 0)
 * send a b 3             a sends 3 tokens on a-&gt;b
 * snapshot a 1           a starts snapshot 1
 * deliver a b            the oldest envelope on a-&gt;b arrives at b
 * deliver-all            deliver everything, channel by channel in order, until all are empty
 * marker a b 1           put an extra marker of snapshot 1 on a-&gt;b (a duplicate)
 * stray-marker z b 1     b is told a marker of 1 came from z, on no channel
 * stray-message z b 2    b is told a message of 2 tokens came from z, on no channel
 * show                   print every process's tokens and every channel's contents
 * restore 1              restart every process and channel from global snapshot 1
 * </pre>
 */
class ScenarioFileTest {
  private static final Path DATA = Path.of("src", "test", "resources", "testdata");

  @TestFactory
  Stream<DynamicTest> scenarios() throws IOException {
    return ScenarioFiles.list(DATA).stream()
        .map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> check(file)));
  }

  private static void check(Path file) throws IOException {
    ScenarioFiles.Outcome outcome =
        ScenarioFiles.run(
            file,
            commands -> {
              Scenario scenario = new Scenario();
              commands.forEach(scenario::run);
              return scenario.output;
            });
    assertEquals(outcome.expected(), outcome.actual(), file.toString());
  }

  /** The system a scenario file describes, and what it printed. */
  private static final class Scenario {
    final List<String> output = new ArrayList<>();
    final List<String> processes = new ArrayList<>();
    final List<ChannelId> channels = new ArrayList<>();
    final Map<String, Integer> initialTokens = new HashMap<>();
    final Map<ChannelId, ArrayDeque<Envelope>> queues = new LinkedHashMap<>();
    final Map<ChannelId, List<Token>> sentLog = new HashMap<>();
    final Map<Long, GlobalSnapshot<State, Token>> completed = new TreeMap<>();
    final TokenProcess.Ids ids = new TokenProcess.Ids();
    Map<String, TokenProcess> running;
    SnapshotCollector<State, Token> collector;
    Topology topology;
    long total;

    void run(String command) {
      String[] w = command.split("\\s+");
      switch (w[0]) {
        case "processes" -> processes.addAll(Arrays.asList(w).subList(1, w.length));
        case "channel" -> channels.add(new ChannelId(w[1], w[2]));
        case "tokens" -> initialTokens.put(w[1], Integer.parseInt(w[2]));
        default -> {
          if (running == null) {
            start(initialTokens);
          }
          try {
            event(w);
          } catch (RuntimeException e) {
            output.add(
                "error: " + command + ": " + e.getClass().getSimpleName() + ": " + e.getMessage());
          }
        }
      }
    }

    private void start(Map<String, Integer> tokens) {
      topology = new Topology("scenario", processes, channels);
      collector =
          new SnapshotCollector<>(
              processes,
              g -> {
                completed.put(g.snapshotId(), g);
                print(g);
                SnapshotChecker.check(g, topology, sentLog, total);
              });
      queues.clear();
      sentLog.clear();
      for (ChannelId c : channels) {
        queues.put(c, new ArrayDeque<>());
      }
      running = new LinkedHashMap<>();
      total = 0;
      for (String p : processes) {
        int t = tokens.getOrDefault(p, 0);
        total += t;
        running.put(
            p,
            new TokenProcess(
                p,
                t,
                topology.incoming(p),
                topology.outgoing(p),
                this::enqueue,
                ids,
                collector::add));
      }
    }

    private void enqueue(String from, String to, Envelope envelope) {
      ChannelId c = new ChannelId(from, to);
      if (!envelope.isMarker()) {
        sentLog.computeIfAbsent(c, k -> new ArrayList<>()).add(envelope.token());
      }
      queue(c).add(envelope);
    }

    private ArrayDeque<Envelope> queue(ChannelId c) {
      ArrayDeque<Envelope> q = queues.get(c);
      if (q == null) {
        throw new IllegalArgumentException("no channel " + c);
      }
      return q;
    }

    private void event(String[] w) {
      switch (w[0]) {
        case "send" -> running.get(w[1]).send(w[2], Integer.parseInt(w[3]));
        case "snapshot" -> running.get(w[1]).startSnapshot(Long.parseLong(w[2]));
        case "deliver" -> deliver(new ChannelId(w[1], w[2]));
        case "deliver-all" -> {
          boolean any = true;
          while (any) {
            any = false;
            for (ChannelId c : channels) {
              if (!queues.get(c).isEmpty()) {
                deliver(c);
                any = true;
              }
            }
          }
        }
        case "marker" ->
            queue(new ChannelId(w[1], w[2])).add(Envelope.marker(Long.parseLong(w[3])));
        case "stray-marker" -> running.get(w[2]).node.onMarker(w[1], Long.parseLong(w[3]));
        case "stray-message" ->
            running.get(w[2]).node.onMessage(w[1], new Token(-1, Integer.parseInt(w[3])));
        case "show" -> show();
        case "restore" -> restore(Long.parseLong(w[1]));
        default -> throw new IllegalArgumentException("unknown command " + w[0]);
      }
    }

    private void deliver(ChannelId c) {
      Envelope e = queue(c).poll();
      if (e == null) {
        throw new IllegalStateException("nothing in flight on " + c);
      }
      running.get(c.to()).receive(c.from(), e);
    }

    private void show() {
      StringBuilder line = new StringBuilder("tokens");
      running.forEach((name, p) -> line.append(' ').append(name).append('=').append(p.tokens()));
      output.add(line.toString());
      for (ChannelId c : channels) {
        output.add(
            "  "
                + c
                + ": "
                + queues.get(c).stream().map(Scenario::render).collect(Collectors.toList()));
      }
    }

    private static String render(Envelope e) {
      return e.isMarker() ? "marker " + e.snapshotId() : String.valueOf(e.token().amount());
    }

    private void restore(long id) {
      GlobalSnapshot<State, Token> g = completed.get(id);
      if (g == null) {
        throw new IllegalArgumentException("snapshot " + id + " has not completed");
      }
      Tokens.restore(
          g,
          tokens -> {
            start(tokens);
            return this;
          },
          (self, channel, token) -> {
            total += token.amount();
            running.get(channel.from()).resend(channel.to(), token);
          });
      output.add("restored from snapshot " + id);
    }

    private void print(GlobalSnapshot<State, Token> g) {
      output.add("snapshot " + g.snapshotId() + " complete");
      g.states().forEach((p, s) -> output.add("  " + p + ": " + s.tokens()));
      g.channels()
          .forEach(
              (c, messages) ->
                  output.add(
                      "  "
                          + c
                          + ": "
                          + messages.stream().map(Token::amount).collect(Collectors.toList())));
      output.add("  total: " + Tokens.total(g));
    }
  }
}
