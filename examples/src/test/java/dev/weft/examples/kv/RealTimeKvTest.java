package dev.weft.examples.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.raft.MemoryStorage;
import dev.weft.raft.RaftConfig;
import dev.weft.raft.Role;
import dev.weft.raft.server.InProcessNetwork;
import dev.weft.raft.server.RaftServer;
import dev.weft.raft.server.ServerOptions;
import dev.weft.testkit.ThreadKind;
import dev.weft.testkit.Workers;
import dev.weft.testkit.lin.History;
import dev.weft.testkit.lin.KeyValueModel;
import dev.weft.testkit.lin.LinearizabilityChecker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The key-value service in real time: five {@link RaftServer}s on virtual threads over an {@link
 * InProcessNetwork} that loses, duplicates and delays messages, clients on virtual threads, and a
 * nemesis that isolates the leader and partitions the network (restarts from storage are covered by
 * the simulated test and RaftServerTest). The history is checked linearizable and no state machine
 * executes a request twice. Seeded ({@code -Dweft.seed=S}) for the choices the test makes; thread
 * timing is not reproducible.
 */
class RealTimeKvTest {
  private static final List<String> IDS = List.of("s1", "s2", "s3", "s4", "s5");
  private static final List<String> KEYS = List.of("a", "b", "c");

  private final InProcessNetwork network = new InProcessNetwork();
  private final Map<String, MemoryStorage> storages = new LinkedHashMap<>();
  private final Map<String, RaftServer> servers =
      Collections.synchronizedMap(new LinkedHashMap<>());
  private final List<String> violations = Collections.synchronizedList(new ArrayList<>());
  private final ServerOptions options =
      ServerOptions.defaults()
          .withTickInterval(Duration.ofMillis(5))
          .withProposalTimeout(Duration.ofMillis(500))
          .withDrainTimeout(Duration.ofMillis(200));

  private RaftServer start(String id, long seed) {
    Set<String> seen = new HashSet<>();
    KvStateMachine kv =
        new KvStateMachine(
            (index, c) -> {
              if (!seen.add(c.client() + "#" + c.seq())) {
                violations.add(id + " executed " + c + " twice");
              }
            });
    RaftServer s =
        RaftServer.start(
            new RaftConfig(id, IDS, 10, 1, seed + id.hashCode()),
            storages.computeIfAbsent(id, k -> new MemoryStorage()),
            kv,
            network.endpoint(id),
            options);
    servers.put(id, s);
    return s;
  }

  private List<RaftServer> snapshotOfServers() {
    synchronized (servers) {
      return List.copyOf(servers.values());
    }
  }

  @Test
  @Timeout(120)
  void historyUnderFaultsIsLinearizable() throws Exception {
    long seed = Long.getLong("weft.seed", System.nanoTime());
    System.out.println("RealTimeKvTest seed " + seed + " (replay the choices with -Dweft.seed)");
    Random random = new Random(seed);
    for (String id : IDS) {
      start(id, seed);
    }
    network.setFaults(new InProcessNetwork.Faults(0.05, 0.02, Duration.ZERO, Duration.ofMillis(3)));
    History<KeyValueModel.Op, KeyValueModel.Result> history = new History<>(System::nanoTime);
    long end = System.nanoTime() + Duration.ofSeconds(3).toNanos();
    int[] completed = new int[4];
    int[] restarts = {0};
    try (Workers workers = new Workers(ThreadKind.VIRTUAL, Duration.ofSeconds(60))) {
      workers.startAll(
          "client",
          4,
          i -> {
            Random r = new Random(seed + i);
            KvClient client =
                new KvClient(IDS, servers::get, Duration.ofMillis(200), Duration.ofSeconds(20));
            while (System.nanoTime() - end < 0) {
              String key = KEYS.get(r.nextInt(KEYS.size()));
              String v = "c" + i + "." + r.nextInt(1_000_000);
              KvCommand.Kind kind = KvCommand.Kind.values()[r.nextInt(5)];
              String value = kind == KvCommand.Kind.GET || kind == KvCommand.Kind.DELETE ? null : v;
              // cas only if absent (expected null)
              History<KeyValueModel.Op, KeyValueModel.Result>.Call call =
                  history.invoke(i, KvCommand.model(kind, key, value, null));
              try {
                KvResult result = client.execute(kind, key, value, null);
                call.ok(result.toModel());
                completed[i]++;
              } catch (TimeoutException | SessionExpiredException e) {
                call.unknown();
                return; // the operation may still happen: this client stops here
              }
            }
          });
      Thread nemesis =
          workers.start(
              "nemesis",
              () -> {
                while (System.nanoTime() - end < 0) {
                  Thread.sleep(300);
                  switch (random.nextInt(4)) {
                    case 0 -> {
                      for (RaftServer s : snapshotOfServers()) {
                        if (s.status().role() == Role.LEADER) {
                          network.isolate(s.id());
                        }
                      }
                    }
                    case 1 -> {
                      List<String> side = new ArrayList<>(IDS);
                      Collections.shuffle(side, random);
                      network.partition(List.of(side.subList(0, 2)));
                    }
                    case 2 -> {
                      // restart a server from its storage: a new state machine replays the log
                      String id = IDS.get(random.nextInt(IDS.size()));
                      RaftServer old = servers.remove(id);
                      old.close();
                      restarts[0]++;
                      start(id, seed + restarts[0]);
                    }
                    default -> network.heal();
                  }
                }
                network.heal();
              });
      workers.joinAll();
      assertTrue(!nemesis.isAlive());
    }
    LinearizabilityChecker.Result verdict =
        LinearizabilityChecker.check(new KeyValueModel(), history.operations());
    assertTrue(verdict.linearizable(), () -> "seed " + seed + ": " + verdict.describe());
    assertEquals(List.of(), violations, "seed " + seed);
    int total = 0;
    for (int n : completed) {
      total += n;
    }
    System.out.println(
        "RealTimeKvTest: "
            + total
            + " operations completed, linearizable; "
            + restarts[0]
            + " server restarts");
    assertTrue(total > 50, "too few operations completed: " + total);
    for (RaftServer s : snapshotOfServers()) {
      s.close();
    }
    network.close();
  }
}
