package dev.weft.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.replication.chain.ChainCluster;
import dev.weft.replication.chain.ChainServer;
import dev.weft.replication.config.ConfigClient;
import dev.weft.replication.config.ConfigMessage;
import dev.weft.replication.config.ConfigService;
import dev.weft.replication.config.Versioned;
import dev.weft.replication.kv.BlockingKvClient;
import dev.weft.replication.kv.KvOp;
import dev.weft.replication.kv.KvResult;
import dev.weft.replication.pb.PbCluster;
import dev.weft.replication.sim.SimWorld;
import dev.weft.testkit.ThreadKind;
import dev.weft.testkit.Workers;
import dev.weft.testkit.lin.History;
import dev.weft.testkit.lin.KeyValueModel;
import dev.weft.testkit.lin.LinearizabilityChecker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The drivers in real time: the configuration service, primary-backup and chain replication on
 * {@link NodeHost}s and a {@link LocalNetwork}, with clients on threads, a server crashed while
 * they work, and each history checked for linearizability.
 */
class RealTimeTest {
  private static final Duration TICK = Duration.ofMillis(5);
  private static final Duration DEADLINE = Duration.ofSeconds(10);

  @Test
  @Timeout(60)
  void theConfigurationServiceSurvivesItsLeadersCrash() throws Exception {
    LocalNetwork network = new LocalNetwork();
    try (ConfigService cfg =
            ConfigService.start(List.of("cfg1", "cfg2", "cfg3"), network, TICK, 1);
        ConfigClient a = ConfigClient.connect("a", 11, cfg.members(), network, TICK);
        ConfigClient b = ConfigClient.connect("b", 12, cfg.members(), network, TICK)) {
      ConfigMessage.Reply first = a.testAndSet(0, bytes("one"), DEADLINE);
      assertTrue(first.ok());
      assertFalse(b.testAndSet(0, bytes("two"), DEADLINE).ok(), "version 0 is gone");
      String leader = cfg.leader();
      cfg.crash(leader);
      assertTrue(b.testAndSet(1, bytes("three"), DEADLINE).ok(), "a majority still serves");
      Versioned seen = a.awaitChange(1, DEADLINE); // the watch
      assertEquals(2, seen.version());
      assertEquals("three", new String(seen.value(), StandardCharsets.UTF_8));
      cfg.restart(leader);
      assertEquals(2, a.get(DEADLINE).version());
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  @Timeout(60)
  void primaryBackupStaysLinearizableWhenThePrimaryCrashes() throws Exception {
    try (PbCluster pb = PbCluster.start(3, TICK, 2)) {
      History<KeyValueModel.Op, KeyValueModel.Result> history =
          workload(
              pb::client,
              () -> {
                String primary = pb.view().first();
                pb.crash(primary);
              });
      check(history);
      assertEquals(2, pb.view().members().size(), "a new backup joined: " + pb.view());
      for (String id : pb.servers()) {
        NodeHost<?> h = pb.host(id);
        assertEquals(0, h == null ? 0 : h.failures(), () -> id + " threw: " + h.lastFailure());
      }
    }
  }

  @ParameterizedTest
  @EnumSource(ChainServer.ReadMode.class)
  @Timeout(60)
  void aChainStaysLinearizableWhenItsMiddleCrashesAndIsRepairedAndExtended(
      ChainServer.ReadMode mode) throws Exception {
    try (ChainCluster chain = ChainCluster.start(4, 3, mode, TICK, 3)) {
      History<KeyValueModel.Op, KeyValueModel.Result> history =
          workload(chain::client, () -> chain.crash("s2"));
      View repaired =
          chain.awaitView(
              v -> v.members().equals(List.of("s1", "s3", "s4")) && v.joining() == null,
              Duration.ofSeconds(20));
      check(history);
      assertEquals(List.of(), chain.checkInvariants(), "in " + repaired);
      for (String id : chain.servers()) {
        NodeHost<?> h = chain.host(id);
        assertEquals(0, h == null ? 0 : h.failures(), () -> id + " threw: " + h.lastFailure());
      }
    }
  }

  /**
   * Three clients on threads, 60 operations each on two keys; {@code fault} runs once the first
   * client is a third through.
   */
  private static History<KeyValueModel.Op, KeyValueModel.Result> workload(
      java.util.function.BiFunction<String, Duration, BlockingKvClient> clients, Runnable fault)
      throws Exception {
    History<KeyValueModel.Op, KeyValueModel.Result> history = new History<>(System::nanoTime);
    try (Workers workers = new Workers(ThreadKind.VIRTUAL, Duration.ofSeconds(50))) {
      workers.startAll(
          "client",
          3,
          i -> {
            BlockingKvClient kv = clients.apply("client-" + i, DEADLINE);
            Random random = new Random(i);
            for (int n = 0; n < 60; n++) {
              if (i == 0 && n == 20) {
                fault.run();
              }
              String key = "k" + random.nextInt(2);
              KvOp op =
                  switch (random.nextInt(4)) {
                    case 0 -> KvOp.get(key);
                    case 1 -> KvOp.put(key, i + "." + n);
                    case 2 -> KvOp.append(key, i + "." + n + ";");
                    default -> KvOp.cas(key, null, i + "." + n);
                  };
              var call = history.invoke(i, SimWorld.model(op));
              try {
                KvResult r = kv.execute(op);
                call.ok(SimWorld.model(r));
              } catch (TimeoutException e) {
                call.unknown();
              }
            }
          });
    }
    return history;
  }

  private static void check(History<KeyValueModel.Op, KeyValueModel.Result> history) {
    var ops = history.operations();
    assertTrue(ops.stream().filter(o -> o.known()).count() > 150, "most operations answered");
    LinearizabilityChecker.Result r = LinearizabilityChecker.check(new KeyValueModel(), ops);
    assertTrue(r.linearizable(), r::describe);
  }
}
