package com.example.consumer;

import dev.weft.chan.Channel;
import dev.weft.chan.Select;
import dev.weft.clocks.HybridLogicalClock;
import dev.weft.clocks.HybridTimestamp;
import dev.weft.raft.MemoryStorage;
import dev.weft.raft.RaftConfig;
import dev.weft.raft.Role;
import dev.weft.raft.server.InProcessNetwork;
import dev.weft.raft.server.RaftServer;
import dev.weft.raft.server.ServerOptions;
import dev.weft.raft.server.StateMachine;
import dev.weft.sync.WaitGroup;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Uses weft from its published jars: a channel with select, a wait group, a hybrid logical clock
 * and a three-node Raft cluster. Checks each result and exits non-zero if one is wrong.
 */
public final class Main {
  private Main() {}

  /** A state machine that keeps the commands it applied. */
  static final class Log implements StateMachine {
    final List<String> applied = new ArrayList<>();

    @Override
    public synchronized byte[] apply(long index, byte[] command) {
      applied.add(new String(command, StandardCharsets.UTF_8));
      return command;
    }

    synchronized List<String> applied() {
      return List.copyOf(applied);
    }

    @Override
    public byte[] snapshot() {
      throw new UnsupportedOperationException();
    }

    @Override
    public void restore(byte[] snapshot) {
      throw new UnsupportedOperationException();
    }
  }

  public static void main(String[] args) throws Exception {
    String path = Main.class.getModule().isNamed() ? "module path" : "class path";

    // A channel with select, and a wait group.
    Channel<Integer> numbers = Channel.make(4);
    Channel<String> words = Channel.make();
    WaitGroup group = new WaitGroup();
    group.go(
        () -> {
          try {
            for (int i = 1; i <= 10; i++) {
              numbers.send(i);
            }
            numbers.close();
            words.send("weft");
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    int sum = 0;
    String word = null;
    boolean open = true;
    while (open || word == null) {
      int[] got = {0};
      String[] heard = {null};
      boolean more =
          Select.select(
              numbers.onReceiveOrClosed(
                  v -> {
                    v.ifPresent(n -> got[0] = n);
                    return v.isPresent();
                  }),
              words.onReceive(
                  w -> {
                    heard[0] = w;
                    return true;
                  }));
      sum += got[0];
      if (heard[0] != null) {
        word = heard[0];
      }
      if (!more) {
        open = false;
      }
    }
    group.await();
    check(sum == 55 && word.equals("weft"), "select: sum " + sum + ", word " + word);

    // A hybrid logical clock: a receive orders after the send, even against a clock behind.
    HybridLogicalClock ahead = new HybridLogicalClock(() -> 2_000_000, 1_000);
    HybridLogicalClock behind = new HybridLogicalClock(() -> 1_999_500, 1_000);
    HybridTimestamp sent = ahead.now();
    HybridTimestamp received = behind.update(sent);
    check(received.isAfter(sent), "hlc: " + received + " not after " + sent);

    // A three-node Raft cluster in one process.
    InProcessNetwork network = new InProcessNetwork();
    List<String> ids = List.of("n1", "n2", "n3");
    List<RaftServer> servers = new ArrayList<>();
    List<Log> logs = new ArrayList<>();
    ServerOptions options = ServerOptions.defaults().withTickInterval(Duration.ofMillis(5));
    try {
      for (String id : ids) {
        Log log = new Log();
        logs.add(log);
        servers.add(
            RaftServer.start(
                new RaftConfig(id, ids, 10, 1, id.hashCode()),
                new MemoryStorage(),
                log,
                network.endpoint(id),
                options));
      }
      RaftServer leader = null;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (leader == null) {
        check(System.nanoTime() < deadline, "raft: no leader within 20 s");
        for (RaftServer s : servers) {
          if (s.status().role() == Role.LEADER) {
            leader = s;
          }
        }
        Thread.sleep(5);
      }
      for (String c : List.of("a", "b", "c")) {
        leader.submit(c.getBytes(StandardCharsets.UTF_8)).get(20, TimeUnit.SECONDS);
      }
      for (Log log : logs) {
        while (log.applied().size() < 3) {
          check(System.nanoTime() < deadline, "raft: not applied everywhere: " + log.applied());
          Thread.sleep(5);
        }
        check(log.applied().equals(List.of("a", "b", "c")), "raft: applied " + log.applied());
      }
      System.out.println(
          "weft consumer on the "
              + path
              + ": select summed 55, the clock ordered "
              + received
              + " after "
              + sent
              + ", "
              + leader.id()
              + " led 3 nodes that applied a, b, c");
    } finally {
      for (RaftServer s : servers) {
        s.close();
      }
      network.close();
    }
  }

  private static void check(boolean ok, String what) {
    if (!ok) {
      throw new AssertionError(what);
    }
  }
}
