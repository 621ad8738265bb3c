package dev.weft.examples;

import dev.weft.examples.kv.KvClient;
import dev.weft.examples.kv.KvCommand;
import dev.weft.examples.kv.KvResult;
import dev.weft.examples.kv.KvStateMachine;
import dev.weft.examples.kv.SessionExpiredException;
import dev.weft.raft.MemoryStorage;
import dev.weft.raft.RaftConfig;
import dev.weft.raft.RaftStatus;
import dev.weft.raft.Role;
import dev.weft.raft.server.InProcessNetwork;
import dev.weft.raft.server.RaftServer;
import dev.weft.raft.server.ServerOptions;
import dev.weft.testkit.lin.History;
import dev.weft.testkit.lin.KeyValueModel;
import dev.weft.testkit.lin.LinearizabilityChecker;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The replicated key-value service: five {@link RaftServer}s in one process, each an event loop on
 * a virtual thread, clients writing through them while the leader is partitioned away, a new leader
 * takes over, and the old one rejoins; then the whole history is checked linearizable.
 */
final class KvDemo {
  private static final List<String> IDS = List.of("s1", "s2", "s3", "s4", "s5");
  private static final List<String> KEYS = List.of("apples", "pears", "plums");

  private final InProcessNetwork network = new InProcessNetwork();
  private final Map<String, RaftServer> servers = new LinkedHashMap<>();
  private final Map<String, KvStateMachine> machines = new LinkedHashMap<>();
  private final History<KeyValueModel.Op, KeyValueModel.Result> history =
      new History<>(System::nanoTime);
  private final AtomicLong done = new AtomicLong();
  private final long start = System.nanoTime();
  private volatile boolean running = true;

  private KvDemo() {
    ServerOptions options =
        ServerOptions.defaults()
            .withTickInterval(Duration.ofMillis(10))
            .withProposalTimeout(Duration.ofSeconds(1));
    for (String id : IDS) {
      KvStateMachine kv = new KvStateMachine();
      machines.put(id, kv);
      servers.put(
          id,
          RaftServer.start(
              new RaftConfig(id, IDS, 15, 2, id.hashCode()).withLogger(RaftDemo.Silent.INSTANCE),
              new MemoryStorage(),
              kv,
              network.endpoint(id),
              options));
    }
  }

  static void run(PrintStream out) throws Exception {
    Demo.heading(out, "9. A replicated key-value service on Raft, and a linearizability check");
    out.println(
        "  Five RaftServers (event loops on virtual threads, over weft channels and a ticker)");
    out.println("  in one process; tick 10 ms, election timeout 150-300 ms. Three clients number");
    out.println("  their requests and retry on timeouts; the map deduplicates retries.");
    out.println();
    KvDemo demo = new KvDemo();
    try {
      demo.play(out);
    } finally {
      demo.close();
    }
    out.println();
  }

  private void play(PrintStream out) throws Exception {
    String first = awaitLeader(null);
    say(out, first + " is elected leader of term " + servers.get(first).status().term());

    List<Thread> clients = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      int n = i;
      clients.add(Thread.ofVirtual().name("client-" + i).start(() -> client(n)));
    }
    Thread.sleep(600);
    say(out, "3 clients running: " + done.get() + " operations acknowledged so far");

    network.isolate(first);
    say(out, "partition: " + first + " is cut off from the other four");
    String second = awaitLeader(first);
    say(
        out,
        second
            + " is elected leader of term "
            + servers.get(second).status().term()
            + "; clients follow it");
    awaitStatus(first, s -> s.role() != Role.LEADER);
    RaftStatus old = servers.get(first).status();
    say(out, first + ", alone, steps down (CheckQuorum): it is now " + old.role());
    long before = done.get();
    Thread.sleep(600);
    say(out, (done.get() - before) + " more operations acknowledged with " + first + " away");

