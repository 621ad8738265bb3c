package dev.weft.examples.kv.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.weft.grpc.Security;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real partitions, opt-in and root only ({@code -Dweft.kv.netns=true}): three network namespaces,
 * each joined to a bridge in this namespace by a veth pair, one server JVM in each ({@code ip netns
 * exec}). The leader's link is taken down: the other two elect a leader and go on committing; the
 * link comes back and the old leader catches up to the same commit index, with every acknowledged
 * write in place. The test makes the namespaces, links and bridge itself, under random names and a
 * random 10.x.y.0/24, and removes them afterwards, also after a failure.
 */
class KvPartitionTest {
  private static final List<String> IDS = List.of("a", "b", "c");

  @TempDir Path dir;
  private ServerProcesses servers;
  private final List<List<String>> undo = new ArrayList<>();
  private final String tag =
      Integer.toHexString(new Random().nextInt(0x10000) | 0x10000).substring(1);

  @AfterEach
  void cleanUp() throws Exception {
    if (servers != null) {
      servers.close();
    }
    for (int i = undo.size() - 1; i >= 0; i--) {
      ip(false, undo.get(i)); // best effort: a namespace's veth end goes with the namespace
    }
  }

  private static boolean canUseNetns() {
    if (!Boolean.getBoolean("weft.kv.netns")) {
      return false;
    }
    try {
      Process p = new ProcessBuilder("ip", "netns", "list").redirectErrorStream(true).start();
      return p.waitFor(10, TimeUnit.SECONDS)
          && p.exitValue() == 0
          && "root".equals(System.getProperty("user.name"));
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  /** Runs {@code ip ARGS}; fails the test on a non-zero exit if {@code check}. */
  private static void ip(boolean check, List<String> args)
      throws IOException, InterruptedException {
    List<String> c = new ArrayList<>();
    c.add("ip");
    c.addAll(args);
    Process p = new ProcessBuilder(c).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(20, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("timed out: " + c);
    }
    if (check && p.exitValue() != 0) {
      throw new AssertionError(c + " failed: " + out);
    }
  }

  private void ip(String... args) throws IOException, InterruptedException {
    ip(true, List.of(args));
  }

  @Test
  @Timeout(300)
  void leaderCutOffByARealPartitionIsReplacedAndCatchesUpWhenHealed() throws Exception {
    assumeTrue(
        canUseNetns(),
        "KvPartitionTest needs -Dweft.kv.netns=true, root and the ip command (network namespaces)");
    Random r = new Random();
    String net = "10." + (100 + r.nextInt(100)) + "." + r.nextInt(250) + ".";
    String bridge = "wkbr" + tag;
    ip("link", "add", bridge, "type", "bridge");
    undo.add(List.of("link", "del", bridge));
    ip("addr", "add", net + "254/24", "dev", bridge);
    ip("link", "set", bridge, "up");
    Map<String, String> outside = new LinkedHashMap<>();
    Map<String, InetSocketAddress> addresses = new LinkedHashMap<>();
    for (int i = 0; i < IDS.size(); i++) {
      String id = IDS.get(i);
      String ns = "wk" + tag + id;
      String out = "wko" + tag + id;
      String in = "wki" + tag + id;
      ip("netns", "add", ns);
      undo.add(List.of("netns", "del", ns));
      ip("link", "add", out, "type", "veth", "peer", "name", in);
      undo.add(List.of("link", "del", out));
      ip("link", "set", in, "netns", ns);
      ip("link", "set", out, "master", bridge);
      ip("link", "set", out, "up");
      ip("netns", "exec", ns, "ip", "addr", "add", net + (i + 1) + "/24", "dev", in);
      ip("netns", "exec", ns, "ip", "link", "set", in, "up");
      ip("netns", "exec", ns, "ip", "link", "set", "lo", "up");
      outside.put(id, out);
      addresses.put(id, new InetSocketAddress(net + (i + 1), 7001));
    }
    Peers peers = new Peers(addresses);
    servers =
        new ServerProcesses(
            dir,
            IDS,
            peers,
            c -> {
              String id = c.get(c.indexOf("--id") + 1);
              List<String> w = new ArrayList<>(List.of("ip", "netns", "exec", "wk" + tag + id));
              w.addAll(c);
              return w;
            });
    for (String id : IDS) {
      servers.start(id);
    }
    try (GrpcKvClient kv =
        GrpcKvClient.connect(
            peers, Security.plaintext(), Duration.ofSeconds(1), Duration.ofSeconds(60))) {
      String leader = KvProcessClusterTest.awaitLeader(kv, null, Duration.ofSeconds(120));
      kv.put("before", "1");

      ip("link", "set", outside.get(leader), "down"); // the leader is cut off from everyone
      String next = KvProcessClusterTest.awaitLeader(kv, leader, Duration.ofSeconds(60));
      assertNotEquals(leader, next);
      List<String> written = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        kv.append("during", i + ";");
        written.add(i + ";");
      }

      ip("link", "set", outside.get(leader), "up");
      long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      boolean caughtUp = false;
      while (!caughtUp && System.nanoTime() - end < 0) {
        List<Long> commits = new ArrayList<>();
        for (String id : IDS) {
          try {
            commits.add(kv.status(id, Duration.ofMillis(500)).getCommitIndex());
          } catch (StatusRuntimeException e) {
            commits.add(-1L);
          }
        }
        caughtUp = commits.get(0) > 0 && commits.stream().distinct().count() == 1;
        Thread.sleep(100);
      }
      assertTrue(caughtUp, "the old leader " + leader + " did not catch up\n" + servers.logs());
      assertEquals("1", kv.get("before"));
      assertEquals(String.join("", written), kv.get("during"));
      System.out.println(
          "KvPartitionTest: "
              + leader
              + " cut off, "
              + next
              + " led, 20 appends, healed, caught up");
    } catch (AssertionError | RuntimeException e) {
      throw new AssertionError(e.getMessage() + "\n" + servers.logs(), e);
    }
  }
}
