package dev.weft.raft;

import dev.weft.raft.RaftMessage.AppendEntries;
import dev.weft.raft.RaftMessage.AppendEntriesResponse;
import dev.weft.raft.RaftMessage.Heartbeat;
import dev.weft.raft.RaftMessage.HeartbeatResponse;
import dev.weft.raft.RaftMessage.RequestVote;
import dev.weft.raft.RaftMessage.RequestVoteResponse;
import dev.weft.raft.internal.log.RaftLog;
import dev.weft.raft.internal.quorum.VoteResult;
import dev.weft.raft.internal.tracker.Progress;
import dev.weft.raft.internal.tracker.ProgressTracker;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
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
 * AppendEntries that starts below its commit index with its commit index. Log compaction,
 * membership changes, leadership transfer and read-only queries are not here yet.
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
  private long membershipIndex;

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
    long applied = Math.max(config.appliedIndex(), storage.snapshot().index());
    this.log = new RaftLog(storage, hs.commit(), applied);
    this.tracker =
        new ProgressTracker(
            storedMembership(config, storage, hs.commit()),
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
   * The configuration in force at start: that of the last membership entry at or below the stored
   * commit index (committed, so it will be applied again anyway), else the config's voters.
   */
  private Membership storedMembership(RaftConfig config, RaftStorage storage, long commit) {
    long floor = storage.firstIndex();
    for (long hi = commit; hi >= floor; ) {
      long lo = Math.max(floor, hi - 255);
      List<LogEntry> chunk = storage.entries(lo, hi + 1, Long.MAX_VALUE);
      for (int i = chunk.size() - 1; i >= 0; i--) {
        LogEntry e = chunk.get(i);
        if (e.kind() == LogEntry.Kind.MEMBERSHIP) {
          membershipIndex = e.index();
          return decodeCommitted(e);
        }
      }
      hi = lo - 1;
    }
    return Membership.of(config.voters());
  }

  private Membership decodeCommitted(LogEntry e) {
    try {
      return Membership.decode(e.data());
    } catch (IllegalArgumentException bad) {
      throw new IllegalStateException(
          "raft " + id + ": the committed membership entry " + e + " does not decode", bad);
    }
  }

  // ---- state ------------------------------------------------------------------------------

  HardState hardState() {
    return new HardState(term, vote, log.committed());
  }

  RaftStatus status() {
    return new RaftStatus(id, term, role, lead, log.committed(), log.lastIndex());
  }

  long malformed() {
    return malformed;
  }

  Membership membership() {
    return tracker.membership();
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
   * Appends a membership entry on the leader: the hook that membership changes (issue 15) build on,
   * with their rules (one change at a time, joint consensus or single-server steps) still to come.
   * The new configuration takes effect when the entry is applied ({@link #applied}).
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
   * The application has applied {@code entries} (committed, in order): the membership entries among
   * them take effect now, as in etcd, where the application applies a configuration change when it
   * applies its entry. A change is thus committed under the configuration it replaces.
   */
  void applied(List<LogEntry> entries) {
    for (LogEntry e : entries) {
      if (e.kind() == LogEntry.Kind.MEMBERSHIP && e.index() > membershipIndex) {
        applyMembership(decodeCommitted(e), e.index());
      }
    }
    log.appliedTo(entries.get(entries.size() - 1).index());
  }

  private void applyMembership(Membership next, long index) {
    membershipIndex = index;
    tracker.setMembership(next, id, log.lastIndex());
    logger.log(Level.INFO, () -> "raft " + id + ": membership of index " + index + ": " + next);
    switch (role) {
      // Thesis §4.1: quorums are counted in the new configuration from now on.
      case LEADER -> maybeCommit();
      case CANDIDATE, PRE_CANDIDATE -> {
        if (!tracker.isVoter(id)) {
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
      case AppendEntriesResponse r -> becomeFollower(r.term(), null);
      case HeartbeatResponse r -> becomeFollower(r.term(), null);
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
    appendEntries(List.of(new LogEntry(log.lastIndex() + 1, term, new byte[0])));
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
      if (tracker.isVoter(id)) {
        campaign(config.preVote());
      }
    }
  }

  private void tickHeartbeat() {
    heartbeatElapsed++;
    electionElapsed++;
    if (electionElapsed >= config.electionTicks()) {
      electionElapsed = 0;
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
          long commit = Math.min(tracker.progress(peer).match(), log.committed());
          send(new Heartbeat(id, peer, term, commit));
        }
      }
    }
  }

  private void campaign(boolean preVote) {
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
        send(new RequestVote(id, peer, electionTerm, lastIndex, lastTerm, preVote));
      }
    }
  }

  /**
   * A majority granted: a pre-candidate starts the real election (thesis §9.6), a candidate leads.
   */
  private void wonElection() {
    if (role == Role.PRE_CANDIDATE) {
      campaign(false);
    } else {
      becomeLeader();
    }
  }

  /** Whether to ignore a vote request of a higher term because a leader was heard from lately. */
  private boolean inLease(RequestVote v) {
    // Thesis §4.2.3: with CheckQuorum, a node that heard from a leader within the minimum election
    // timeout neither updates its term nor grants its vote; with PreVote alone the lease covers
    // pre-votes only (thesis §9.6), since then only a candidate a majority agreed to asks for real.
    boolean applies = v.preVote() ? config.preVote() || config.checkQuorum() : config.checkQuorum();
    return applies && lead != null && electionElapsed < config.electionTicks();
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
    send(new HeartbeatResponse(id, h.from(), term));
  }

  // ---- leaders ----------------------------------------------------------------------------

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
        if (pr.state() == Progress.State.PROBE) {
          pr.becomeReplicate();
        } else {
          pr.inflights().freeLE(r.index());
        }
        maybeCommit();
      }
      sendAppends(r.from(), false);
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
    // A follower behind the leader gets entries again (a lost AppendEntries is retried here).
    if (pr.match() < log.lastIndex()) {
      sendAppends(r.from(), true);
    }
  }

  private void appendEntries(List<LogEntry> entries) {
    log.append(entries);
    tracker.progress(id).maybeUpdate(entries.get(entries.size() - 1).index());
    maybeCommit();
  }

  private void maybeCommit() {
    long index = tracker.committed();
    // Raft §5.4.2: count replicas only of entries from the leader's own term.
    if (index > log.committed() && log.term(index) == term) {
      log.commitTo(index);
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
    if (pr.isPaused()) {
      return false;
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
