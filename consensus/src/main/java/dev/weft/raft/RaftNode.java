package dev.weft.raft;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One member of a Raft group, as a deterministic state machine: it reads its storage and is told of
 * time passing ({@link #tick()}), of messages ({@link #step}) and of proposals ({@link #propose});
 * it answers with {@link Ready} values that say what to persist, send and apply. It starts no
 * thread, reads no clock, does no I/O, and draws randomness only from the seed in its {@link
 * RaftConfig}; the same inputs always give the same outputs.
 *
 * {@snippet :
 * MemoryStorage storage = new MemoryStorage();
 * RaftNode node = RaftNode.start(new RaftConfig("a", List.of("a", "b", "c"), 10, 1, seed), storage);
 * // the application's loop, on one thread:
 * //   every tick interval (say 100 ms):  node.tick();
 * //   for each message that arrives:     node.step(message);
 * //   to replicate a command (leader):   long index = node.propose(command);
 * while (node.hasReady()) {
 *   Ready ready = node.ready();
 *   if (ready.snapshot() != null) {                  // 0. a snapshot from the leader, whose
 *     storeAndRestore(ready.snapshot());             //    chunks the application gathered
 *   }
 *   storage.append(ready.entries());                 // 1. persist
 *   if (ready.hardState() != null) {
 *     storage.setHardState(ready.hardState());
 *   }
 *   ready.messages().forEach(transport::send);       // 2. send
 *   for (LogEntry e : ready.committedEntries()) {    // 3. apply (commands only: no-ops and
 *     if (e.isCommand()) {                           //    membership entries are the core's)
 *       stateMachine.apply(e.index(), e.data());
 *     }
 *   }
 *   node.advance(ready);                             // 4. acknowledge
 * }
 * }
 *
 * <p><b>Guarantees</b> (Ongaro and Ousterhout, USENIX ATC 2014, Figure 3), provided the application
 * persists each Ready's entries and hard state before sending its messages, and that a majority of
 * voters keep their storage: at most one leader per term; logs that hold an entry of the same index
 * and term are identical up to it; a committed entry is in the log of every later leader; and no
 * two nodes apply different entries at one index. A majority that can talk to each other elects a
 * leader and commits proposals, however the network lost, duplicated, delayed or reordered messages
 * before.
 *
 * <p><b>Restarts.</b> {@link #start} on a storage that holds state is crash recovery: the node
 * resumes its term and vote, and emits its committed entries again from index 1 (or from after the
 * storage's snapshot, or from {@link RaftConfig#appliedIndex()} + 1), so that a state machine held
 * in memory can rebuild; at most {@link RaftConfig#maxCommittedSizePerReady()} bytes of them per
 * Ready. A storage whose commit index lies beyond its log has lost acknowledged entries: the node
 * refuses to start.
 *
 * <p><b>Untrusted input.</b> {@link #step} accepts anything the network may deliver: stale,
 * duplicated and reordered messages are handled; messages with malformed or impossible content are
 * dropped without any change of state, counted ({@link #malformedMessages()}) and logged at WARNING
 * (without entry data).
 *
 * <p><b>Threads.</b> Not thread-safe: call every method from one thread at a time (a driver's event
 * loop), with a happens-before edge between calls made from different threads. The node is a
 * single-threaded state machine with no shared mutable state and no concurrent access, so jcstress
 * is not needed for it: there is no interleaving of threads to explore. Its correctness is tested
 * on the deterministic simulator instead, over thousands of seeded runs with faults. A {@code
 * Ready} must be {@linkplain #advance advanced} before the next one is taken.
 */
public final class RaftNode {
  private final Raft raft;
  private HardState lastHardState;
  private Ready outstanding;

  private RaftNode(RaftConfig config, RaftStorage storage) {
    this.raft = new Raft(config, storage);
    this.lastHardState = storage.hardState();
  }

  /**
   * Starts a node on {@code storage}: a new node if it is empty, else one recovering from a crash
   * with the term, vote, log and commit index it holds.
   *
   * @param config the node's configuration
   * @param storage its durable state, read now and whenever the node needs entries
   * @return the node, a follower
   * @throws IllegalArgumentException if {@code config.appliedIndex()} is beyond the stored commit
   *     index
   * @throws IllegalStateException if the stored commit index is beyond the stored log: entries
   *     acknowledged as committed were lost
   * @throws NullPointerException if an argument is null
   */
  public static RaftNode start(RaftConfig config, RaftStorage storage) {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(storage, "storage");
    return new RaftNode(config, storage);
  }

  /**
   * Advances the node's logical clock by one tick: a follower or candidate whose election timeout
   * has passed starts an election; a leader sends heartbeats every {@link
   * RaftConfig#heartbeatTicks()} and, with CheckQuorum, steps down if it has not heard from a
   * majority within {@link RaftConfig#electionTicks()}.
   */
  public void tick() {
    raft.tick();
  }

  /**
   * Hands the node a message from the network. Stale, duplicated and reordered messages are
   * handled; malformed ones are dropped and logged.
   *
   * @param message a message whose {@link RaftMessage#to()} is this node
   * @throws IllegalArgumentException if the message is addressed to another node
   * @throws NullPointerException if {@code message} is null
   */
  public void step(RaftMessage message) {
    Objects.requireNonNull(message, "message");
    raft.step(message);
  }

  /**
   * Proposes a command, on the leader: appends it to the leader's log and starts replicating it.
   * The command is committed once a majority hold it; it may also be lost if leadership changes
   * first. Watch {@link Ready#committedEntries()} for the returned index (with this command's term)
   * to learn which.
   *
   * @param command the command; the log keeps this array (see {@link LogEntry}): do not change it
   *     afterwards
   * @return the index the entry will have if it is committed
   * @throws NotLeaderException if this node is not the leader; it carries the known leader, if any
   * @throws NullPointerException if {@code command} is null
   */
  public long propose(byte[] command) {
    Objects.requireNonNull(command, "command");
    return raft.proposeAll(List.of(command));
  }

  /**
   * Proposes several commands at once, on the leader: they take consecutive indexes, are appended
   * in one step and go out in one round of AppendEntries, which is how a driver batches under load.
   *
   * @param commands the commands, in order; the log keeps each array (see {@link LogEntry}): do not
   *     change them afterwards
   * @return the index of the first; the others follow it
   * @throws NotLeaderException if this node is not the leader (nothing is appended)
   * @throws IllegalArgumentException if {@code commands} is empty
   * @throws NullPointerException if the list or a command is null
   */
  public long proposeAll(List<byte[]> commands) {
    if (commands.isEmpty()) {
      throw new IllegalArgumentException("no commands");
    }
    for (byte[] c : commands) {
      Objects.requireNonNull(c, "command");
    }
    return raft.proposeAll(commands);
  }

  /**
   * Tells whether {@link #ready()} has something: entries or a hard state to persist, messages to
   * send, or committed entries to apply. False while a Ready is taken and not yet advanced.
   *
   * @return true if there is work for the application
   */
  public boolean hasReady() {
    if (outstanding != null) {
      return false;
    }
    return raft.log.hasUnstableEntries()
        || raft.hasReadsToStart()
        || raft.log.pendingSnapshot() != null
        || !raft.hardState().equals(lastHardState)
        || !raft.outbox.isEmpty()
        || raft.log.hasNextCommittedEntries();
  }

  /**
   * Takes what the application must do now (see {@link Ready} for the order). The messages leave
   * the node; the entries and hard state are handed out again if the application does not report
   * them done with {@link #advance}.
   *
   * @return the work; empty if {@link #hasReady()} was false
   * @throws IllegalStateException if the previous Ready has not been advanced
   */
  public Ready ready() {
    if (outstanding != null) {
      throw new IllegalStateException("advance(...) the previous Ready first");
    }
    raft.startReadRound();
    HardState hs = raft.hardState();
    List<RaftMessage> messages = new ArrayList<>(raft.outbox);
    raft.outbox.clear();
    Ready r =
        new Ready(
            hs.equals(lastHardState) ? null : hs,
            raft.log.unstableEntries(),
            messages,
            raft.log.hasNextCommittedEntries()
                ? raft.log.nextCommittedEntries(raft.maxCommittedSizePerReady())
                : List.of(),
            raft.log.pendingSnapshot());
    outstanding = r;
    return r;
  }

  /**
   * Reports that the application has done what {@code ready} asked: its entries and hard state are
   * durable, its messages sent, its committed entries applied.
   *
   * @param ready the Ready last returned by {@link #ready()}
   * @throws IllegalArgumentException if {@code ready} is not that Ready
   * @throws NullPointerException if {@code ready} is null
   */
  public void advance(Ready ready) {
    Objects.requireNonNull(ready, "ready");
    if (ready != outstanding) {
      throw new IllegalArgumentException("not the Ready last returned by ready()");
    }
    outstanding = null;
    if (ready.hardState() != null) {
      lastHardState = ready.hardState();
    }
    if (ready.snapshot() != null) {
      raft.log.stableSnapTo(ready.snapshot().index());
    }
    List<LogEntry> entries = ready.entries();
    if (!entries.isEmpty()) {
      LogEntry last = entries.get(entries.size() - 1);
      raft.log.stableTo(last.index(), last.term());
    }
    List<LogEntry> committed = ready.committedEntries();
    if (!committed.isEmpty()) {
      raft.applied(committed);
    }
  }

  /**
   * Returns the node's view of itself now.
   *
   * @return its id, term, role, known leader, commit index and last index
   */
  public RaftStatus status() {
    return raft.status();
  }

  /**
   * Returns the group's configuration as this node uses it now: that of the last {@linkplain
   * LogEntry.Kind#MEMBERSHIP membership entry} in its log, committed or not (thesis §4.1), or,
   * before any, the voters of its {@link RaftConfig} (or of its snapshot's configuration).
   *
   * @return the configuration in force
   */
  public Membership membership() {
    return raft.membership();
  }

  /**
   * Returns the index of the entry that carries {@link #membership()}; 0 for the bootstrap
   * configuration. The change is committed once {@link RaftStatus#commitIndex()} reaches it.
   *
   * @return the index
   */
  public long membershipIndex() {
    return raft.membershipIndex();
  }

  /**
   * Returns the configuration in force at a committed index: that of the last membership entry at
   * or below it, else that of the snapshot, else the bootstrap voters. This is what a snapshot
   * taken at that index records in {@link SnapshotMetadata#configuration()} ({@link
   * Membership#encode()}), since {@link #membership()} may already be that of a later entry.
   *
   * @param index a committed index, at or above the stored snapshot's
   * @return the configuration at that index
   * @throws IllegalArgumentException if the index is beyond the commit index
   */
  public Membership membershipAt(long index) {
    return raft.membershipAt(index);
  }

  /**
   * Proposes a new configuration, on the leader, with the rules that keep membership changes safe
   * (see the README and ADR 55): one change at a time, once the leader has committed an entry of
   * its term; new voters only from learners that hold every committed entry; a change of one voter
   * as one entry (thesis §4.1), any other through a joint configuration (thesis §4.3) that the
   * leader leaves by itself once it is committed. {@link Membership#withLearner}, {@link
   * Membership#promote}, {@link Membership#without} and {@link Membership#replace} make {@code
   * next} from {@link #membership()}. The new configuration takes effect on each node when it
   * appends the entry; a leader that is not a voter in it steps down once it is committed.
   *
   * @param next the configuration to reach; not joint
   * @return the index of the (first) configuration entry
   * @throws NotLeaderException if this node is not the leader
   * @throws MembershipChangeException if a change cannot be made now (the message says why)
   * @throws TransferInProgressException while leadership is being transferred
   * @throws IllegalArgumentException if {@code next} is joint, is the configuration in force, or
   *     demotes a voter to learner along with another change of voters
   * @throws NullPointerException if {@code next} is null
   */
  public long changeMembership(Membership next) {
    return raft.changeMembership(Objects.requireNonNull(next, "next"));
  }

  /**
   * Tells whether a learner holds every committed entry, so that it may be promoted (on the leader;
   * false elsewhere or for a non-member).
   *
   * @param learner a member's id
   * @return true if the leader knows it holds up to the commit index
   * @throws NullPointerException if {@code learner} is null
   */
  public boolean isCaughtUp(String learner) {
    Objects.requireNonNull(learner, "learner");
    return raft.isCaughtUp(learner);
  }

  /**
   * Hands leadership to another voter (thesis §3.10): the leader stops taking proposals ({@link
   * TransferInProgressException}), brings the target's log up to date, then tells it to campaign at
   * once (TimeoutNow, skipping the pre-vote and passing the other voters' leader lease). If the
   * target does not lead within an election timeout, the transfer is abandoned and proposals are
   * taken again. Watch {@link #status()} for the outcome.
   *
   * @param target the voter to hand over to, or {@code null} for the voter with the most of the log
   * @return the target chosen
   * @throws NotLeaderException if this node is not the leader
   * @throws IllegalArgumentException if the target is this node or not a voter, or there is no
   *     other voter
   */
  public String transferLeadership(String target) {
    return raft.transferLeadership(target);
  }

  /**
   * Returns the voter leadership is being handed to, while a transfer runs on this leader.
   *
   * @return its id, or null
   */
  public String leadTransferee() {
    return raft.transferee();
  }

  /**
   * Asks for a linearizable read without a log entry (ReadIndex, thesis §6.4). On the leader, the
   * read gets the commit index and is confirmed by the next round of heartbeats (one round for all
   * the reads asked for between two {@link #ready()} calls); on a follower or learner, the request
   * goes to the leader, which answers with such an index. Either way a {@link ReadState} with
   * {@code id} appears in {@link #readStates()}; once the application has applied its index, it may
   * serve the read from its state machine. A request can be lost (leadership changes, a lost
   * message): the application times it out.
   *
   * @param id the application's number for this request, echoed in the read state
   * @throws NotLeaderException if this node knows of no leader
   */
  public void readIndex(long id) {
    raft.readIndex(id);
  }

  /**
   * Takes the read requests confirmed since the last call.
   *
   * @return the read states, oldest first; empty if none
   */
  public List<ReadState> readStates() {
    if (raft.readStates.isEmpty()) {
      return List.of();
    }
    List<ReadState> out = List.copyOf(raft.readStates);
    raft.readStates.clear();
    return out;
  }

  /**
   * A number for lease reads (thesis §6.4.1), which a driver pairs with a monotonic clock: -1
   * unless this node leads with CheckQuorum on, has committed its no-op and is not transferring
   * leadership; otherwise a value that changes with every new term, configuration change and
   * leadership transfer. A driver that saw a read confirmed (a {@link ReadState} of its own) for a
   * request made at time {@code t}, with this value {@code e}, may serve reads at its commit index
   * without a round of heartbeats while this value is still {@code e} and its clock reads less than
   * {@code t} plus the lease (see ADR 56 for the lease and the clock assumptions).
   *
   * @return the lease epoch, or -1
   */
  public long leaseEpoch() {
    return raft.leaseEpoch();
  }

  /** Appends a membership entry on the leader without the rules of changeMembership (tests). */
  long proposeMembership(Membership membership) {
    return raft.proposeMembership(Objects.requireNonNull(membership, "membership"));
  }

  /**
   * Returns how many messages this node has dropped as malformed or impossible since it started.
   *
   * @return the count
   */
  public long malformedMessages() {
    return raft.malformed();
  }

  @Override
  public String toString() {
    return "RaftNode" + status();
  }
}