    network.heal();
    say(out, "heal: " + first + " can talk to the others again");
    awaitStatus(
        first,
        s ->
            second.equals(s.leader())
                && s.commitIndex() >= servers.get(second).status().commitIndex() - 50);
    RaftStatus back = servers.get(first).status();
    say(
        out,
        first
            + " rejoins as a "
            + back.role()
            + " of "
            + back.leader()
            + " in term "
            + back.term()
            + ", log caught up to index "
            + back.lastIndex());
    Thread.sleep(300);
    running = false;
    for (Thread c : clients) {
      c.join();
    }
    say(out, "clients stop after " + done.get() + " acknowledged operations");

    StringBuilder values = new StringBuilder();
    KvStateMachine leaderMap = machines.get(second);
    for (String k : KEYS) {
      String v = leaderMap.peek(k);
      values.append(String.format("%n      %-7s = %s", k, abbreviate(v)));
    }
    say(out, "the map on " + second + ":" + values);
    long dups = 0;
    for (KvStateMachine m : machines.values()) {
      dups += m.duplicates();
    }
    say(
        out,
        "retried requests recognised by the deduplication table (all replicas): "
            + dups
            + "; sessions held: "
            + leaderMap.sessions());

    long t0 = System.nanoTime();
    var operations = history.operations();
    LinearizabilityChecker.Result verdict =
        LinearizabilityChecker.check(new KeyValueModel(), operations);
    say(
        out,
        "linearizability check of "
            + operations.size()
            + " operations: "
            + (verdict.linearizable() ? "linearizable" : "NOT linearizable")
            + " ("
            + verdict.parts()
            + " keys checked separately, "
            + (System.nanoTime() - t0) / 1_000_000
            + " ms)");
    if (!verdict.linearizable()) {
      out.println(verdict.describe());
    }
  }

  private void client(int n) {
    Random random = new Random(n);
    KvClient client =
        new KvClient(List.copyOf(servers.values()), Duration.ofMillis(300), Duration.ofSeconds(30));
    int seq = 0;
    while (running) {
      String key = KEYS.get(random.nextInt(KEYS.size()));
      int pick = random.nextInt(4);
      KvCommand.Kind kind =
          pick == 0
              ? KvCommand.Kind.GET
              : pick == 1
                  ? KvCommand.Kind.PUT
                  : pick == 2 ? KvCommand.Kind.APPEND : KvCommand.Kind.CAS;
      String value = kind == KvCommand.Kind.GET ? null : "c" + n + "." + (++seq) + ";";
      KeyValueModel.Op op = KvCommand.model(kind, key, value, null);
      var call = history.invoke(n, op);
      try {
        KvResult r = client.execute(kind, key, value, null);
        call.ok(r.toModel());
        done.incrementAndGet();
      } catch (TimeoutException | SessionExpiredException e) {
        call.unknown(); // it may or may not have taken effect
        return;
      } catch (InterruptedException e) {
        call.unknown();
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private String awaitLeader(String not) throws InterruptedException {
    while (true) {
      for (RaftServer s : servers.values()) {
        RaftStatus st = s.status();
        if (st.role() == Role.LEADER && !st.id().equals(not)) {
          boolean agreed = true;
          for (RaftServer o : servers.values()) {
            if (!o.id().equals(not)) {
              agreed &= st.id().equals(o.status().leader());
            }
          }
          if (agreed) {
            return st.id();
          }
        }
      }
      Thread.sleep(5);
    }
  }

  private void awaitStatus(String id, java.util.function.Predicate<RaftStatus> condition)
      throws InterruptedException {
    long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!condition.test(servers.get(id).status())) {
      if (System.nanoTime() - end > 0) {
        throw new IllegalStateException("timed out waiting on " + servers.get(id).status());
      }
      Thread.sleep(5);
    }
  }

  private void say(PrintStream out, String line) {
    out.printf("  %5d ms: %s%n", (System.nanoTime() - start) / 1_000_000, line);
  }

  private static String abbreviate(String v) {
    if (v == null) {
      return "(absent)";
    }
    return v.length() <= 60 ? v : v.substring(0, 28) + "..." + v.substring(v.length() - 28);
  }

  private void close() {
    for (RaftServer s : servers.values()) {
      s.close();
    }
    network.close();
  }
}
