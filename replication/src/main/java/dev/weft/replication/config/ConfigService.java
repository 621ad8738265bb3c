package dev.weft.replication.config;

import dev.weft.raft.MemoryStorage;
import dev.weft.raft.RaftConfig;
import dev.weft.replication.HostGroup;
import dev.weft.replication.LocalNetwork;
import dev.weft.replication.NodeHost;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The configuration service in real time, in one JVM: a Raft group of {@link ConfigNode}s, each on
 * its own {@link NodeHost}, on a {@link LocalNetwork}, with {@link MemoryStorage} that outlives
 * {@link #crash crashes} so that a {@link #restart} recovers.
 *
 * {@snippet :
 * LocalNetwork network = new LocalNetwork();
 * try (ConfigService cfg = ConfigService.start(List.of("cfg1", "cfg2", "cfg3"), network,
 *         Duration.ofMillis(5), 42);
 *     ConfigClient client = ConfigClient.connect("admin", 7, cfg.members(), network,
 *         Duration.ofMillis(5))) {
 *   ConfigMessage.Reply r = client.testAndSet(0, "hello".getBytes(), Duration.ofSeconds(5));
 * }
 * }
 *
 * <p>A group of 2f + 1 members serves while f + 1 of them are up and connected. Elections take 10
 * to 20 ticks.
 */
public final class ConfigService implements AutoCloseable {
  private final List<String> members;
  private final long seed;
  private final Map<String, MemoryStorage> storages = new LinkedHashMap<>();
  private final HostGroup<ConfigNode> hosts;
  private int starts;

  private ConfigService(List<String> members, LocalNetwork network, Duration tick, long seed) {
    this.members = List.copyOf(members);
    this.seed = seed;
    this.hosts = new HostGroup<>(network, tick, this::newMember);
  }

  private synchronized ConfigNode newMember(String id) {
    RaftConfig config = new RaftConfig(id, members, 10, 1, seed * 31 + starts++);
    return new ConfigNode(config, storages.get(id));
  }

  /**
   * Starts a group.
   *
   * @param members the members' ids: 3 or 5 (1 works, and survives nothing)
   * @param network the network they and their clients share
   * @param tick the wall-clock time of one tick (heartbeats every tick, elections after 10 to 20)
   * @param seed the seed of the members' election timeouts
   * @return the running service
   * @throws IllegalArgumentException if {@code members} is empty
   */
  public static ConfigService start(
      List<String> members, LocalNetwork network, Duration tick, long seed) {
    if (members.isEmpty()) {
      throw new IllegalArgumentException("no members");
    }
    ConfigService s = new ConfigService(members, network, tick, seed);
    for (String m : s.members) {
      s.storages.put(m, new MemoryStorage());
      s.hosts.start(m);
    }
    return s;
  }

  /**
   * The members' ids.
   *
   * @return the ids, in the order given
   */
  public List<String> members() {
    return members;
  }

  /**
   * Stops a member as a crash would: its host stops and messages to it are dropped; its storage
   * stays.
   *
   * @param member a member that is up
   * @throws IllegalStateException if it is down
   */
  public void crash(String member) {
    hosts.crash(member);
  }

  /**
   * Restarts a crashed member from its storage.
   *
   * @param member a member that is down
   * @throws IllegalStateException if it is up
   * @throws IllegalArgumentException if it is not a member
   */
  public void restart(String member) {
    if (!storages.containsKey(member)) {
      throw new IllegalArgumentException(member + " is not a member");
    }
    hosts.start(member);
  }

  /**
   * The member that leads now, as far as the members know.
   *
   * @return its id, or null if none is known
   */
  public String leader() {
    for (NodeHost<ConfigNode> h : hosts.hosts()) {
      String leader = h.call(n -> n.status().leader()).join();
      if (leader != null) {
        return leader;
      }
    }
    return null;
  }

  /** Stops every member. */
  @Override
  public void close() {
    hosts.close();
  }
}
