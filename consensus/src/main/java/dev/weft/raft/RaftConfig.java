package dev.weft.raft;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * How a {@link RaftNode} behaves: who it is, who votes, its timeouts in ticks, its seed, and the
 * options below. Immutable; {@code with...} methods and the {@link Builder} return new configs.
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
 *       within one ignores vote requests (thesis §9.6, §4.2.3)</td></tr>
 *   <tr><td>{@link #maxSizePerMessage()}</td><td>1 MiB</td><td>bytes of entry data per
 *       AppendEntries (at least one entry is always sent)</td></tr>
 *   <tr><td>{@link #maxInflightMessages()}</td><td>256</td><td>AppendEntries with entries in
 *       flight to one follower before the leader waits for an answer</td></tr>
 *   <tr><td>{@link #maxInflightBytes()}</td><td>32 MiB</td><td>bytes of entry data in flight to
 *       one follower</td></tr>
 *   <tr><td>{@link #appliedIndex()}</td><td>0</td><td>on restart, the last index the state
 *       machine already holds; committed entries up to it are not emitted again</td></tr>
 *   <tr><td>{@link #logger()}</td><td>{@code System.getLogger("dev.weft.raft")}</td><td>where
 *       role changes (INFO) and dropped messages (WARNING when malformed, DEBUG when merely stale)
 *       go</td></tr>
 *   </tbody>
 * </table>
 */
public final class RaftConfig {
  /** The logger's name when none is configured. */
  public static final String LOGGER_NAME = "dev.weft.raft";

  private static final long DEFAULT_MAX_SIZE_PER_MESSAGE = 1 << 20;
  private static final int DEFAULT_MAX_INFLIGHT_MESSAGES = 256;
  private static final long DEFAULT_MAX_INFLIGHT_BYTES = 32L << 20;

  private final String id;
  private final List<String> voters;
  private final int electionTicks;
  private final int heartbeatTicks;
  private final long randomSeed;
  private final boolean preVote;
  private final boolean checkQuorum;
  private final long maxSizePerMessage;
  private final int maxInflightMessages;
  private final long maxInflightBytes;
  private final long appliedIndex;
  private final System.Logger logger;

  /**
   * Creates a config with the default for every option.
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
        0,
        null);
  }

  private RaftConfig(
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
      long appliedIndex,
      System.Logger logger) {
    this.id = Objects.requireNonNull(id, "id");
    this.voters = List.copyOf(voters);
    Set<String> distinct = new HashSet<>(this.voters);
    if (distinct.size() != this.voters.size()) {
      throw new IllegalArgumentException("duplicate voters: " + voters);
    }
    if (!distinct.contains(id)) {
      throw new IllegalArgumentException("voters " + voters + " do not include " + id);
    }
    if (heartbeatTicks < 1 || electionTicks <= heartbeatTicks) {
      throw new IllegalArgumentException(
          "need 1 <= heartbeatTicks < electionTicks: " + heartbeatTicks + ", " + electionTicks);
    }
    if (maxSizePerMessage < 1 || maxInflightMessages < 1 || maxInflightBytes < 1) {
      throw new IllegalArgumentException(
          "flow-control limits must be positive: "
              + maxSizePerMessage
              + ", "
              + maxInflightMessages
              + ", "
              + maxInflightBytes);
    }
    if (appliedIndex < 0) {
      throw new IllegalArgumentException("negative applied index: " + appliedIndex);
    }
    this.electionTicks = electionTicks;
    this.heartbeatTicks = heartbeatTicks;
    this.randomSeed = randomSeed;
    this.preVote = preVote;
    this.checkQuorum = checkQuorum;
    this.maxSizePerMessage = maxSizePerMessage;
    this.maxInflightMessages = maxInflightMessages;
    this.maxInflightBytes = maxInflightBytes;
    this.appliedIndex = appliedIndex;
    this.logger = logger;
  }

  /**
   * Starts a builder with every option at its default.
   *
   * @param id this node's id
   * @param voters every voting member, including {@code id}
   * @return a new builder (election 10 ticks, heartbeat 1 tick, seed 0 until set)
   */
  public static Builder builder(String id, List<String> voters) {
    return new Builder(id, voters);
  }

  /**
   * Returns this node's id.
   *
   * @return the id
   */
  public String id() {
    return id;
  }

  /**
   * Returns the voting members, including this node, in the order given.
   *
   * @return an unmodifiable list
   */
  public List<String> voters() {
    return voters;
  }

  /**
   * Returns the base election timeout in ticks.
   *
   * @return the timeout; actual timeouts are drawn from {@code [electionTicks, 2 * electionTicks)}
   */
  public int electionTicks() {
    return electionTicks;
  }

  /**
   * Returns the heartbeat interval in ticks.
   *
   * @return the interval
   */
  public int heartbeatTicks() {
    return heartbeatTicks;
  }

  /**
   * Returns the seed of the node's random generator.
   *
   * @return the seed
   */
  public long randomSeed() {
    return randomSeed;
  }

  /**
   * Tells whether PreVote is on.
   *
   * @return true if a node asks before it starts an election
   */
  public boolean preVote() {
    return preVote;
  }

  /**
   * Tells whether CheckQuorum is on.
   *
   * @return true if a leader steps down when it loses contact with a majority
   */
  public boolean checkQuorum() {
    return checkQuorum;
  }

  /**
   * Returns the byte budget of entry data per AppendEntries.
   *
   * @return the limit; a message always carries at least one entry when there is one to send
   */
  public long maxSizePerMessage() {
    return maxSizePerMessage;
  }

  /**
   * Returns how many AppendEntries with entries may be in flight to one follower.
   *
   * @return the limit
   */
  public int maxInflightMessages() {
    return maxInflightMessages;
  }

  /**
   * Returns how many bytes of entry data may be in flight to one follower.
   *
   * @return the limit
   */
  public long maxInflightBytes() {
    return maxInflightBytes;
  }

  /**
   * Returns the index the state machine has already applied, for a restarting node.
   *
   * @return the index, 0 by default
   */
  public long appliedIndex() {
    return appliedIndex;
  }

  /**
   * Returns the logger the node writes to.
   *
   * @return the configured logger, or {@code System.getLogger(LOGGER_NAME)}
   */
  public System.Logger logger() {
    return logger != null ? logger : System.getLogger(LOGGER_NAME);
  }

  /**
   * Returns a copy with PreVote on or off.
   *
   * @param on whether to use PreVote
   * @return a new config
   */
  public RaftConfig withPreVote(boolean on) {
    return toBuilder().preVote(on).build();
  }

  /**
   * Returns a copy with CheckQuorum on or off.
   *
   * @param on whether to use CheckQuorum
   * @return a new config
   */
  public RaftConfig withCheckQuorum(boolean on) {
    return toBuilder().checkQuorum(on).build();
  }

  /**
   * Returns a copy with another per-message byte budget.
   *
   * @param bytes the budget, positive
   * @return a new config
   * @throws IllegalArgumentException if {@code bytes < 1}
   */
  public RaftConfig withMaxSizePerMessage(long bytes) {
    return toBuilder().maxSizePerMessage(bytes).build();
  }

  /**
   * Returns a copy with another bound on messages in flight per follower.
   *
   * @param messages the bound, positive
   * @return a new config
   * @throws IllegalArgumentException if {@code messages < 1}
   */
  public RaftConfig withMaxInflightMessages(int messages) {
    return toBuilder().maxInflightMessages(messages).build();
  }

  /**
   * Returns a copy with another bound on bytes in flight per follower.
   *
   * @param bytes the bound, positive
   * @return a new config
   * @throws IllegalArgumentException if {@code bytes < 1}
   */
  public RaftConfig withMaxInflightBytes(long bytes) {
    return toBuilder().maxInflightBytes(bytes).build();
  }

  /**
   * Returns a copy naming the index the state machine already holds.
   *
   * @param index the last applied index, zero or more, at most the stored commit index
   * @return a new config
   * @throws IllegalArgumentException if {@code index} is negative
   */
  public RaftConfig withAppliedIndex(long index) {
    return toBuilder().appliedIndex(index).build();
  }

  /**
   * Returns a copy with another seed.
   *
   * @param seed the seed
   * @return a new config
   */
  public RaftConfig withRandomSeed(long seed) {
    return toBuilder().randomSeed(seed).build();
  }

  /**
   * Returns a copy that logs to {@code logger}.
   *
   * @param logger the logger
   * @return a new config
   */
  public RaftConfig withLogger(System.Logger logger) {
    return toBuilder().logger(logger).build();
  }

  /**
   * Returns a builder holding this config's values.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    Builder b = new Builder(id, voters);
    b.electionTicks = electionTicks;
    b.heartbeatTicks = heartbeatTicks;
    b.randomSeed = randomSeed;
    b.preVote = preVote;
    b.checkQuorum = checkQuorum;
    b.maxSizePerMessage = maxSizePerMessage;
    b.maxInflightMessages = maxInflightMessages;
    b.maxInflightBytes = maxInflightBytes;
    b.appliedIndex = appliedIndex;
    b.logger = logger;
    return b;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RaftConfig c
        && c.id.equals(id)
        && c.voters.equals(voters)
        && c.electionTicks == electionTicks
        && c.heartbeatTicks == heartbeatTicks
        && c.randomSeed == randomSeed
        && c.preVote == preVote
        && c.checkQuorum == checkQuorum
        && c.maxSizePerMessage == maxSizePerMessage
        && c.maxInflightMessages == maxInflightMessages
        && c.maxInflightBytes == maxInflightBytes
        && c.appliedIndex == appliedIndex
        && Objects.equals(c.logger, logger);
  }

  @Override
  public int hashCode() {
    return Objects.hash(id, voters, electionTicks, heartbeatTicks, randomSeed, appliedIndex);
  }

  @Override
  public String toString() {
    return "RaftConfig[id="
        + id
        + ", voters="
        + voters
        + ", electionTicks="
        + electionTicks
        + ", heartbeatTicks="
        + heartbeatTicks
        + ", randomSeed="
        + randomSeed
        + ", preVote="
        + preVote
        + ", checkQuorum="
        + checkQuorum
        + ", maxSizePerMessage="
        + maxSizePerMessage
        + ", maxInflightMessages="
        + maxInflightMessages
        + ", maxInflightBytes="
        + maxInflightBytes
        + ", appliedIndex="
        + appliedIndex
        + "]";
  }

  /** Builds a {@link RaftConfig}; every setter returns the builder. Not thread-safe. */
  public static final class Builder {
    private final String id;
    private final List<String> voters;
    private int electionTicks = 10;
    private int heartbeatTicks = 1;
    private long randomSeed;
    private boolean preVote = true;
    private boolean checkQuorum = true;
    private long maxSizePerMessage = DEFAULT_MAX_SIZE_PER_MESSAGE;
    private int maxInflightMessages = DEFAULT_MAX_INFLIGHT_MESSAGES;
    private long maxInflightBytes = DEFAULT_MAX_INFLIGHT_BYTES;
    private long appliedIndex;
    private System.Logger logger;

    private Builder(String id, List<String> voters) {
      this.id = Objects.requireNonNull(id, "id");
      this.voters = List.copyOf(voters);
    }

    /**
     * Sets the base election timeout.
     *
     * @param ticks the timeout in ticks
     * @return this builder
     */
    public Builder electionTicks(int ticks) {
      this.electionTicks = ticks;
      return this;
    }

    /**
     * Sets the heartbeat interval.
     *
     * @param ticks the interval in ticks
     * @return this builder
     */
    public Builder heartbeatTicks(int ticks) {
      this.heartbeatTicks = ticks;
      return this;
    }

    /**
     * Sets the seed.
     *
     * @param seed the seed
     * @return this builder
     */
    public Builder randomSeed(long seed) {
      this.randomSeed = seed;
      return this;
    }

    /**
     * Turns PreVote on or off.
     *
     * @param on whether to use PreVote
     * @return this builder
     */
    public Builder preVote(boolean on) {
      this.preVote = on;
      return this;
    }

    /**
     * Turns CheckQuorum on or off.
     *
     * @param on whether to use CheckQuorum
     * @return this builder
     */
    public Builder checkQuorum(boolean on) {
      this.checkQuorum = on;
      return this;
    }

    /**
     * Sets the byte budget of entry data per AppendEntries.
     *
     * @param bytes the budget
     * @return this builder
     */
    public Builder maxSizePerMessage(long bytes) {
      this.maxSizePerMessage = bytes;
      return this;
    }

    /**
     * Sets the bound on AppendEntries in flight per follower.
     *
     * @param messages the bound
     * @return this builder
     */
    public Builder maxInflightMessages(int messages) {
      this.maxInflightMessages = messages;
      return this;
    }

    /**
     * Sets the bound on bytes in flight per follower.
     *
     * @param bytes the bound
     * @return this builder
     */
    public Builder maxInflightBytes(long bytes) {
      this.maxInflightBytes = bytes;
      return this;
    }

    /**
     * Sets the index the state machine already holds.
     *
     * @param index the last applied index
     * @return this builder
     */
    public Builder appliedIndex(long index) {
      this.appliedIndex = index;
      return this;
    }

    /**
     * Sets the logger.
     *
     * @param logger the logger, or {@code null} for the default
     * @return this builder
     */
    public Builder logger(System.Logger logger) {
      this.logger = logger;
      return this;
    }

    /**
     * Builds the config.
     *
     * @return a new config
     * @throws IllegalArgumentException if a value is out of range (see {@link RaftConfig})
     */
    public RaftConfig build() {
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
          appliedIndex,
          logger);
    }
  }
}
