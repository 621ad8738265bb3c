package dev.weft.examples;

import dev.weft.examples.kv.KvClient;
import dev.weft.examples.kv.KvStateMachine;
import dev.weft.raft.Membership;
import dev.weft.raft.MemoryStorage;
import dev.weft.raft.RaftConfig;
import dev.weft.raft.RaftStatus;
import dev.weft.raft.Role;
import dev.weft.raft.server.InProcessNetwork;
import dev.weft.raft.server.RaftServer;
import dev.weft.raft.server.ServerOptions;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Membership changes and reads without the log on running {@link RaftServer}s: a learner added,
 * caught up and promoted; the leader removed (it steps down and hands over); leadership moved; and
 * gets served by ReadIndex, which adds nothing to the log.
 */
final class MembershipDemo {
  private static final List<String> FIRST = List.of("s1", "s2", "s3");
  private static final Duration WAIT = Duration.ofSeconds(10);

  private final InProcessNetwork network = new InProcessNetwork();
  private final Map<String, RaftServer> servers = new LinkedHashMap<>();
  private final ServerOptions options =
      ServerOptions.defaults()
          .withTickInterval(Duration.ofMillis(10))
          .withProposalTimeout(Duration.ofSeconds(2));
  private final long start = System.nanoTime();

  private MembershipDemo() {}

  static void run(PrintStream out) throws Exception {
    Demo.heading(
        out, "11. Raft membership: a learner promoted, the leader removed, reads by ReadIndex");
    out.println("  Three RaftServers running the key-value map; a fourth joins. Tick 10 ms.");
    out.println();
    MembershipDemo demo = new MembershipDemo();
    try {
      demo.play(out);
    } finally {
      demo.close();
    }
    out.println();
  }

  private void start(String id, boolean joining) {
    RaftConfig config =
        joining
            ? RaftConfig.joining(id, FIRST, 15, 2, id.hashCode())
            : new RaftConfig(id, FIRST, 15, 2, id.hashCode());
    servers.put(
        id,
        RaftServer.start(
            config.withLogger(RaftDemo.Silent.INSTANCE),
            new MemoryStorage(),
            new KvStateMachine(),
            network.endpoint(id),
            options));
  }

  private void play(PrintStream out) throws Exception {
    for (String id : FIRST) {
      start(id, false);
    }
    RaftServer leader = servers.get(awaitLeader());
    say(out, leader.id() + " leads " + describe(leader.status().membership()));
    KvClient client = new KvClient(List.copyOf(servers.values()), Duration.ofMillis(500), WAIT);
    for (int i = 0; i < 100; i++) {
      client.put("k" + i, "v" + i);
    }
    say(out, "100 puts committed; last index " + leader.status().lastIndex());

    start("s4", true);
    Membership m = leader.addLearner("s4").get(10, TimeUnit.SECONDS);
    say(out, "s4 added as a learner: " + describe(m));
    m = leader.promoteLearner("s4").get(10, TimeUnit.SECONDS);
    say(
        out,
        "s4 caught up (commit index "
            + servers.get("s4").status().commitIndex()
            + ") and was promoted: "
            + describe(m));

    String removed = leader.id();
    m = leader.removeMember(removed).get(10, TimeUnit.SECONDS);
    String next = awaitLeaderOtherThan(removed);
    say(
        out,
        "the leader "
            + removed
            + " removed itself: "
            + describe(m)
            + "; it is now a "
            + leader.status().role()
            + ", and "
            + next
            + " leads term "
            + servers.get(next).status().term());
    servers.remove(removed).close();

    String moved = servers.get(next).transferLeadership(null).get(10, TimeUnit.SECONDS);
    awaitRole(moved, Role.LEADER);
    say(
        out,
        "leadership moved from "
            + next
            + " to "
            + moved
            + " (TimeoutNow) in term "
            + servers.get(moved).status().term());

    client = new KvClient(List.copyOf(servers.values()), Duration.ofMillis(500), WAIT);
    client.put("after", "changes");
    RaftStatus before = servers.get(moved).status();
    int found = 0;
    for (int i = 0; i < 100; i++) {
      if (("v" + i).equals(client.get("k" + i))) {
        found++;
      }
    }
    RaftStatus after = servers.get(moved).status();
    say(
        out,
        "100 gets served by ReadIndex: "
            + found
            + " values found; the log grew by "
            + (after.lastIndex() - before.lastIndex())
            + " entries for them");
    say(out, "final configuration: " + describe(after.membership()));
  }

  private static String describe(Membership m) {
    return "voters "
        + m.voters()
        + (m.learners().isEmpty() ? "" : ", learners " + m.learners())
        + (m.isJoint() ? ", joint with " + m.outgoingVoters() : "");
  }

  private String awaitLeader() throws InterruptedException {
    return awaitLeaderOtherThan(null);
  }

  private String awaitLeaderOtherThan(String not) throws InterruptedException {
    long end = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() - end < 0) {
      List<String> leaders = new ArrayList<>();
      for (RaftServer s : servers.values()) {
        RaftStatus st = s.status();
        if (st.role() == Role.LEADER && !st.id().equals(not)) {
          leaders.add(st.id());
        }
      }
      if (leaders.size() == 1) {
        return leaders.get(0);
      }
      Thread.sleep(5);
    }
    throw new IllegalStateException("no leader within " + WAIT);
  }

  private void awaitRole(String id, Role role) throws InterruptedException {
    long end = System.nanoTime() + WAIT.toNanos();
    while (servers.get(id).status().role() != role) {
      if (System.nanoTime() - end > 0) {
        throw new IllegalStateException("timed out waiting on " + servers.get(id).status());
      }
      Thread.sleep(5);
    }
  }

  private void say(PrintStream out, String line) {
    out.printf("  %5d ms: %s%n", (System.nanoTime() - start) / 1_000_000, line);
  }

  private void close() {
    for (RaftServer s : servers.values()) {
      s.close();
    }
    network.close();
  }
}
