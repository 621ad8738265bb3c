package dev.weft.bench.raft;

import io.microraft.RaftConfig;
import io.microraft.RaftEndpoint;
import io.microraft.RaftNode;
import io.microraft.RaftRole;
import io.microraft.model.message.RaftMessage;
import io.microraft.statemachine.StateMachine;
import io.microraft.transport.Transport;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Three MicroRaft 0.7 nodes with its default (in-memory) store and executor, joined by a transport
 * that hands each message straight to the addressee's {@code handle}, the same shape as weft's
 * {@code InProcessNetwork} without faults.
 */
final class MicroRaftCluster implements Cluster {
  /** Committed entries between snapshots (after each, the log before it is truncated). */
  static final int SNAPSHOT_EVERY = 100_000;

  /** MicroRaft 0.7's default {@code appendEntriesRequestBatchSize}: entries per AppendEntries. */
  static final int APPEND_BATCH = RaftConfig.DEFAULT_APPEND_ENTRIES_REQUEST_BATCH_SIZE;

  /** Uncommitted entries the leader accepts before it refuses new ones. */
  static final int MAX_PENDING = 100_000;

  private record Endpoint(String id) implements RaftEndpoint {
    @Override
    public Object getId() {
      return id;
    }
  }

  private static final class CountingMachine implements StateMachine {
    long applied;

    @Override
    public Object runOperation(long commitIndex, Object operation) {
      if (operation instanceof byte[]) {
        applied++;
      }
      return null;
    }

    @Override
    public void takeSnapshot(long commitIndex, Consumer<Object> chunks) {
      chunks.accept(applied);
    }

    @Override
    public void installSnapshot(long commitIndex, List<Object> chunks) {
      applied = (Long) chunks.get(0);
    }

    @Override
    public Object getNewTermOperation() {
      return null;
    }
  }

  private final Map<RaftEndpoint, RaftNode> nodes = new ConcurrentHashMap<>();
  private final List<RaftNode> list = new ArrayList<>();
  private final RaftNode leader;

  MicroRaftCluster() throws InterruptedException {
    List<RaftEndpoint> members = List.of(new Endpoint("a"), new Endpoint("b"), new Endpoint("c"));
    RaftConfig config =
        RaftConfig.newBuilder()
            .setLeaderElectionTimeoutMillis(500)
            .setLeaderHeartbeatPeriodSecs(1)
            .setLeaderHeartbeatTimeoutSecs(5)
            .setCommitCountToTakeSnapshot(SNAPSHOT_EVERY)
            .setMaxPendingLogEntryCount(MAX_PENDING)
            .setAppendEntriesRequestBatchSize(APPEND_BATCH)
            .build();
    Transport transport =
        new Transport() {
          @Override
          public void send(RaftEndpoint target, RaftMessage message) {
            RaftNode node = nodes.get(target);
            if (node != null) {
              node.handle(message);
            }
          }

          @Override
          public boolean isReachable(RaftEndpoint endpoint) {
            return nodes.containsKey(endpoint);
          }
        };
    for (RaftEndpoint e : members) {
      RaftNode node =
          RaftNode.newBuilder()
              .setGroupId("bench")
              .setLocalEndpoint(e)
              .setInitialGroupMembers(members)
              .setConfig(config)
              .setTransport(transport)
              .setStateMachine(new CountingMachine())
              .build();
      nodes.put(e, node);
      list.add(node);
    }
    for (RaftNode n : list) {
      n.start();
    }
    leader = awaitLeader();
  }

  private RaftNode awaitLeader() throws InterruptedException {
    for (int i = 0; i < 2000; i++) {
      for (RaftNode n : list) {
        if (n.getReport().join().getResult().getRole() == RaftRole.LEADER) {
          n.replicate(new byte[1]).join();
          return n;
        }
      }
      Thread.sleep(5);
    }
    throw new IllegalStateException("no leader elected");
  }

  @Override
  public CompletableFuture<?> submit(byte[] command) {
    return leader.replicate(command);
  }

  @Override
  public String settings() {
    return String.format(
        "MicroRaft 0.7: at most %,d entries per AppendEntries, one AppendEntries in flight per"
            + " follower (the next waits for its answer or a backoff timeout), at most %,d"
            + " uncommitted entries; log: snapshot and truncate every %,d committed entries",
        APPEND_BATCH, MAX_PENDING, SNAPSHOT_EVERY);
  }

  @Override
  public void close() {
    for (RaftNode n : list) {
      n.terminate().join();
    }
  }
}
