package dev.weft.examples.kv.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.examples.kv.KvCommand;
import dev.weft.examples.kv.KvResult;
import dev.weft.examples.kv.SessionExpiredException;
import dev.weft.examples.kv.grpc.proto.KvProto;
import dev.weft.grpc.Security;
import dev.weft.testkit.ThreadKind;
import dev.weft.testkit.Workers;
import dev.weft.testkit.lin.History;
import dev.weft.testkit.lin.KeyValueModel;
import dev.weft.testkit.lin.LinearizabilityChecker;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The key-value cluster as three server JVMs on loopback, each durable on FileStorage: clients in
 * this JVM append and read over gRPC while the leader is killed with SIGKILL and restarted on its
 * directory, {@code -Dweft.kv.e2e.rounds} times (default 1). Then the whole client history must be
 * linearizable (the testkit's checker over the map's sequential model), every acknowledged append
 * must be in its key's final value, and the restarted servers must catch up with the others. Seeded
 * for the test's own choices ({@code -Dweft.seed=S}); process timing is not reproducible.
 */
class KvProcessClusterTest {
  private static final List<String> IDS = List.of("a", "b", "c");
  private static final List<String> KEYS = List.of("x", "y", "z");
  private static final int CLIENTS = 3;
  private static final int MAX_OPS_PER_CLIENT = 400;
  private static final Duration STARTUP = Duration.ofSeconds(90); // three JVMs on two busy cores

  @TempDir Path dir;
  private ServerProcesses servers;

  @AfterEach
  void stop() throws InterruptedException {
    if (servers != null) {
      servers.close();
    }
  }

