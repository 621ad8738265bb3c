package dev.weft.raft;

import dev.weft.raft.RaftMessage.AppendEntries;
import dev.weft.raft.RaftMessage.AppendEntriesResponse;
import dev.weft.raft.RaftMessage.Heartbeat;
import dev.weft.raft.RaftMessage.HeartbeatResponse;
import dev.weft.raft.RaftMessage.InstallSnapshot;
import dev.weft.raft.RaftMessage.InstallSnapshotResponse;
import dev.weft.raft.RaftMessage.ReadIndex;
import dev.weft.raft.RaftMessage.ReadIndexResponse;
import dev.weft.raft.RaftMessage.RequestVote;
import dev.weft.raft.RaftMessage.RequestVoteResponse;
import dev.weft.raft.RaftMessage.TimeoutNow;
import dev.weft.raft.internal.log.RaftLog;
import dev.weft.raft.internal.quorum.Majority;
import dev.weft.raft.internal.quorum.VoteResult;
import dev.weft.raft.internal.tracker.Progress;
import dev.weft.raft.internal.tracker.ProgressTracker;
import java.lang.System.Logger.Level;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The Raft algorithm: one node's roles, terms, votes, log and (as leader) its followers' progress.
 * {@link RaftNode} wraps it with the {@link Ready} protocol.
 *
 * <p>Implementation overview. This follows Ongaro and Ousterhout, "In Search of an Understandable
 * Consensus Algorithm" (USENIX ATC 2014; "Raft §n" below), and Ongaro's thesis, "Consensus:
 * Bridging Theory and Practice" (Stanford, 2014; "thesis §n"), in the shape of etcd's raft package:
 * every input is a method call ({@link #tick()}, {@link #step}, {@link #proposeAll}) that updates
 * state and queues messages in {@link #outbox}; nothing here sends, stores, sleeps or reads a
 * clock. Each rule below cites the section it implements.
 *
 * <pre>
 *            timeout              majority would vote          majority voted
 *  FOLLOWER ---------> PRE_CANDIDATE -----------------> CANDIDATE ------------> LEADER
 *     ^  ^                  |  timeout: again              |  timeout: new term    |
 *     |  +------------------+--------------+---------------+                       |
 *     |     a leader's message, or a higher term                                   |
 *     +------------------------------------------------------------------------------+
 *        a higher term, or (CheckQuorum) no majority heard from in an election timeout
 * </pre>
 *
 * <p>{@link #step} first applies the rules every message obeys (its content checked by {@link
 * MessageCheck}; Raft §5.1 for its term), then hands it to {@code stepLeader}, {@code
 * stepCandidate} or {@code stepFollower}. Each of those is an exhaustive {@code switch} over the
 * sealed {@link RaftMessage}, as etcd's {@code stepLeader}, {@code stepCandidate} and {@code
 * stepFollower} are: a new kind of message does not compile until every role says what it does with
 * it.
 *
 * <ul>
 *   <li>Elections (Raft §5.2): randomized timeouts in {@code [electionTicks, 2 * electionTicks)}
 *       from the seeded generator; one vote per term, persisted before the answer is sent; the
 *       election restriction (Raft §5.4.1) in {@link RaftLog#isUpToDate}.
 *   <li>PreVote (thesis §9.6): a timed-out node first asks, at {@code term + 1} without adopting
 *       it, whether a majority would vote for it; nodes that heard from a leader within the last
 *       election timeout say no. CheckQuorum (thesis §6.2): a leader that has not heard from a
 *       majority within an election timeout steps down; with it on, nodes also ignore real vote
 *       requests within that lease (thesis §4.2.3). See ADR 12.
 *   <li>Replication (Raft §5.3): the consistency check and conflict truncation in {@link
 *       RaftLog#maybeAppend}; a rejection carries a hint ({@link RaftLog#findConflictByTerm}) that
 *       lets the leader skip a conflicting term per round trip. Each follower is probed (one
 *       message at a time) until its match is known, then streamed to (pipelined, thesis §10.2)
 *       within a window of {@code maxInflightMessages} messages and {@code maxInflightBytes} bytes;
 *       each message carries at most {@code maxSizePerMessage} bytes of entries (at least one).
 *   <li>Commitment (Raft §5.4.2, Figure 8): the leader commits the majority's match index only if
 *       that entry is from its own term; each new leader appends an empty entry to commit the
 *       entries of earlier terms (Raft §8). Followers learn the commit index from AppendEntries and
 *       heartbeats; there is no extra broadcast when it moves.
 * </ul>
 *
 * <p>Differences from the paper: heartbeats are their own message (as in etcd), carrying a commit
 * index capped at the follower's match so they need no consistency check; a follower answers an
 * AppendEntries that starts below its commit index with its commit index. A follower that needs
 * compacted entries gets the snapshot (Raft §7): the core sends and installs only its metadata and
 * leaves the bytes to the application ({@link InstallSnapshot}). Membership changes (thesis §4.1,
 * §4.3), leadership transfer (§3.10) and ReadIndex (§6.4) are described at their methods and in
 * ADRs 55 and 56.
 *
 * <p>Untrusted input: {@link #step} drops, and logs at WARNING, messages whose content is malformed
 * or impossible ({@link MessageCheck} and the state-dependent checks below); stale messages are
 * dropped and logged at DEBUG. A dropped message changes nothing.
 */
final class Raft {
  final String id;
  private final RaftConfig config;
  private final System.Logger logger;
  private final Random random;
  final RaftLog log;
  private final ProgressTracker tracker;
  final List<RaftMessage> outbox = new ArrayList<>();

  private long term;
  private String vote;
  private String lead;
  private Role role = Role.FOLLOWER;
  private int electionElapsed;
  private int heartbeatElapsed;
  private int randomizedElectionTimeout;
  private long malformed;

  // Membership (thesis §4.1, §4.3): a node uses the latest configuration in its log, committed or
  // not; `configs` holds the membership entries above the committed one (`base`), so that a
  // truncated entry's configuration can be rolled back.
  private record ConfigAt(long index, long term, Membership membership) {}

  private ConfigAt base;
  private final ArrayDeque<ConfigAt> configs = new ArrayDeque<>();
  private long membershipIndex;
  // The leader's no-op of its term: no membership change and no read before it is committed.
  private long noopIndex;

  // Leadership transfer (thesis §3.10).
  private String leadTransferee;
  // A TimeoutNow went out in this term: another node may win an election that ignores the lease.
  private boolean transferStarted;
  // Bumped whenever a lease this leader took may no longer hold (see leaseEpoch()).
  private long leaseEpoch;

  // ReadIndex (thesis §6.4): reads waiting for a round of heartbeats, and the rounds confirmed.
  private record PendingRead(String from, long id, long index, long round) {}

  private final List<PendingRead> readsWaiting = new ArrayList<>();
  private final ArrayDeque<PendingRead> readsInRound = new ArrayDeque<>();
  private final Map<String, Long> readAcks = new HashMap<>();
  private long readRound;
  final List<ReadState> readStates = new ArrayList<>();

  Raft(RaftConfig config, RaftStorage storage) {
    this.id = config.id();
    this.config = config;
    this.logger = config.logger();
    this.random = new Random(config.randomSeed() ^ (0x9E3779B97F4A7C15L * id.hashCode()));
    HardState hs = storage.hardState();
    if (hs.commit() > storage.lastIndex()) {
      // As etcd: entries this node acknowledged as committed are gone (a log truncated, lost or
      // corrupted behind the node's back). Starting anyway could lose acknowledged writes.
      throw new IllegalStateException(
          "raft "
              + id
              + ": the stored commit index "
              + hs.commit()
              + " is beyond the stored log, which ends at "
              + storage.lastIndex()
              + "; was the log truncated or lost?");
    }
    long applied = Math.max(config.appliedIndex(), storage.snapshotMetadata().index());
    this.log = new RaftLog(storage, hs.commit(), applied);
    restoreMembership(config, storage, hs.commit());
    this.tracker =
        new ProgressTracker(
            configs.isEmpty() ? base.membership() : configs.peekLast().membership(),
            config.maxInflightMessages(),
            config.maxInflightBytes());
    this.term = hs.term();
    this.vote = hs.votedFor();
    becomeFollower(term, null);
    logger.log(
        Level.INFO,
        () ->
            "raft "
                + id
                + ": started at term "
                + term
                + ", last index "
                + log.lastIndex()
                + ", commit "
                + log.committed()
                + ", applied "
                + log.applied()
                + ", "
                + tracker.membership());
  }

  /**
   * Finds the configuration in force at start (thesis §4.1: the latest in the log, committed or
   * not): scanning back from the last index, every membership entry above the stored commit index
   * and the last one at or below it (the committed base); without one, the configuration in the
   * snapshot's metadata (that at the snapshot's index, so the entries the snapshot covers, which
   * are no newer, are not searched); without that, the config's voters (the bootstrap
   * configuration).
   */
  private void restoreMembership(RaftConfig config, RaftStorage storage, long commit) {
    SnapshotMetadata snap = storage.snapshotMetadata();
    byte[] snapConfig = snap.configuration();
    long floor =
        snapConfig.length > 0
            ? Math.max(storage.firstIndex(), snap.index() + 1)
            : storage.firstIndex();
    for (long hi = storage.lastIndex(); hi >= floor; ) {
      long lo = Math.max(floor, hi - 255);
      List<LogEntry> chunk = storage.entries(lo, hi + 1, Long.MAX_VALUE);
      for (int i = chunk.size() - 1; i >= 0; i--) {
        LogEntry e = chunk.get(i);
        if (e.kind() == LogEntry.Kind.MEMBERSHIP) {
          ConfigAt at = new ConfigAt(e.index(), e.term(), decodeCommitted(e));
          if (e.index() <= commit) {
            base = at;
            membershipIndex = configs.isEmpty() ? e.index() : configs.peekLast().index();
            return;
          }
          configs.addFirst(at);
        }
      }
      hi = lo - 1;
    }
    base =
        snapConfig.length > 0
            ? new ConfigAt(snap.index(), snap.term(), decodeStored(snapConfig, snap))
            : new ConfigAt(0, 0, Membership.of(config.voters()));
    membershipIndex = configs.isEmpty() ? base.index() : configs.peekLast().index();
  }

  private Membership decodeStored(byte[] bytes, SnapshotMetadata snap) {
    try {
      return Membership.decode(bytes);
    } catch (IllegalArgumentException bad) {
      throw new IllegalStateException(
          "raft " + id + ": the configuration of snapshot " + snap + " does not decode", bad);
    }
  }

  private Membership decodeCommitted(LogEntry e) {
    try {
      return Membership.decode(e.data());
    } catch (IllegalArgumentException bad) {
      throw new IllegalStateException(
          "raft " + id + ": the stored membership entry " + e + " does not decode", bad);
    }
  }

  // ---- state ------------------------------------------------------------------------------

  HardState hardState() {
    return new HardState(term, vote, log.committed());
  }

  RaftStatus status() {
    return new RaftStatus(
        id, term, role, lead, log.committed(), log.lastIndex(), tracker.membership());
  }

  long membershipIndex() {
    return membershipIndex;
  }

  boolean isCaughtUp(String learner) {
    Progress pr = role == Role.LEADER ? tracker.progress(learner) : null;
    return pr != null && pr.match() >= log.committed();
  }

  String transferee() {
    return leadTransferee;
  }

  /**
   * A number that stays the same for as long as a read lease this leader took may hold: -1 unless
   * this node leads, CheckQuorum is on, its no-op is committed and no leadership transfer was
   * started in its term; otherwise it changes with each new term, configuration change and
   * transfer.
   */
  long leaseEpoch() {
    if (role != Role.LEADER
        || !config.checkQuorum()
        || log.committed() < noopIndex
        || transferStarted
        || leadTransferee != null) {
      return -1;
    }
    return leaseEpoch;
  }

  long malformed() {
    return malformed;
  }

  Membership membership() {
    return tracker.membership();
  }

  /**
   * The configuration in force at a committed index, as a snapshot taken there records it: that of
   * the last membership entry at or below the index, else that of the snapshot, else the bootstrap
   * voters. The configurations this node keeps answer at once; an index below them (applied lags
   * committed) is looked up in the log, whose entries at or below the commit index never change.
   */
  Membership membershipAt(long index) {
    if (index > log.committed()) {
      throw new IllegalArgumentException(
          "index " + index + " is not committed (committed " + log.committed() + ")");
    }
    for (var it = configs.descendingIterator(); it.hasNext(); ) {
      ConfigAt c = it.next();
      if (c.index() <= index) {
        return c.membership();
      }
    }
    if (base.index() <= index) {
      return base.membership();
    }
    SnapshotMetadata snap = log.snapshotMetadata();
    long floor = Math.max(log.firstIndex(), snap.index() + 1);
    for (long hi = index; hi >= floor; ) {
      long lo = Math.max(floor, hi - 255);
      List<LogEntry> chunk = log.slice(lo, hi + 1, Long.MAX_VALUE);
      for (int i = chunk.size() - 1; i >= 0; i--) {
        LogEntry e = chunk.get(i);
        if (e.kind() == LogEntry.Kind.MEMBERSHIP) {
          return decodeCommitted(e);
        }
      }
      hi = lo - 1;
    }
    if (snap.index() <= index && snap.configuration().length > 0) {
      return decodeStored(snap.configuration(), snap);
    }
    return Membership.of(config.voters());
  }

  long maxCommittedSizePerReady() {
    return config.maxCommittedSizePerReady();
  }

  // ---- inputs -----------------------------------------------------------------------------

  void tick() {
    if (role == Role.LEADER) {
      tickHeartbeat();
    } else {
      tickElection();
    }
  }

  /**
   * Appends commands on the leader (Raft §5.3: the leader appends a client's command to its log,
   * then replicates it) and sends one round of AppendEntries for all of them.
   */
  long proposeAll(List<byte[]> commands) {
    if (role != Role.LEADER) {
      throw new NotLeaderException(id, lead);
    }
    if (leadTransferee != null) {
      // Thesis §3.10: the leader stops accepting proposals while it hands leadership over.
      throw new TransferInProgressException(id, leadTransferee);
    }
    long first = log.lastIndex() + 1;
    List<LogEntry> entries = new ArrayList<>(commands.size());
    for (int i = 0; i < commands.size(); i++) {
      entries.add(new LogEntry(first + i, term, commands.get(i)));
    }
    appendEntries(entries);
    bcastAppend(); // one round of AppendEntries for the whole batch (thesis §10.2)
    return first;
  }

  /**
   * Appends a membership entry on the leader without the rules of {@link #changeMembership}: a test
   * hook. The new configuration takes effect at once, on every node that appends the entry.
   */
  long proposeMembership(Membership membership) {
    if (role != Role.LEADER) {
      throw new NotLeaderException(id, lead);
    }
    long index = log.lastIndex() + 1;
    appendEntries(List.of(LogEntry.membership(index, term, membership)));
    bcastAppend();
    return index;
  }

  /**
   * Proposes a new configuration on the leader, with the rules that keep changes safe: one change
   * at a time (the last configuration entry is committed), only once the leader has committed an
   * entry of its own term (the correction to single-server changes, Ongaro, raft-dev, 2015), new
   * voters only from learners that hold every committed entry (thesis §4.2.1). A change of one
   * voter (add, remove, promote or demote one) is a single configuration entry (thesis §4.1); any
   * other goes through a joint configuration (thesis §4.3), which this leader leaves by itself once
   * it is committed.
   *
   * @return the index of the first configuration entry
   */
  long changeMembership(Membership next) {
    if (role != Role.LEADER) {
      throw new NotLeaderException(id, lead);
    }
    if (next.isJoint()) {
      throw new IllegalArgumentException(
          "propose the configuration to reach, not a joint one: " + next);
    }
    Membership now = tracker.membership();
    if (leadTransferee != null) {
      throw new TransferInProgressException(id, leadTransferee);
    }
    if (log.committed() < noopIndex) {
      throw new MembershipChangeException(
          "leader "
              + id
              + " has not yet committed an entry of its term (index "
              + noopIndex
              + "); retry shortly");
    }
    if (membershipIndex > log.committed() || now.isJoint()) {
      throw new MembershipChangeException(
          "another membership change is in progress: the configuration of index "
              + membershipIndex
              + " ("
              + now
              + ") is not committed and final yet");
    }
    if (next.equals(now)) {
      throw new IllegalArgumentException("the configuration is already " + now);
    }
    List<String> added = new ArrayList<>();
    for (String v : next.voters()) {
      if (!now.voters().contains(v)) {
        added.add(v);
        if (!now.learners().contains(v)) {
          throw new MembershipChangeException(
              v + " is not a learner: add it as a learner first, and promote it once caught up");
        }
        Progress pr = tracker.progress(v);
        if (pr.match() < log.committed()) {
          throw new MembershipChangeException(
              "learner "
                  + v
                  + " is not caught up: it holds up to index "
                  + pr.match()
                  + ", the commit index is "
                  + log.committed());
        }
      }
    }
    int removed = 0;
    for (String v : now.voters()) {
      if (!next.voters().contains(v)) {
        removed++;
      }
    }
    Membership entry;
    if (added.size() + removed <= 1) {
      entry = next; // thesis §4.1: one voter at a time needs no joint configuration
    } else {
      for (String l : next.learners()) {
        if (now.voters().contains(l)) {
          throw new IllegalArgumentException(
              "a change of several voters cannot also demote "
                  + l
                  + " to learner; demote it alone");
        }
      }
      entry = new Membership(next.voters(), next.learners(), now.voters());
    }
    long index = log.lastIndex() + 1;
    appendEntries(List.of(LogEntry.membership(index, term, entry)));
    bcastAppend();
    return index;
  }

  /**
   * The application has applied {@code entries} (committed, in order). Configurations took effect
   * when their entries were appended; only the applied index moves here.
   */
  void applied(List<LogEntry> entries) {
    log.appliedTo(entries.get(entries.size() - 1).index());
  }

  /**
   * Entries were appended to this node's log (the leader's own, or a leader's after the consistency
   * check): the configuration in force becomes that of the last membership entry in the log. An
   * entry the append replaced (a conflict) is gone, and so is its configuration (thesis §4.1: a
   * node rolls back to the previous one); entries that matched stay, and so do those after them (a
   * stale, shorter AppendEntries truncates nothing).
   */
  private void noteAppended(List<LogEntry> entries) {
    if (entries.isEmpty()) {
      return;
    }
    long first = entries.get(0).index();
    configs.removeIf(
        c ->
            c.index() >= first && (c.index() > log.lastIndex() || log.term(c.index()) != c.term()));
    for (LogEntry e : entries) {
      if (e.kind() == LogEntry.Kind.MEMBERSHIP
          && (configs.isEmpty() || e.index() > configs.peekLast().index())) {
        configs.addLast(new ConfigAt(e.index(), e.term(), Membership.decode(e.data())));
      }
    }
    while (configs.size() > 1 && configs.peekFirst().index() <= log.committed()) {
      base = configs.pollFirst();
    }
    ConfigAt latest = configs.isEmpty() ? base : configs.peekLast();
    if (latest.index() != membershipIndex || !latest.membership().equals(tracker.membership())) {
      switchMembership(latest.membership(), latest.index());
    }
  }

  private void switchMembership(Membership next, long index) {
    membershipIndex = index;
    leaseEpoch++;
    tracker.setMembership(next, id, log.lastIndex());
    readAcks.keySet().retainAll(tracker.voters());
    logger.log(Level.INFO, () -> "raft " + id + ": membership of index " + index + ": " + next);
    if (leadTransferee != null && !tracker.isVoter(leadTransferee)) {
      abortTransfer("the target left the configuration");
    }
    switch (role) {
      // Thesis §4.1: quorums are counted in the new configuration from now on.
      case LEADER -> {
        maybeCommit();
        advanceReads();
      }
      case CANDIDATE, PRE_CANDIDATE -> {
        if (!mayCampaign()) {
          becomeFollower(term, null);
        } else if (tracker.tallyVotes() == VoteResult.WON) {
          wonElection();
        } else if (tracker.tallyVotes() == VoteResult.LOST) {
          becomeFollower(term, null);
        }
      }
      case FOLLOWER -> {
        // a follower keeps following; it campaigns later only if it votes
      }
    }
  }

  // ---- leadership transfer ------------------------------------------------------------------

  /**
   * Thesis §3.10: hands leadership to {@code target} (null: the voter with the most of the log).
   * The leader stops taking proposals, brings the target up to date, then sends it TimeoutNow; an
   * election timeout later, an unfinished transfer is abandoned.
   *
   * @return the target
   */
  String transferLeadership(String target) {
    if (role != Role.LEADER) {
      throw new NotLeaderException(id, lead);
    }
    if (target == null) {
      long best = -1;
      for (String v : tracker.voters()) {
        if (!v.equals(id) && tracker.progress(v).match() > best) {
          best = tracker.progress(v).match();
          target = v;
        }
      }
      if (target == null) {
        throw new IllegalArgumentException(
            "no other voter to transfer leadership to in " + tracker.membership());
      }
    }
    if (target.equals(id)) {
      throw new IllegalArgumentException(id + " already leads");
    }
    if (!tracker.isVoter(target)) {
      throw new IllegalArgumentException(
          target + " is not a voter in " + tracker.membership() + "; only a voter can lead");
    }
    if (target.equals(leadTransferee)) {
      return target;
    }
    String to = target;
    logger.log(Level.INFO, () -> "raft " + id + ": transferring leadership to " + to);
    leadTransferee = target;
    electionElapsed = 0; // the transfer has one election timeout to finish
    Progress pr = tracker.progress(target);
    if (pr.match() == log.lastIndex()) {
      sendTimeoutNow(target);
    } else {
      sendAppends(target, true);
    }
    return target;
  }

  private void sendTimeoutNow(String to) {
    transferStarted = true;
    leaseEpoch++;
    send(new TimeoutNow(id, to, term));
  }

  private void abortTransfer(String why) {
    String was = leadTransferee;
    leadTransferee = null;
    logger.log(
        Level.INFO,
        () -> "raft " + id + ": abandoned the transfer of leadership to " + was + ": " + why);
  }

  private void handleTimeoutNow(TimeoutNow t) {
    if (!t.from().equals(lead)) {
      stale(t, "it does not come from the leader, " + lead);
      return;
    }
    if (!tracker.isVoter(id)) {
      stale(t, id + " does not vote in " + tracker.membership());
      return;
    }
    logger.log(Level.INFO, () -> "raft " + id + ": campaigning at once, as " + t.from() + " asks");
    campaign(false, true);
  }

  // ---- reads --------------------------------------------------------------------------------

  /**
   * Thesis §6.4: a read at the commit index, once a round of heartbeats confirms this node still
   * leads. On a follower, the request goes to the leader, whose answer becomes a {@link ReadState}
   * here.
   */
  void readIndex(long requestId) {
    if (role == Role.LEADER) {
      readsWaiting.add(new PendingRead(id, requestId, 0, 0));
    } else if (lead != null) {
      send(new ReadIndex(id, lead, term, requestId));
    } else {
      throw new NotLeaderException(id, null);
    }
  }

  /** Whether {@link #startReadRound} has reads to confirm. */
  boolean hasReadsToStart() {
    return role == Role.LEADER && !readsWaiting.isEmpty() && log.committed() >= noopIndex;
  }

  /**
   * Starts one round of heartbeats for every read waiting (the batching of thesis §6.4): each read
   * gets the commit index now, and is served once a quorum has answered a heartbeat sent after it.
   * A new leader waits until its no-op is committed, so that its commit index is at least that of
   * every earlier leader.
   */
  void startReadRound() {
    if (!hasReadsToStart()) {
      return;
    }
    readRound++;
    for (PendingRead r : readsWaiting) {
      readsInRound.addLast(new PendingRead(r.from(), r.id(), log.committed(), readRound));
    }
    readsWaiting.clear();
    for (String peer : tracker.voters()) {
      if (!peer.equals(id)) {
        sendHeartbeat(peer);
      }
    }
    advanceReads();
  }

  private void advanceReads() {
    if (readsInRound.isEmpty()) {
      return;
    }
    long confirmed =
        Majority.jointCommittedIndex(
            acks(tracker.membership().voters()), acks(tracker.membership().outgoingVoters()));
    while (!readsInRound.isEmpty() && readsInRound.peekFirst().round() <= confirmed) {
      PendingRead r = readsInRound.pollFirst();
      if (r.from().equals(id)) {
        readStates.add(new ReadState(r.id(), r.index()));
      } else {
        send(new ReadIndexResponse(id, r.from(), term, r.id(), r.index()));
      }
    }
  }

  private long[] acks(List<String> voters) {
    long[] a = new long[voters.size()];
    for (int i = 0; i < a.length; i++) {
      String v = voters.get(i);
      a[i] = v.equals(id) ? readRound : readAcks.getOrDefault(v, 0L);
    }
    return a;
  }

  /**
   * Handles a message from the network: the checks every message passes, then the rules of terms
   * (Raft §5.1), then the rules of this node's role.
   *
   * <p>A sender outside this node's configuration is not an error: a node that has not applied the
   * latest configuration yet must still follow (and vote for) servers that configuration added,
   * which is why requests are handled whoever sends them, as etcd does; a removed server that
   * campaigns is held off by the lease (thesis §4.2.3). Answers from a non-member answer nothing
   * this node asked: they are ignored (DEBUG), not counted as malformed.
   */
  void step(RaftMessage m) {
    if (!m.to().equals(id)) {
      throw new IllegalArgumentException("message for " + m.to() + " stepped on " + id + ": " + m);
    }
    if (m.from().equals(id)) {
      drop(m, "it claims to come from this node");
      return;
    }
    String problem = MessageCheck.problem(m);
    if (problem != null) {
      drop(m, problem);
      return;
    }
    if (m.term() > term) {
      if (!stepHigherTerm(m)) {
        return;
      }
    } else if (m.term() < term) {
      stepLowerTerm(m);
      return;
    }
    switch (role) {
      case LEADER -> stepLeader(m);
      case CANDIDATE, PRE_CANDIDATE -> stepCandidate(m);
      case FOLLOWER -> stepFollower(m);
    }
  }

  /**
   * Raft §5.1: a message of a higher term makes this node a follower of that term, with the
   * thesis's exceptions: a vote request within a leader's lease is ignored (§4.2.3), and pre-vote
   * requests and granted pre-vote answers change no one's term (§9.6).
   *
   * @return false if the message was dropped
   */
  private boolean stepHigherTerm(RaftMessage m) {
    switch (m) {
      case RequestVote v -> {
        if (inLease(v)) {
          stale(v, "a leader was heard from within the election timeout");
          return false;
        }
        if (!v.preVote()) {
          becomeFollower(v.term(), null);
        }
      }
      case RequestVoteResponse r -> {
        // A granted pre-vote carries the term this node would campaign in, not a newer one.
        if (!(r.preVote() && r.granted())) {
          becomeFollower(r.term(), null);
        }
      }
      case AppendEntries a -> {
        if (!checkFromLeader(a)) {
          return false;
        }
        becomeFollower(a.term(), a.from());
      }
      case Heartbeat h -> {
        if (!checkFromLeader(h)) {
          return false;
        }
        becomeFollower(h.term(), h.from());
      }
      case InstallSnapshot i -> {
        if (!checkFromLeader(i)) {
          return false;
        }
        becomeFollower(i.term(), i.from());
      }
      case AppendEntriesResponse r -> becomeFollower(r.term(), null);
      case HeartbeatResponse r -> becomeFollower(r.term(), null);
      case TimeoutNow t -> {
        // from a leader of a term this node missed: follow it first, then obey
        becomeFollower(t.term(), t.from());
      }
      case ReadIndex q -> becomeFollower(q.term(), null);
      case ReadIndexResponse q -> becomeFollower(q.term(), q.from());
      case InstallSnapshotResponse r -> becomeFollower(r.term(), null);
    }
    return true;
  }

  /**
   * Raft §5.1: a request of an older term is rejected. With PreVote or CheckQuorum, a leader of an
   * old term (cut off, or whose messages were delayed) is told the current term, since with PreVote
   * it would otherwise never learn it from a vote request (thesis §9.6); an old pre-candidate is
   * refused.
   */
  private void stepLowerTerm(RaftMessage m) {
    switch (m) {
      case AppendEntries a -> answerOldLeader(a);
      case Heartbeat h -> answerOldLeader(h);
      case InstallSnapshot i -> answerOldLeader(i);
      case InstallSnapshotResponse r -> {
        // answers a snapshot sent in an older term: nothing to do
      }
      case RequestVote v -> {
        if (v.preVote()) {
          send(new RequestVoteResponse(id, v.from(), term, false, true));
        }
      }
      case AppendEntriesResponse r -> {
        // answers a message of an older term: nothing to do
      }
      case HeartbeatResponse r -> {
        // answers a message of an older term: nothing to do
      }
      case TimeoutNow t -> {
        // from a leader of an older term: nothing to do
      }
      case ReadIndex q -> {
        // from a node behind the times; it will time out and ask again
      }
      case ReadIndexResponse q -> {
        // a quorum confirmed that index after the request arrived: still a valid read index
        readStates.add(new ReadState(q.id(), q.index()));
        return;
      }
      case RequestVoteResponse r -> {
        // answers an older election: nothing to do
      }
    }
    stale(m, "its term is older than " + term);
  }

  private void answerOldLeader(RaftMessage m) {
    if (config.checkQuorum() || config.preVote()) {
      send(new HeartbeatResponse(id, m.from(), term));
    }
  }

  // ---- roles ------------------------------------------------------------------------------

  private void stepFollower(RaftMessage m) {
    switch (m) {
      case AppendEntries a -> handleAppend(a);
      case Heartbeat h -> handleHeartbeat(h);
      case RequestVote v -> handleVoteRequest(v);
      case AppendEntriesResponse r -> stale(r, "a follower expects no such message");
      case HeartbeatResponse r -> stale(r, "a follower expects no such message");
      case RequestVoteResponse r -> stale(r, "a follower expects no such message");
      case TimeoutNow t -> handleTimeoutNow(t);
      case ReadIndex q -> stale(q, "a follower does not serve read indexes");
      case ReadIndexResponse q -> readStates.add(new ReadState(q.id(), q.index()));
      case InstallSnapshot i -> handleSnapshot(i);
      case InstallSnapshotResponse r -> stale(r, "a follower expects no such message");
    }
  }

  private void stepCandidate(RaftMessage m) {
    switch (m) {
      case AppendEntries a -> handleAppend(a);
      case Heartbeat h -> handleHeartbeat(h);
      case RequestVote v -> handleVoteRequest(v);
      case RequestVoteResponse r -> handleVoteResponse(r);
      case AppendEntriesResponse r -> stale(r, "a " + role + " expects no such message");
      case HeartbeatResponse r -> stale(r, "a " + role + " expects no such message");
      case TimeoutNow t -> stale(t, "a " + role + " is campaigning already");
      case ReadIndex q -> stale(q, "a " + role + " does not serve read indexes");
      case ReadIndexResponse q -> readStates.add(new ReadState(q.id(), q.index()));
      case InstallSnapshot i -> handleSnapshot(i);
      case InstallSnapshotResponse r -> stale(r, "a " + role + " expects no such message");
    }
  }

  private void stepLeader(RaftMessage m) {
    switch (m) {
      // Raft §5.2 (election safety): another leader of this node's own term cannot exist.
      case AppendEntries a -> drop(a, "this node leads term " + term);
      case Heartbeat h -> drop(h, "this node leads term " + term);
      case RequestVote v -> handleVoteRequest(v);
      case AppendEntriesResponse r -> handleAppendResponse(r);
      case HeartbeatResponse r -> handleHeartbeatResponse(r);
      case RequestVoteResponse r -> stale(r, "a leader expects no such message");
      case TimeoutNow t -> drop(t, "this node leads term " + term);
      case ReadIndex q -> readsWaiting.add(new PendingRead(q.from(), q.id(), 0, 0));
      case ReadIndexResponse q -> stale(q, "a leader expects no such message");
      case InstallSnapshot i -> drop(i, "this node leads term " + term);
      case InstallSnapshotResponse r -> handleSnapshotResponse(r);
    }
  }

  private void becomeFollower(long newTerm, String leader) {
    Role was = role;
    reset(newTerm);
    role = Role.FOLLOWER;
    lead = leader;
    if (was != Role.FOLLOWER) {
      logger.log(
          Level.INFO,
          () -> "raft " + id + ": " + was + " became follower at term " + term + leaderText());
    }
  }

  private void becomePreCandidate() {
    // Thesis §9.6: no change of term or vote, so a node that cannot win disrupts no one.
    role = Role.PRE_CANDIDATE;
    lead = null;
    tracker.resetVotes();
    logger.log(Level.INFO, () -> "raft " + id + ": became pre-candidate at term " + term);
  }

  private void becomeCandidate() {
    // Raft §5.2: a candidate increments its term and votes for itself.
    reset(term + 1);
    vote = id;
    role = Role.CANDIDATE;
    logger.log(Level.INFO, () -> "raft " + id + ": became candidate at term " + term);
  }

  private void becomeLeader() {
    reset(term);
    role = Role.LEADER;
    lead = id;
    // Raft §8: a no-op of the new term, so that entries of earlier terms can be committed.
    noopIndex = log.lastIndex() + 1;
    leaseEpoch++;
    appendEntries(List.of(new LogEntry(noopIndex, term, new byte[0])));
    logger.log(Level.INFO, () -> "raft " + id + ": became leader at term " + term);
    // Raft §5.2: the new leader sends AppendEntries at once, to establish its authority.
    bcastAppend();
  }

  private void reset(long newTerm) {
    if (term != newTerm) {
      term = newTerm;
      vote = null;
    }
    lead = null;
    electionElapsed = 0;
    heartbeatElapsed = 0;
    // Raft §5.2: randomized election timeouts make split votes rare.
    randomizedElectionTimeout = config.electionTicks() + random.nextInt(config.electionTicks());
    tracker.reset(id, log.lastIndex());
    leadTransferee = null;
    transferStarted = false;
    readsWaiting.clear();
    readsInRound.clear();
    readAcks.clear();
    readRound = 0;
  }

  private String leaderText() {
    return lead == null ? "" : ", leader " + lead;
  }

  // ---- elections --------------------------------------------------------------------------

  private void tickElection() {
    electionElapsed++;
    // Raft §5.2: a follower that hears from no leader for an election timeout campaigns; a node
    // that does not vote in the configuration in force (a learner, or one removed) never does.
    if (electionElapsed >= randomizedElectionTimeout) {
      electionElapsed = 0;
      if (mayCampaign()) {
        campaign(config.preVote(), false);
      }
    }
  }

  /**
   * Whether this node may start elections: if it votes in the configuration in force, and also
   * (thesis §4.2.2) if it voted in an earlier configuration while the latest, which leaves it out,
   * is not committed yet, since the group may still need it (it then does not count its own vote).
   * A learner that never voted, or a node whose removal is committed, never campaigns.
   */
  private boolean mayCampaign() {
    if (tracker.isVoter(id)) {
      return true;
    }
    if (membershipIndex <= log.committed()) {
      return false;
    }
    if (base.membership().isVoter(id)) {
      return true;
    }
    for (ConfigAt c : configs) {
      if (c.membership().isVoter(id)) {
        return true;
      }
    }
    return false;
  }

  private void tickHeartbeat() {
    heartbeatElapsed++;
    electionElapsed++;
    if (electionElapsed >= config.electionTicks()) {
      electionElapsed = 0;
      if (leadTransferee != null) {
        // Thesis §3.10: a transfer that has not finished within an election timeout is abandoned.
        abortTransfer("not done within an election timeout");
      }
      probeStalledSnapshots();
      // Thesis §6.2: a leader that has not heard from a majority within an election timeout steps
      // down, so that clients can find the leader that has.
      if (config.checkQuorum()) {
        if (!tracker.quorumActive(id)) {
          logger.log(
              Level.INFO,
              () -> "raft " + id + ": stepping down at term " + term + ": no quorum heard from");
          becomeFollower(term, null);
          return;
        }
        for (var e : tracker.all().entrySet()) {
          if (!e.getKey().equals(id)) {
            e.getValue().recentActive(false);
          }
        }
      }
    }
    // Raft §5.2: a leader sends heartbeats to keep its authority (to learners too, thesis §4.2.1).
    if (heartbeatElapsed >= config.heartbeatTicks()) {
      heartbeatElapsed = 0;
      for (String peer : tracker.members()) {
        if (!peer.equals(id)) {
          sendHeartbeat(peer);
        }
      }
    }
  }

  /**
   * Sends a heartbeat carrying the latest read round: an answer to it confirms every read of that
   * round or earlier, since it was sent after them (so lost round heartbeats are made up for).
   */
  private void sendHeartbeat(String peer) {
    long commit = Math.min(tracker.progress(peer).match(), log.committed());
    send(new Heartbeat(id, peer, term, commit, readRound));
  }

  /**
   * A snapshot transfer that got no answer for an election timeout (the follower crashed, or the
   * chunks were lost) is given up: the follower is probed again, and gets a new transfer if it
   * still needs one.
   */
  private void probeStalledSnapshots() {
    for (var e : tracker.all().entrySet()) {
      Progress pr = e.getValue();
      if (pr.state() == Progress.State.SNAPSHOT && pr.snapshotStalled()) {
        logger.log(
            Level.INFO,
            () ->
                "raft " + id + ": snapshot transfer to " + e.getKey() + " stalled; probing again");
        pr.becomeProbe();
      }
    }
  }

  private void campaign(boolean preVote, boolean transfer) {
    long electionTerm;
    if (preVote) {
      becomePreCandidate();
      electionTerm = term + 1;
    } else {
      becomeCandidate();
      electionTerm = term;
    }
    tracker.recordVote(id, true);
    if (tracker.tallyVotes() == VoteResult.WON) {
      wonElection(); // the only voter
      return;
    }
    long lastIndex = log.lastIndex();
    long lastTerm = log.lastTerm();
    for (String peer : tracker.voters()) {
      if (!peer.equals(id)) {
        send(new RequestVote(id, peer, electionTerm, lastIndex, lastTerm, preVote, transfer));
      }
    }
  }

  /**
   * A majority granted: a pre-candidate starts the real election (thesis §9.6), a candidate leads.
   */
  private void wonElection() {
    if (role == Role.PRE_CANDIDATE) {
      campaign(false, false);
    } else {
      becomeLeader();
    }
  }

  /** Whether to ignore a vote request of a higher term because a leader was heard from lately. */
  private boolean inLease(RequestVote v) {
    // Thesis §4.2.3: with CheckQuorum, a node that heard from a leader within the minimum election
    // timeout neither updates its term nor grants its vote; with PreVote alone the lease covers
    // pre-votes only (thesis §9.6), since then only a candidate a majority agreed to asks for real.
    // Thesis §3.10: an election a leadership transfer started is let through.
    boolean applies = v.preVote() ? config.preVote() || config.checkQuorum() : config.checkQuorum();
    return applies && !v.transfer() && lead != null && electionElapsed < config.electionTicks();
  }

  private void handleVoteRequest(RequestVote v) {
    // Raft §5.2: at most one vote per term, first come first served; thesis §9.6: a pre-vote for a
    // later term may be granted whatever this node voted in its own. Raft §5.4.1: only to a
    // candidate whose log is at least as up-to-date as this node's.
    boolean canVote =
        v.from().equals(vote) || (vote == null && lead == null) || (v.preVote() && v.term() > term);
    if (canVote && log.isUpToDate(v.lastLogIndex(), v.lastLogTerm())) {
      send(new RequestVoteResponse(id, v.from(), v.term(), true, v.preVote()));
      if (!v.preVote()) {
        // Raft §5.2: granting a vote resets the election timer (the vote is persisted in the
        // Ready's hard state before the answer leaves).
        electionElapsed = 0;
        vote = v.from();
      }
    } else {
      send(new RequestVoteResponse(id, v.from(), term, false, v.preVote()));
    }
  }

  private void handleVoteResponse(RequestVoteResponse r) {
    if (!tracker.isVoter(r.from())) {
      stale(r, r.from() + " does not vote in " + tracker.membership());
      return;
    }
    boolean preCandidate = role == Role.PRE_CANDIDATE;
    // Thesis §9.6: a granted pre-vote counts only if it carries exactly the term this node would
    // campaign in; answers to another round or another kind of election are not counted.
    if (r.preVote() != preCandidate || (r.preVote() && r.granted() && r.term() != term + 1)) {
      stale(r, "it answers another election");
      return;
    }
    tracker.recordVote(r.from(), r.granted());
    // Raft §5.2: a candidate wins with the votes of a majority; it has lost once a majority
    // refused (etcd's addition: it need not wait for its timeout).
    switch (tracker.tallyVotes()) {
      case WON -> wonElection();
      case LOST -> becomeFollower(term, null);
      case PENDING -> {
        // more answers, or the election timeout, will decide
      }
    }
  }

  // ---- followers --------------------------------------------------------------------------

  /**
   * Raft §5.2: a message from the leader of this node's term makes a candidate a follower, and
   * resets a follower's election timer; false (the message dropped) if it fails {@link
   * #checkFromLeader}.
   */
  private boolean acceptLeader(RaftMessage m) {
    if (!checkFromLeader(m)) {
      return false;
    }
    if (role == Role.FOLLOWER) {
      electionElapsed = 0;
      lead = m.from();
    } else {
      becomeFollower(term, m.from());
    }
    return true;
  }

  /**
   * The checks on a leader's message that need this node's state; false (the message dropped) if it
   * names a second leader in one term or a commit index beyond this node's log.
   */
  private boolean checkFromLeader(RaftMessage m) {
    // Raft §5.2 (election safety): at most one leader per term.
    if (m.term() == term && lead != null && !lead.equals(m.from())) {
      drop(m, "the leader of term " + term + " is " + lead);
      return false;
    }
    if (m instanceof Heartbeat h && h.commit() > log.lastIndex()) {
      // The leader caps the commit at what it knows this follower holds, and a follower never
      // loses an entry it acknowledged (it was durable first), so this cannot happen.
      drop(m, "commit " + h.commit() + " beyond the last index " + log.lastIndex());
      return false;
    }
    return true;
  }

  private void handleAppend(AppendEntries a) {
    if (!acceptLeader(a)) {
      return;
    }
    // As etcd: an AppendEntries that starts below the commit index is answered with the commit
    // index, since committed entries already match the leader's (Raft §5.4.3, Log Matching).
    if (a.prevLogIndex() < log.committed()) {
      send(new AppendEntriesResponse(id, a.from(), term, true, log.committed(), 0, 0));
      return;
    }
    // Raft §5.3: the consistency check; on success conflicting entries are replaced, new ones
    // appended, and the commit index follows the leader's up to the last new entry.
    long lastNew =
        log.maybeAppend(a.prevLogIndex(), a.prevLogTerm(), a.leaderCommit(), a.entries());
    if (lastNew >= 0) {
      noteAppended(a.entries());
      send(new AppendEntriesResponse(id, a.from(), term, true, lastNew, 0, 0));
      return;
    }
    // Raft §5.3's optimisation: point the leader at the last entry that can match, skipping
    // every entry of a term later than the one the leader expected.
    long hintIndex =
        log.findConflictByTerm(Math.min(a.prevLogIndex(), log.lastIndex()), a.prevLogTerm());
    long hintTerm = log.term(hintIndex);
    logger.log(
        Level.DEBUG,
        () ->
            "raft "
                + id
                + ": rejected "
                + describe(a)
                + " at last index "
                + log.lastIndex()
                + "; hint "
                + hintIndex
                + "/"
                + hintTerm);
    send(
        new AppendEntriesResponse(
            id, a.from(), term, false, a.prevLogIndex(), hintIndex, hintTerm));
  }

  private void handleHeartbeat(Heartbeat h) {
    if (!acceptLeader(h)) {
      return;
    }
    // Raft §5.2 and §5.3: a heartbeat is an AppendEntries without entries; its commit index is
    // capped at this follower's match, so it needs no consistency check.
    log.commitTo(h.commit());
    send(new HeartbeatResponse(id, h.from(), term, h.context()));
  }

  /**
   * Raft §7 and Figure 13: a snapshot from the leader. The application gathers the chunks; the core
   * acts on the last one, which the application steps only once it holds the whole snapshot.
   */
  private void handleSnapshot(InstallSnapshot m) {
    if (!acceptLeader(m)) {
      return;
    }
    SnapshotMetadata s = m.snapshot();
    if (s.index() <= log.committed()) {
      // Figure 13, step 6 (and etcd): everything it covers is committed here already; tell the
      // leader where this log stands, and install nothing.
      stale(m, "it covers only committed entries, up to " + log.committed());
      send(new AppendEntriesResponse(id, m.from(), term, true, log.committed(), 0, 0));
      return;
    }
    if (!m.done()) {
      return; // a chunk: the application writes it; the last one installs
    }
    if (log.matchTerm(s.index(), s.term())) {
      // Figure 13, step 6: the log holds the snapshot's last entry; keep the entries after it and
      // commit what the snapshot covers (etcd's fast-forward).
      log.commitTo(s.index());
      logger.log(
          Level.INFO, () -> "raft " + id + ": fast-forwarded commit to snapshot " + s.index());
    } else {
      // Figure 13, steps 7 and 8: discard the log and start from the snapshot.
      log.restore(s);
      // The entries are gone, and so are their configurations: the one in force is the snapshot's
      // (that at its index), else the last this node had at or below that index.
      byte[] configuration = s.configuration();
      if (configuration.length > 0) {
        configs.clear();
        base = new ConfigAt(s.index(), s.term(), Membership.decode(configuration)); // checked
      } else {
        while (!configs.isEmpty() && configs.peekFirst().index() <= s.index()) {
          base = configs.pollFirst();
        }
        configs.clear();
      }
      if (base.index() != membershipIndex || !base.membership().equals(tracker.membership())) {
        switchMembership(base.membership(), base.index());
      }
      logger.log(
          Level.INFO,
          () ->
              "raft "
                  + id
                  + ": installing snapshot "
                  + s.index()
                  + "/"
                  + s.term()
                  + " from "
                  + lead);
    }
    send(new AppendEntriesResponse(id, m.from(), term, true, s.index(), 0, 0));
  }

  // ---- leaders ----------------------------------------------------------------------------

  private void handleSnapshotResponse(InstallSnapshotResponse r) {
    Progress pr = tracker.progress(r.from());
    if (pr == null) {
      stale(r, r.from() + " is not a member of " + tracker.membership());
      return;
    }
    pr.recentActive(true);
    if (pr.state() == Progress.State.SNAPSHOT && r.index() == pr.pendingSnapshot()) {
      pr.snapshotProgressed(); // the chunks themselves are the application's
    }
  }

  private void handleAppendResponse(AppendEntriesResponse r) {
    Progress pr = tracker.progress(r.from());
    if (pr == null) {
      stale(r, r.from() + " is not a member of " + tracker.membership());
      return;
    }
    pr.recentActive(true);
    if (r.success()) {
      if (r.index() > log.lastIndex()) {
        drop(r, "it acknowledges index " + r.index() + " beyond the last, " + log.lastIndex());
        return;
      }
      // Raft §5.3: a success updates the follower's matchIndex and nextIndex.
      boolean updated = pr.maybeUpdate(r.index());
      if (updated || (pr.state() == Progress.State.PROBE && pr.match() == r.index())) {
        switch (pr.state()) {
          case PROBE -> pr.becomeReplicate();
          case REPLICATE -> pr.inflights().freeLE(r.index());
          case SNAPSHOT -> {
            // The follower installed the snapshot (or had the entries): the log can go on.
            if (pr.match() + 1 >= log.firstIndex()) {
              pr.becomeReplicate();
            }
          }
        }
        maybeCommit();
      }
      sendAppends(r.from(), false);
      if (role == Role.LEADER
          && r.from().equals(leadTransferee)
          && pr.match() == log.lastIndex()
          && !transferStarted) {
        sendTimeoutNow(r.from()); // thesis §3.10: the target is up to date
      }
    } else {
      // Raft §5.3: after a rejection the leader retries from an earlier index; the follower's
      // hint lets it skip a whole conflicting term at once.
      long hint = r.hintIndex();
      if (r.hintTerm() > 0) {
        hint = log.findConflictByTerm(r.hintIndex(), r.hintTerm());
      }
      if (pr.maybeDecrTo(r.index(), hint)) {
        sendAppends(r.from(), true);
      } else {
        stale(r, "it rejects an older AppendEntries");
      }
    }
  }

  private void handleHeartbeatResponse(HeartbeatResponse r) {
    Progress pr = tracker.progress(r.from());
    if (pr == null) {
      stale(r, r.from() + " is not a member of " + tracker.membership());
      return;
    }
    pr.recentActive(true);
    pr.heartbeatAnswered();
    if (r.context() > 0 && tracker.isVoter(r.from())) {
      readAcks.merge(r.from(), r.context(), Math::max);
      advanceReads();
    }
    if (r.from().equals(leadTransferee) && pr.match() == log.lastIndex()) {
      sendTimeoutNow(r.from()); // again, in case the first was lost
    }
    // A follower behind the leader gets entries again (a lost AppendEntries is retried here).
    if (pr.match() < log.lastIndex()) {
      sendAppends(r.from(), true);
    }
  }

  private void appendEntries(List<LogEntry> entries) {
    log.append(entries);
    Progress self = tracker.progress(id);
    if (self != null) {
      self.maybeUpdate(entries.get(entries.size() - 1).index());
    }
    noteAppended(entries);
    maybeCommit();
  }

  private void maybeCommit() {
    long index = tracker.committed();
    // Raft §5.4.2: count replicas only of entries from the leader's own term.
    if (index > log.committed() && log.term(index) == term) {
      log.commitTo(index);
      afterCommit();
    }
  }

  /** What a leader does when its commit index moves past a configuration entry. */
  private void afterCommit() {
    if (role != Role.LEADER || membershipIndex > log.committed() || log.committed() < noopIndex) {
      return;
    }
    Membership now = tracker.membership();
    if (now.isJoint()) {
      // Thesis §4.3: once the joint configuration is committed, the leader moves to the new one.
      Membership leave = new Membership(now.voters(), now.learners(), List.of());
      long index = log.lastIndex() + 1;
      appendEntries(List.of(LogEntry.membership(index, term, leave)));
      bcastAppend();
    } else if (!now.isVoter(id)) {
      // Thesis §4.2.2: a leader not in the committed configuration steps down; it hands over to
      // an up-to-date voter at once, rather than leaving the others to wait for a timeout.
      for (String v : now.voters()) {
        if (tracker.progress(v).match() == log.lastIndex()) {
          send(new TimeoutNow(id, v, term));
          break;
        }
      }
      logger.log(Level.INFO, () -> "raft " + id + ": stepping down: not a voter in " + now);
      becomeFollower(term, null);
    }
  }

  private void bcastAppend() {
    for (String peer : tracker.members()) {
      if (!peer.equals(id)) {
        sendAppends(peer, false);
      }
    }
  }

  /** Sends what flow control allows: one probe, or as many messages as the window takes. */
  private void sendAppends(String to, boolean sendIfEmpty) {
    if (!sendAppend(to, sendIfEmpty)) {
      return;
    }
    Progress pr = tracker.progress(to);
    while (pr.state() == Progress.State.REPLICATE && sendAppend(to, false)) {
      // pipelining: keep sending while the window has room and there are entries
    }
  }

  private boolean sendAppend(String to, boolean sendIfEmpty) {
    Progress pr = tracker.progress(to);
    // a change committed just now may have removed `to`, or made this leader step down
    if (role != Role.LEADER || pr == null || pr.isPaused()) {
      return false;
    }
    if (pr.next() < log.firstIndex()) {
      return sendSnapshot(to, pr);
    }
    long prevIndex = pr.next() - 1;
    long budget = config.maxSizePerMessage();
    if (pr.state() == Progress.State.REPLICATE) {
      budget = Math.min(budget, config.maxInflightBytes() - pr.inflights().bytes());
    }
    List<LogEntry> entries = log.entries(pr.next(), budget);
    if (entries.isEmpty() && !sendIfEmpty) {
      return false;
    }
    long bytes = 0;
    for (LogEntry e : entries) {
      bytes += e.size();
    }
    long last = entries.isEmpty() ? prevIndex : entries.get(entries.size() - 1).index();
    send(new AppendEntries(id, to, term, prevIndex, log.term(prevIndex), entries, log.committed()));
    pr.sent(last, bytes);
    return true;
  }

  /**
   * Raft §7: the follower needs entries this log has compacted, so it gets the snapshot instead.
   * The core asks the application to stream it ({@link InstallSnapshot#request}).
   */
  private boolean sendSnapshot(String to, Progress pr) {
    SnapshotMetadata s = log.snapshotMetadata();
    if (s.isEmpty()) {
      throw new IllegalStateException(
          "raft " + id + ": the log starts at " + log.firstIndex() + " but there is no snapshot");
    }
    logger.log(
        Level.DEBUG,
        () ->
            "raft "
                + id
                + ": "
                + to
                + " needs entries before "
                + log.firstIndex()
                + "; snapshot "
                + s.index());
    pr.becomeSnapshot(s.index());
    send(InstallSnapshot.request(id, to, term, s));
    return true;
  }

  // ---- output -----------------------------------------------------------------------------

  private void send(RaftMessage m) {
    outbox.add(m);
  }

  private void drop(RaftMessage m, String why) {
    malformed++;
    logger.log(
        Level.WARNING,
        () ->
            "raft " + id + ": dropped malformed " + describe(m) + " from " + m.from() + ": " + why);
  }

  private void stale(RaftMessage m, String why) {
    logger.log(Level.DEBUG, () -> "raft " + id + ": ignored " + describe(m) + ": " + why);
  }

  /** The message's kind, sender and term: never its entries' data. */
  private static String describe(RaftMessage m) {
    return m.getClass().getSimpleName() + "[" + m.from() + "->" + m.to() + " t" + m.term() + "]";
  }
}
