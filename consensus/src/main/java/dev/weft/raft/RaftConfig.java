package dev.weft.raft;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * How a {@link RaftNode} behaves: who it is, who votes, its timeouts in ticks, its seed, and the
 * options below. An immutable value: start from the five-argument constructor, which gives every
 * option its default, and change options with the {@code with...} methods, each of which returns a
 * new config. (The canonical constructor, which takes every component, exists because this is a
 * record; the two ways above are the ones to use.)
 *
 * {@snippet :
 * RaftConfig config = new RaftConfig("a", List.of("a", "b", "c"), 10, 1, seed)
 *     .withMaxInflightMessages(64)
 *     .withAppliedIndex(lastAppliedBeforeRestart);
 * }
 *
 * <table class="striped">
 *   <caption>Options and their defaults</caption>
 *   <thead><tr><th>option</th><th>default</th><th>meaning</th></tr></thead>
 *   <tbody>
 *   <tr><td>{@link #preVote()}</td><td>true</td><td>a node asks whether it could win before it
 *       bumps its term (thesis §9.6)</td></tr>
 *   <tr><td>{@link #checkQuorum()}</td><td>true</td><td>a leader that has not heard from a
 *       majority within an election timeout steps down, and a node that has heard from a leader
 *       within one ignores vote requests (thesis §6.2, §4.2.3)</td></tr>
 *   <tr><td>{@link #maxSizePerMessage()}</td><td>1 MiB</td><td>bytes of entry data per
 *       AppendEntries (at least one entry is always sent)</td></tr>
 *   <tr><td>{@link #maxInflightMessages()}</td><td>256</td><td>AppendEntries with entries in
 *       flight to one follower before the leader waits for an answer</td></tr>
 *   <tr><td>{@link #maxInflightBytes()}</td><td>32 MiB</td><td>bytes of entry data in flight to
 *       one follower</td></tr>
 *   <tr><td>{@link #maxCommittedSizePerReady()}</td><td>1 MiB</td><td>bytes of committed entry
 *       data per {@link Ready} (at least one entry), so that a restarted node replays its log in
 *       pieces</td></tr>
 *   <tr><td>{@link #appliedIndex()}</td><td>0</td><td>on restart, the last index the state
 *       machine already holds; committed entries up to it are not emitted again</td></tr>
 *   <tr><td>{@link #joining()}</td><td>false</td><td>the node joins a running group and need
 *       not be among {@code voters} ({@link #withJoining})</td></tr>
 *   <tr><td>{@link #logger()}</td><td>{@code System.getLogger("dev.weft.raft")}</td><td>where
 *       role changes (INFO) and dropped messages (WARNING when malformed, DEBUG when merely stale)
 *       go</td></tr>
 *   </tbody>
 * </table>
 *
 * @param id this node's id
 * @param voters the voting members when the cluster starts, including {@code id}, without
 *     duplicates, in the order the node sends to them
 * @param electionTicks the base election timeout: a follower that hears from no leader for a
 *     randomized timeout in {@code [electionTicks, 2 * electionTicks)} ticks starts an election
 * @param heartbeatTicks a leader sends heartbeats every this many ticks; less than {@code
 *     electionTicks}
 * @param randomSeed the seed of the node's {@link java.util.Random}, its only randomness; mixed
 *     with {@code id}, so nodes given the same seed still draw different timeouts
 * @param preVote whether a node asks before it starts an election
 * @param checkQuorum whether a leader steps down when it loses contact with a majority
 * @param maxSizePerMessage the byte budget of entry data per AppendEntries
 * @param maxInflightMessages how many AppendEntries with entries may be in flight to one follower
 * @param maxInflightBytes how many bytes of entry data may be in flight to one follower
 * @param maxCommittedSizePerReady the byte budget of committed entries per {@link Ready}
 * @param appliedIndex the index the state machine already holds, for a restarting node
 * @param logger where the node logs, or {@code null} for {@code System.getLogger(LOGGER_NAME)}
 * @param joining whether this node joins a running group ({@link #withJoining}): then {@code
 *     voters} names the group's voters and need not include {@code id}
 */
public record RaftConfig(
    String id,
    List<String> voters,
    int electionTicks,
    int heartbeatTicks,
    long randomSeed,
    boolean preVote,
    boolean checkQuorum,
    long maxSizePerMessage,
    int maxInflightMessages,
    long maxInflightBytes,
    long maxCommittedSizePerReady,
    long appliedIndex,
    System.Logger logger,
    boolean joining) {
  /** The logger's name when none is configured. */
  public static final String LOGGER_NAME = "dev.weft.raft";

  private static final long DEFAULT_MAX_SIZE_PER_MESSAGE = 1 << 20;
  private static final int DEFAULT_MAX_INFLIGHT_MESSAGES = 256;
  private static final long DEFAULT_MAX_INFLIGHT_BYTES = 32L << 20;
  private static final long DEFAULT_MAX_COMMITTED_SIZE_PER_READY = 1 << 20;

  /**
   * Checks every component and copies the voters.
   *
   * @param id this node's id
   * @param voters the voting members, including {@code id}
   * @param electionTicks the base election timeout
   * @param heartbeatTicks the heartbeat interval
   * @param randomSeed the seed
   * @param preVote whether PreVote is on
   * @param checkQuorum whether CheckQuorum is on
   * @param maxSizePerMessage the byte budget per AppendEntries, positive
   * @param maxInflightMessages the bound on messages in flight per follower, positive
   * @param maxInflightBytes the bound on bytes in flight per follower, positive
   * @param maxCommittedSizePerReady the byte budget of committed entries per Ready, positive
   * @param appliedIndex the last applied index, zero or more
   * @param logger the logger, or {@code null} for the default
   * @param joining whether the node joins a running group (then {@code voters} may lack {@code id})
   * @throws IllegalArgumentException if {@code voters} lacks {@code id} (and the node is not
   *     joining) or has duplicates, if {@code heartbeatTicks < 1} or {@code electionTicks <=
   *     heartbeatTicks}, if a size limit is below 1, or if {@code appliedIndex} is negative
   * @throws NullPointerException if {@code id}, {@code voters} or a voter is null
   */
  public RaftConfig {
    Objects.requireNonNull(id, "id");
    voters = List.copyOf(voters);
    Set<String> distinct = new HashSet<>(voters);
    if (distinct.size() != voters.size()) {
      throw new IllegalArgumentException("duplicate voters: " + voters);
    }
    if (!distinct.contains(id) && !joining) {
      throw new IllegalArgumentException("voters " + voters + " do not include " + id);
    }
    if (heartbeatTicks < 1 || electionTicks <= heartbeatTicks) {
      throw new IllegalArgumentException(
          "need 1 <= heartbeatTicks < electionTicks: " + heartbeatTicks + ", " + electionTicks);
    }
    if (maxSizePerMessage < 1
        || maxInflightMessages < 1
        || maxInflightBytes < 1
        || maxCommittedSizePerReady < 1) {
      throw new IllegalArgumentException(
          "size limits must be positive: "
              + maxSizePerMessage
              + ", "
              + maxInflightMessages
              + ", "
              + maxInflightBytes
              + ", "
              + maxCommittedSizePerReady);
    }
    if (appliedIndex < 0) {
      throw new IllegalArgumentException("negative applied index: " + appliedIndex);
    }
  }

  /**
   * Creates a config of a node in the bootstrap configuration (not {@linkplain #joining()
   * joining}), with every other component given: the canonical form before the joining option.
   *
   * @param id this node's id
   * @param voters the voting members, including {@code id}
   * @param electionTicks the base election timeout
   * @param heartbeatTicks the heartbeat interval
   * @param randomSeed the seed
   * @param preVote whether PreVote is on
   * @param checkQuorum whether CheckQuorum is on
   * @param maxSizePerMessage the byte budget per AppendEntries, positive
   * @param maxInflightMessages the bound on messages in flight per follower, positive
   * @param maxInflightBytes the bound on bytes in flight per follower, positive
   * @param maxCommittedSizePerReady the byte budget of committed entries per Ready, positive
   * @param appliedIndex the last applied index, zero or more
   * @param logger the logger, or {@code null} for the default
   * @throws IllegalArgumentException as the canonical constructor
   * @throws NullPointerException as the canonical constructor
   */
  public RaftConfig(
      String id,
      List<String> voters,
      int electionTicks,
      int heartbeatTicks,
      long randomSeed,
      boolean preVote,
      boolean checkQuorum,
      long maxSizePerMessage,
      int maxInflightMessages,
      long maxInflightBytes,
      long maxCommittedSizePerReady,
      long appliedIndex,
      System.Logger logger) {
    this(
        id,
        voters,
        electionTicks,
        heartbeatTicks,
        randomSeed,
        preVote,
        checkQuorum,
        maxSizePerMessage,
        maxInflightMessages,
        maxInflightBytes,
        maxCommittedSizePerReady,
        appliedIndex,
        logger,
        false);
  }

  /**
   * Creates a config with the default for every option (the table above).
   *
   * @param id this node's id
   * @param voters every voting member, including {@code id}, without duplicates
   * @param electionTicks the base election timeout: a follower that hears from no leader for a
   *     randomized timeout in {@code [electionTicks, 2 * electionTicks)} ticks starts an election
   * @param heartbeatTicks a leader sends heartbeats every this many ticks; less than {@code
   *     electionTicks}
   * @param randomSeed the seed of the node's {@link java.util.Random}, its only randomness; mixed
   *     with {@code id}, so nodes given the same seed still draw different timeouts
   * @throws IllegalArgumentException if {@code voters} lacks {@code id} or has duplicates, or if
   *     {@code heartbeatTicks < 1} or {@code electionTicks <= heartbeatTicks}
   * @throws NullPointerException if {@code id}, {@code voters} or a voter is null
   */
  public RaftConfig(
      String id, List<String> voters, int electionTicks, int heartbeatTicks, long randomSeed) {
    this(
        id,
        voters,
        electionTicks,
        heartbeatTicks,
        randomSeed,
        true,
        true,
        DEFAULT_MAX_SIZE_PER_MESSAGE,
        DEFAULT_MAX_INFLIGHT_MESSAGES,
        DEFAULT_MAX_INFLIGHT_BYTES,
        DEFAULT_MAX_COMMITTED_SIZE_PER_READY,
        0,
        null,
        false);
  }

  /**
   * Creates a config, with the default for every other option, for a node that joins a running
   * group (see {@link #withJoining}): {@code voters} are the group's bootstrap voters, without
   * {@code id}.
   *
   * @param id this node's id
   * @param voters the group's bootstrap voters
   * @param electionTicks the base election timeout
   * @param heartbeatTicks the heartbeat interval
   * @param randomSeed the seed
   * @return the config
   * @throws IllegalArgumentException if {@code voters} has duplicates or the timeouts are wrong
   * @throws NullPointerException if {@code id}, {@code voters} or a voter is null
   */
  public static RaftConfig joining(
      String id, List<String> voters, int electionTicks, int heartbeatTicks, long randomSeed) {
    return new RaftConfig(
        id,
        voters,
        electionTicks,
        heartbeatTicks,
        randomSeed,
        true,
        true,
        DEFAULT_MAX_SIZE_PER_MESSAGE,
        DEFAULT_MAX_INFLIGHT_MESSAGES,
        DEFAULT_MAX_INFLIGHT_BYTES,
        DEFAULT_MAX_COMMITTED_SIZE_PER_READY,
        0,
        null,
        true);
  }

  /**
   * Returns the logger the node writes to.
   *
   * @return the configured logger, or {@code System.getLogger(LOGGER_NAME)} if none is
   */
  @Override
  public System.Logger logger() {
    return logger != null ? logger : System.getLogger(LOGGER_NAME);
  }

  /** A copy with one field changed, checked as the canonical constructor checks. */
  private RaftConfig with(Consumer<Draft> change) {
    Draft d = new Draft(this);
    change.accept(d);
    return d.build();
  }

  /**
   * Returns a copy with another base election timeout.
   *
   * @param ticks the timeout in ticks, more than {@link #heartbeatTicks()}
   * @return a new config
   * @throws IllegalArgumentException if {@code ticks <= heartbeatTicks()}
   */
  public RaftConfig withElectionTicks(int ticks) {
    return with(d -> d.electionTicks = ticks);
  }

  /**
   * Returns a copy with another heartbeat interval.
   *
   * @param ticks the interval in ticks, at least 1 and less than {@link #electionTicks()}
   * @return a new config
   * @throws IllegalArgumentException if {@code ticks} is out of that range
   */
  public RaftConfig withHeartbeatTicks(int ticks) {
    return with(d -> d.heartbeatTicks = ticks);
  }

  /**
   * Returns a copy with another seed.
   *
   * @param seed the seed
   * @return a new config
   */
  public RaftConfig withRandomSeed(long seed) {
    return with(d -> d.randomSeed = seed);
  }

  /**
   * Returns a copy with PreVote on or off.
   *
   * @param on whether to use PreVote
   * @return a new config
   */
  public RaftConfig withPreVote(boolean on) {
    return with(d -> d.preVote = on);
  }

  /**
   * Returns a copy with CheckQuorum on or off.
   *
   * @param on whether to use CheckQuorum
   * @return a new config
   */
  public RaftConfig withCheckQuorum(boolean on) {
    return with(d -> d.checkQuorum = on);
  }

  /**
   * Returns a copy with another per-message byte budget.
   *
   * @param bytes the budget, positive
   * @return a new config
   * @throws IllegalArgumentException if {@code bytes < 1}
   */
  public RaftConfig withMaxSizePerMessage(long bytes) {
    return with(d -> d.maxSizePerMessage = bytes);
  }

  /**
   * Returns a copy with another bound on messages in flight per follower.
   *
   * @param messages the bound, positive
   * @return a new config
   * @throws IllegalArgumentException if {@code messages < 1}
   */
  public RaftConfig withMaxInflightMessages(int messages) {
    return with(d -> d.maxInflightMessages = messages);
  }

  /**
   * Returns a copy with another bound on bytes in flight per follower.
   *
   * @param bytes the bound, positive
   * @return a new config
   * @throws IllegalArgumentException if {@code bytes < 1}
   */
  public RaftConfig withMaxInflightBytes(long bytes) {
    return with(d -> d.maxInflightBytes = bytes);
  }

  /**
   * Returns a copy with another byte budget of committed entries per {@link Ready}.
   *
   * @param bytes the budget, positive; a Ready carries at least one committed entry if any waits
   * @return a new config
   * @throws IllegalArgumentException if {@code bytes < 1}
   */
  public RaftConfig withMaxCommittedSizePerReady(long bytes) {
    return with(d -> d.maxCommittedSizePerReady = bytes);
  }

  /**
   * Returns a copy naming the index the state machine already holds.
   *
   * @param index the last applied index, zero or more, at most the stored commit index
   * @return a new config
   * @throws IllegalArgumentException if {@code index} is negative
   */
  public RaftConfig withAppliedIndex(long index) {
    return with(d -> d.appliedIndex = index);
  }

  /**
   * Returns a copy that logs to {@code logger}.
   *
   * @param logger the logger, or {@code null} for the default
   * @return a new config
   */
  public RaftConfig withLogger(System.Logger logger) {
    return with(d -> d.logger = logger);
  }

  /**
   * Returns a copy for a node that joins a running group: it starts outside the configuration
   * ({@code voters} are the group's voters, without this node), never campaigns, and follows the
   * leader that adds it (as a learner, {@link RaftNode#changeMembership}); from then on it uses the
   * configuration in its log. Keep this option when such a node restarts.
   *
   * @param on whether the node joins a running group
   * @return a new config
   */
  public RaftConfig withJoining(boolean on) {
    return with(d -> d.joining = on);
  }

  /**
   * A mutable copy of a config, changed by one {@code with...} method and rebuilt (and checked).
   */
  private static final class Draft {
    private final String id;
    private final List<String> voters;
    private int electionTicks;
    private int heartbeatTicks;
    private long randomSeed;
    private boolean preVote;
    private boolean checkQuorum;
    private long maxSizePerMessage;
    private int maxInflightMessages;
    private long maxInflightBytes;
    private long maxCommittedSizePerReady;
    private long appliedIndex;
    private System.Logger logger;
    private boolean joining;

    Draft(RaftConfig c) {
      id = c.id;
      voters = c.voters;
      electionTicks = c.electionTicks;
      heartbeatTicks = c.heartbeatTicks;
      randomSeed = c.randomSeed;
      preVote = c.preVote;
      checkQuorum = c.checkQuorum;
      maxSizePerMessage = c.maxSizePerMessage;
      maxInflightMessages = c.maxInflightMessages;
      maxInflightBytes = c.maxInflightBytes;
      maxCommittedSizePerReady = c.maxCommittedSizePerReady;
      appliedIndex = c.appliedIndex;
      logger = c.logger;
      joining = c.joining;
    }

    RaftConfig build() {
      return new RaftConfig(
          id,
          voters,
          electionTicks,
          heartbeatTicks,
          randomSeed,
          preVote,
          checkQuorum,
          maxSizePerMessage,
          maxInflightMessages,
          maxInflightBytes,
          maxCommittedSizePerReady,
          appliedIndex,
          logger,
          joining);
    }
  }
}