  @Test
  @Timeout(240)
  void leaderKilledAndRestartedUnderLoadLosesNothingAndStaysLinearizable() throws Exception {
    long seed = Long.getLong("weft.seed", System.nanoTime());
    int rounds = Integer.getInteger("weft.kv.e2e.rounds", 1);
    System.out.println("KvProcessClusterTest seed " + seed + " (replay with -Dweft.seed)");
    Random random = new Random(seed);
    servers = new ServerProcesses(dir, IDS, c -> c);
    for (String id : IDS) {
      servers.start(id);
    }
    Peers peers = servers.peers();
    try (GrpcKvClient probe = client(peers)) {
      String first = awaitLeader(probe, null, STARTUP);
      System.out.println("KvProcessClusterTest: " + first + " leads");
    }

    History<KeyValueModel.Op, KeyValueModel.Result> history = new History<>(System::nanoTime);
    List<String> acknowledged = Collections.synchronizedList(new ArrayList<>());
    List<String> kills = new ArrayList<>();
    AtomicBoolean stop = new AtomicBoolean();
    int[] completed = new int[CLIENTS];
    try (Workers workers = new Workers(ThreadKind.VIRTUAL, Duration.ofSeconds(200))) {
      workers.startAll(
          "client",
          CLIENTS,
          i -> {
            Random r = new Random(seed + i);
            try (GrpcKvClient kv = client(peers)) {
              for (int n = 0; n < MAX_OPS_PER_CLIENT && !stop.get(); n++) {
                String key = KEYS.get(r.nextInt(KEYS.size()));
                boolean append = r.nextInt(10) < 6;
                String token = "c" + i + "." + n + ";";
                KvCommand.Kind kind = append ? KvCommand.Kind.APPEND : KvCommand.Kind.GET;
                String value = append ? token : null;
                History<KeyValueModel.Op, KeyValueModel.Result>.Call call =
                    history.invoke(i, KvCommand.model(kind, key, value, null));
                try {
                  KvResult result = kv.execute(kind, key, value, null);
                  call.ok(result.toModel());
                  completed[i]++;
                  if (append) {
                    acknowledged.add(key + "=" + token);
                  }
                } catch (TimeoutException | SessionExpiredException e) {
                  call.unknown(); // it may still take effect: this client stops here
                  System.out.println("KvProcessClusterTest: client " + i + " stops: " + e);
                  return;
                }
              }
            }
          });
      workers.start(
          "nemesis",
          () -> {
            try (GrpcKvClient probe = client(peers)) {
              for (int round = 0; round < rounds; round++) {
                Thread.sleep(1000 + random.nextInt(1000)); // let the clients work
                String leader = awaitLeader(probe, null, STARTUP);
                servers.kill(leader);
                kills.add(leader);
                System.out.println("KvProcessClusterTest: killed leader " + leader);
                awaitLeader(probe, leader, STARTUP); // the others elect one of themselves
                Thread.sleep(random.nextInt(500));
                servers.start(leader); // same directory, same port
              }
              Thread.sleep(1500);
            } finally {
              stop.set(true);
            }
          });
      workers.joinAll();
    } catch (Throwable t) {
      throw new AssertionError("seed " + seed + "\n" + servers.logs(), t);
    }

    // final reads, by a client of their own, are part of the checked history
    List<String> finals = new ArrayList<>();
    try (GrpcKvClient kv = client(peers)) {
      for (String key : KEYS) {
        History<KeyValueModel.Op, KeyValueModel.Result>.Call call =
            history.invoke(CLIENTS, KeyValueModel.Op.get(key));
        String v = kv.get(key);
        call.ok(KeyValueModel.Result.read(v));
        finals.add(key + "=" + v);
        for (String a : List.copyOf(acknowledged)) {
          String token = a.substring(a.indexOf('=') + 1);
          if (a.startsWith(key + "=")) {
            assertTrue(
                v != null && v.contains(token),
                () -> "seed " + seed + ": acknowledged append " + a + " lost; " + key + "=" + v);
          }
        }
      }
      awaitCaughtUp(kv, seed);
    }
    LinearizabilityChecker.Result verdict =
        LinearizabilityChecker.check(
            new KeyValueModel(),
            history.operations(),
            LinearizabilityChecker.Limits.defaults().withTimeout(Duration.ofSeconds(60)));
    assertEquals(
        LinearizabilityChecker.Verdict.LINEARIZABLE,
        verdict.verdict(),
        () -> "seed " + seed + ": " + verdict.describe());
    int total = 0;
    for (int n : completed) {
      total += n;
    }
    System.out.println(
        "KvProcessClusterTest: "
            + total
            + " operations completed ("
            + acknowledged.size()
            + " acknowledged appends, all present), linearizable; killed and restarted "
            + kills);
    assertEquals(rounds, kills.size());
    assertTrue(total >= 30, "too few operations completed: " + total);
  }

  private static GrpcKvClient client(Peers peers) {
    return GrpcKvClient.connect(
        peers, Security.plaintext(), Duration.ofSeconds(1), Duration.ofSeconds(30));
  }

  /** Waits until a node other than {@code not} is reported leader by a node that answers. */
  static String awaitLeader(GrpcKvClient probe, String not, Duration timeout)
      throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() - end < 0) {
      for (String id : IDS) {
        try {
          KvProto.StatusReply s = probe.status(id, Duration.ofMillis(500));
          if (s.getRole().equals("LEADER") && !id.equals(not)) {
            return id;
          }
        } catch (StatusRuntimeException e) {
          // down or starting
        }
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no leader (other than " + not + ") within " + timeout);
  }

  /** Every node, the restarted ones too, reaches the same commit index. */
  private void awaitCaughtUp(GrpcKvClient kv, long seed) throws InterruptedException {
    long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    String last = "";
    while (System.nanoTime() - end < 0) {
      List<Long> commits = new ArrayList<>();
      for (String id : IDS) {
        try {
          commits.add(kv.status(id, Duration.ofMillis(500)).getCommitIndex());
        } catch (StatusRuntimeException e) {
          commits.add(-1L);
        }
      }
      last = IDS + " commit " + commits;
      if (commits.get(0) > 0 && commits.stream().distinct().count() == 1) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("seed " + seed + ": servers did not catch up: " + last);
  }
}
