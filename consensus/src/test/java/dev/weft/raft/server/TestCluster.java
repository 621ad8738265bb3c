package dev.weft.raft.server;

import dev.weft.raft.MemoryStorage;
import dev.weft.raft.RaftConfig;
import dev.weft.raft.RaftStatus;
import dev.weft.raft.Role;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Real-time servers over an {@link InProcessNetwork}, for the driver's tests. */
final class TestCluster implements AutoCloseable {
  /** A state machine that logs what it applies and answers with the index. */
  static final class LogMachine implements StateMachine {
    final List<String> applied = new ArrayList<>();

    /** Each apply waits for it to open, if set: lets a test act while a command is applied. */
    volatile java.util.concurrent.CountDownLatch gate;

    @Override
    public synchronized byte[] apply(long index, byte[] command) {
      java.util.concurrent.CountDownLatch g = gate;
      if (g != null) {
        try {
          g.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      if (command.length == 1 && command[0] == '!') {
        throw new IllegalArgumentException("refused: " + index);
      }
      applied.add(index + ":" + new String(command, java.nio.charset.StandardCharsets.UTF_8));
      return ByteBuffer.allocate(8).putLong(index).array();
    }

    synchronized List<String> applied() {
      return List.copyOf(applied);
    }

    @Override
    public byte[] snapshot() {
      throw new UnsupportedOperationException("not needed here");
    }

    @Override
    public void restore(byte[] snapshot) {
      throw new UnsupportedOperationException("not needed here");
    }
  }

  final InProcessNetwork network = new InProcessNetwork();
  final List<String> ids;
  final Map<String, MemoryStorage> storages = new LinkedHashMap<>();
  final Map<String, LogMachine> machines = new LinkedHashMap<>();
  final Map<String, RaftServer> servers = new LinkedHashMap<>();
  final ServerOptions options;

  /** Wraps each server's transport (identity by default): tests filter what a server sends. */
  java.util.function.BiFunction<String, Transport, Transport> transports = (id, t) -> t;

  TestCluster(int size, ServerOptions options) {
    List<String> list = new ArrayList<>();
    for (int i = 1; i <= size; i++) {
      list.add("n" + i);
    }
    ids = List.copyOf(list);
    this.options = options;
    for (String id : ids) {
      storages.put(id, new MemoryStorage());
    }
  }

  /** {@code options} with another proposal queue capacity. */
  static ServerOptions withQueue(ServerOptions o, int capacity) {
    return new ServerOptions(
        o.tickInterval(),
        o.proposalTimeout(),
        o.forwardProposals(),
        o.drainTimeout(),
        o.inboxCapacity(),
        capacity,
        o.maxBatch());
  }

  static ServerOptions fast() {
    // 10 ms ticks: an election timeout of 100 to 200 ms, long enough that a loaded 2-core machine
    // (a full build runs beside these tests) does not depose a healthy leader mid-test.
    return ServerOptions.defaults()
        .withTickInterval(Duration.ofMillis(10))
        .withProposalTimeout(Duration.ofSeconds(5));
  }

  RaftServer start(String id) {
    LogMachine m = new LogMachine();
    machines.put(id, m);
    RaftServer s =
        RaftServer.start(
            new RaftConfig(id, ids, 10, 1, id.hashCode()),
            storages.get(id),
            m,
            transports.apply(id, network.endpoint(id)),
            options);
    servers.put(id, s);
    return s;
  }

  TestCluster startAll() {
    for (String id : ids) {
      start(id);
    }
    return this;
  }

  /** Waits until exactly one running server leads and the others follow it; returns it. */
  RaftServer awaitLeader(Duration timeout) throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() - end < 0) {
      RaftServer leader = null;
      int leaders = 0;
      for (RaftServer s : servers.values()) {
        RaftStatus st = s.status();
        if (st.role() == Role.LEADER) {
          leaders++;
          leader = s;
        }
      }
      if (leaders == 1) {
        String id = leader.id();
        boolean agreed = true;
        for (RaftServer s : servers.values()) {
          agreed &= id.equals(s.status().leader());
        }
        if (agreed) {
          return leader;
        }
      }
      Thread.sleep(5);
    }
    throw new AssertionError("no single leader within " + timeout + ": " + servers.values());
  }

  RaftServer follower(RaftServer leader) {
    for (RaftServer s : servers.values()) {
      if (s != leader) {
        return s;
      }
    }
    throw new AssertionError("no follower");
  }

  @Override
  public void close() {
    for (RaftServer s : servers.values()) {
      s.close();
    }
    network.close();
  }
}
