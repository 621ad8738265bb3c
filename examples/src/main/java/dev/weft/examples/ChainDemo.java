package dev.weft.examples;

import dev.weft.replication.View;
import dev.weft.replication.chain.ChainCluster;
import dev.weft.replication.chain.ChainServer;
import dev.weft.replication.kv.BlockingKvClient;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;

/**
 * dev.weft.replication.chain: a chain of three servers and a spare in real time; the middle server
 * is killed while a client writes, the master repairs the chain, then extends it with the spare as
 * the new tail, and the chain's two invariants are checked at each step.
 */
final class ChainDemo {
  private static final Duration TICK = Duration.ofMillis(5);
  private static final Duration TEN_SECONDS = Duration.ofSeconds(10);

  /**
   * The configuration service's Raft group logs elections at INFO; the demonstration shows none.
   */
  private static final java.util.logging.Logger RAFT_LOG =
      java.util.logging.Logger.getLogger("dev.weft.raft");

  private ChainDemo() {}

  static void run(PrintStream out) throws Exception {
    RAFT_LOG.setLevel(java.util.logging.Level.WARNING);
    Demo.heading(
        out, "10. Chain replication: the middle server killed, the chain repaired, a new tail");
    out.println("  Four servers on virtual threads (s1 -> s2 -> s3, s4 a spare), a master, and a");
    out.println(
        "  three-member configuration service (a Raft group) holding the chain. Tick 5 ms;");
    out.println("  a server silent for 12 ticks is removed; reads need a lease of 10 ticks.");
    out.println();
    long start = System.nanoTime();
    try (ChainCluster chain = ChainCluster.start(4, 3, ChainServer.ReadMode.TAIL, TICK, 7);
        BlockingKvClient kv = chain.client("client", Duration.ofSeconds(10))) {
      View first = chain.awaitView(v -> v.members().size() == 3, Duration.ofSeconds(10));
      for (int i = 0; i < 20; i++) {
        kv.put("k" + i, "v" + i);
      }
      say(out, start, first + ": 20 puts answered by the tail s3");
      invariants(out, start, chain);

      chain.crash("s2");
      say(out, start, "s2, the middle server, is killed");
      View repaired = chain.awaitView(v -> !v.contains("s2"), Duration.ofSeconds(10));
      say(out, start, repaired + ": the master joins s1 to s3; s1 resends what s3 may lack");
      for (int i = 20; i < 30; i++) {
        kv.put("k" + i, "v" + i);
      }
      say(out, start, "10 more puts answered by the repaired chain");
      invariants(out, start, chain);
      View joining = chain.awaitView(v -> v.joining() != null || v.contains("s4"), TEN_SECONDS);
      if (joining.joining() != null) {
        say(out, start, joining + ": s3 sends s4 its state, then its updates");
        invariants(out, start, chain);
      }
      View extended =
          chain.awaitView(v -> v.members().equals(List.of("s1", "s3", "s4")), TEN_SECONDS);
      say(out, start, extended + ": s4 has caught up and is the new tail");
      String onS4 = chain.host("s4").call(s -> s.peek("k25")).join();
      String read = kv.get("k25");
      say(out, start, "s4 holds k25 = " + onS4 + "; a read through the tail gives " + read);
      int missing = 0;
      for (int i = 0; i < 30; i++) {
        if (!("v" + i).equals(kv.get("k" + i))) {
          missing++;
        }
      }
      say(out, start, "all 30 keys read back, " + missing + " missing");
      invariants(out, start, chain);
      say(
          out,
          start,
          chain.network().sent() + " messages in all (heartbeats, leases and Raft included)");
    }
    out.println();
  }

  private static void invariants(PrintStream out, long start, ChainCluster chain) {
    List<String> broken = chain.checkInvariants();
    say(
        out,
        start,
        broken.isEmpty()
            ? "invariants hold: each history a prefix of its predecessor's; Sent = the difference"
            : "INVARIANT BROKEN: " + broken);
  }

  private static void say(PrintStream out, long start, String what) {
    out.printf("  %5d ms: %s%n", (System.nanoTime() - start) / 1_000_000, what);
  }
}
