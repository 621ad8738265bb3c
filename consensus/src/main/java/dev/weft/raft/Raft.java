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
 * Consensus Algorithm" (USENIX ATC 2014), and Ongaro's thesis, "Consensus: Bridging Theory and
 * Practice" (Stanford, 2014), in the shape of etcd's raft package: every input is a method call
 * ({@link #tick()}, {@link #step}, {@link #propose}) that updates state and queues messages in
 * {@link #outbox}; nothing here sends, stores, sleeps or reads a clock.
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
 * <ul>
 *   <li>Elections (§5.2): randomized timeouts in {@code [electionTicks, 2 * electionTicks)} from
 *       the seeded generator; one vote per term, persisted before the answer is sent; the election
 *       restriction (§5.4.1) in {@link RaftLog#isUpToDate}.
 *   <li>PreVote (thesis §9.6): a timed-out node first asks, at {@code term + 1} without adopting
 *       it, whether a majority would vote for it; nodes that heard from a leader within the last
 *       election timeout say no. CheckQuorum (thesis §6.2): a leader that has not heard from a
 *       majority within an election timeout steps down; with it on, nodes also ignore real vote
 *       requests within that lease (thesis §4.2.3). See docs/adr/0012.
 *   <li>Replication (§5.3): the consistency check and conflict truncation in {@link
 *       RaftLog#maybeAppend}; a rejection carries a hint ({@link RaftLog#findConflictByTerm}) that
 *       lets the leader skip a conflicting term per round trip. Each follower is probed (one
 *       message at a time) until its match is known, then streamed to (pipelined) within a window
 *       of {@code maxInflightMessages} messages and {@code maxInflightBytes} bytes; each message
 *       carries at most {@code maxSizePerMessage} bytes of entries (at least one entry).
 *   <li>Commitment (§5.4.2, Figure 8): the leader commits the majority's match index only if that
 *       entry is from its own term; each new leader appends an empty entry to commit the entries of
 *       earlier terms. Followers learn the commit index from AppendEntries and heartbeats; there is
 *       no extra broadcast when it moves.
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

  Raft(RaftConfig config, RaftStorage storage) {
    this.id = config.id();
    this.config = config;
    this.logger = config.logger();
    this.random = new Random(config.randomSeed() ^ (0x9E3779B97F4A7C15L * id.hashCode()));
    this.tracker =
        new ProgressTracker(
            config.voters(), config.maxInflightMessages(), config.maxInflightBytes());
    HardState hs = storage.hardState();
    long commit = hs.commit();
    if (commit > storage.lastIndex()) {
      logger.log(
          Level.WARNING,
          "raft {0}: stored commit {1} is beyond the stored log ({2}); using {2}",
          id,
          commit,
          storage.lastIndex());
      commit = storage.lastIndex();
    }
    long applied = Math.max(config.appliedIndex(), storage.snapshot().index());
    this.log = new RaftLog(storage, commit, applied);
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
                + log.applied());
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

  // ---- inputs -----------------------------------------------------------------------------

  void tick() {
    if (role == Role.LEADER) {
      tickHeartbeat();
    } else {
      tickElection();
    }
  }

  long propose(byte[] data) {
    if (role != Role.LEADER) {
      throw new NotLeaderException(id, lead);
    }
    long index = log.lastIndex() + 1;
    appendEntry(new LogEntry(index, term, data));
    bcastAppend();
    return index;
  }

  long proposeAll(List<byte[]> commands) {
    if (role != Role.LEADER) {
      throw new NotLeaderException(id, lead);
    }
    long first = log.lastIndex() + 1;
    List<LogEntry> entries = new ArrayList<>(commands.size());
    for (int i = 0; i < commands.size(); i++) {
      entries.add(new LogEntry(first + i, term, commands.get(i)));
    }
    log.append(entries);
    tracker.progress(id).maybeUpdate(first + entries.size() - 1);
    maybeCommit();
    bcastAppend(); // one round of AppendEntries for the whole batch
    return first;
  }

  void step(RaftMessage m) {
    if (!m.to().equals(id)) {
      throw new IllegalArgumentException("message for " + m.to() + " stepped on " + id + ": " + m);
    }
    if (m.from().equals(id) || !tracker.isVoter(m.from())) {
      drop(m, "it comes from " + m.from() + ", not another voter");
      return;
    }
    String problem = MessageCheck.problem(m);
    if (problem != null) {
      drop(m, problem);
      return;
    }
    if (m.term() > term) {
      if (m instanceof RequestVote v && inLease(v)) {
        stale(m, "a leader was heard from within the election timeout");
        return;
      }
      if (m instanceof RequestVote v && v.preVote()) {
        // A pre-vote changes no one's term.
      } else if (m instanceof RequestVoteResponse r && r.preVote() && r.granted()) {
        // Granted pre-votes carry the term we would campaign in.
      } else {
        boolean fromLeader = m instanceof AppendEntries || m instanceof Heartbeat;
        if (fromLeader && !checkFromLeader(m)) {
          return;
        }
        becomeFollower(m.term(), fromLeader ? m.from() : null);
      }
    } else if (m.term() < term) {
      if ((config.checkQuorum() || config.preVote())
          && (m instanceof AppendEntries || m instanceof Heartbeat)) {
        // A leader of an old term (cut off, or whose messages were delayed): tell it our term so
        // that it steps down; with PreVote it would otherwise never learn it from a vote request.
        send(new HeartbeatResponse(id, m.from(), term));
      } else if (m instanceof RequestVote v && v.preVote()) {
        send(new RequestVoteResponse(id, m.from(), term, false, true));
      }
      stale(m, "its term is older than " + term);
      return;
    }
    if (m instanceof RequestVote v) {
      handleVoteRequest(v);
      return;
    }
    switch (role) {
      case LEADER -> stepLeader(m);
      case CANDIDATE, PRE_CANDIDATE -> stepCandidate(m);
      case FOLLOWER -> stepFollower(m);
    }
  }

  // ---- roles ------------------------------------------------------------------------------

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
    appendEntry(new LogEntry(log.lastIndex() + 1, term, new byte[0]));
    logger.log(Level.INFO, () -> "raft " + id + ": became leader at term " + term);
  }

  private void reset(long newTerm) {
    if (term != newTerm) {
      term = newTerm;
      vote = null;
    }
    lead = null;
    electionElapsed = 0;
    heartbeatElapsed = 0;
    randomizedElectionTimeout = config.electionTicks() + random.nextInt(config.electionTicks());
    tracker.reset(id, log.lastIndex());
  }

  private String leaderText() {
    return lead == null ? "" : ", leader " + lead;
  }

  // ---- elections --------------------------------------------------------------------------

  private void tickElection() {
    electionElapsed++;
    if (electionElapsed >= randomizedElectionTimeout) {
      electionElapsed = 0;
      campaign(config.preVote());
    }
  }

  private void tickHeartbeat() {
    heartbeatElapsed++;
    electionElapsed++;
    if (electionElapsed >= config.electionTicks()) {
      electionElapsed = 0;
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
    if (heartbeatElapsed >= config.heartbeatTicks()) {
      heartbeatElapsed = 0;
      for (String peer : tracker.voters()) {
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
      if (preVote) {
        campaign(false);
      } else {
        becomeLeader();
        bcastAppend();
      }
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

  /** Whether to ignore a vote request of a higher term because a leader was heard from lately. */
  private boolean inLease(RequestVote v) {
    boolean applies = v.preVote() ? config.preVote() || config.checkQuorum() : config.checkQuorum();
    return applies && lead != null && electionElapsed < config.electionTicks();
  }

  private void handleVoteRequest(RequestVote v) {
    boolean canVote =
        v.from().equals(vote) || (vote == null && lead == null) || (v.preVote() && v.term() > term);
    if (canVote && log.isUpToDate(v.lastLogIndex(), v.lastLogTerm())) {
      send(new RequestVoteResponse(id, v.from(), v.term(), true, v.preVote()));
      if (!v.preVote()) {
        electionElapsed = 0;
        vote = v.from();
      }
    } else {
      send(new RequestVoteResponse(id, v.from(), term, false, v.preVote()));
    }
  }

  private void stepCandidate(RaftMessage m) {
    if (m instanceof AppendEntries a) {
      if (checkFromLeader(a)) {
        becomeFollower(term, a.from());
        handleAppend(a);
      }
    } else if (m instanceof Heartbeat h) {
      if (checkFromLeader(h)) {
        becomeFollower(term, h.from());
        handleHeartbeat(h);
      }
    } else if (m instanceof RequestVoteResponse r) {
      boolean preCandidate = role == Role.PRE_CANDIDATE;
      if (r.preVote() != preCandidate || (r.preVote() && r.granted() && r.term() != term + 1)) {
        stale(m, "it answers another election");
        return;
      }
      tracker.recordVote(r.from(), r.granted());
      VoteResult result = tracker.tallyVotes();
      if (result == VoteResult.WON) {
        if (preCandidate) {
          campaign(false);
        } else {
          becomeLeader();
          bcastAppend();
        }
      } else if (result == VoteResult.LOST) {
        becomeFollower(term, null);
      }
    } else {
      stale(m, "a " + role + " expects no such message");
    }
  }

  // ---- followers --------------------------------------------------------------------------

  private void stepFollower(RaftMessage m) {
    if (m instanceof AppendEntries a) {
      if (checkFromLeader(a)) {
        electionElapsed = 0;
        lead = a.from();
        handleAppend(a);
      }
    } else if (m instanceof Heartbeat h) {
      if (checkFromLeader(h)) {
        electionElapsed = 0;
        lead = h.from();
        handleHeartbeat(h);
      }
    } else {
      stale(m, "a follower expects no such message");
    }
  }

  /**
   * The checks on a leader's message that need this node's state; false (the message dropped) if it
   * names a second leader in one term or a commit index beyond this node's log.
   */
  private boolean checkFromLeader(RaftMessage m) {
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
    if (a.prevLogIndex() < log.committed()) {
      send(new AppendEntriesResponse(id, a.from(), term, true, log.committed(), 0, 0));
      return;
    }
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
                + a
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
    log.commitTo(h.commit());
    send(new HeartbeatResponse(id, h.from(), term));
  }

  // ---- leaders ----------------------------------------------------------------------------

  private void stepLeader(RaftMessage m) {
    if (m instanceof AppendEntries || m instanceof Heartbeat) {
      drop(m, "this node leads term " + term);
      return;
    }
    Progress pr = tracker.progress(m.from());
    if (m instanceof AppendEntriesResponse r) {
      pr.recentActive(true);
      if (r.success()) {
        if (r.index() > log.lastIndex()) {
          drop(m, "it acknowledges index " + r.index() + " beyond the last, " + log.lastIndex());
          return;
        }
        boolean updated = pr.maybeUpdate(r.index());
        if (updated || (pr.state() == Progress.State.PROBE && pr.match() == r.index())) {
          if (pr.state() == Progress.State.PROBE) {
            pr.becomeReplicate();
          } else {
            pr.inflights().freeLE(r.index());
          }
          maybeCommit();
        }
        sendAppends(m.from(), false);
      } else {
        long hint = r.hintIndex();
        if (r.hintTerm() > 0) {
          hint = log.findConflictByTerm(r.hintIndex(), r.hintTerm());
        }
        if (pr.maybeDecrTo(r.index(), hint)) {
          sendAppends(m.from(), true);
        } else {
          stale(m, "it rejects an older AppendEntries");
        }
      }
    } else if (m instanceof HeartbeatResponse) {
      pr.recentActive(true);
      pr.heartbeatAnswered();
      if (pr.match() < log.lastIndex()) {
        sendAppends(m.from(), true);
      }
    } else {
      stale(m, "a leader expects no such message");
    }
  }

  private void appendEntry(LogEntry entry) {
    log.append(List.of(entry));
    tracker.progress(id).maybeUpdate(entry.index());
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
    for (String peer : tracker.voters()) {
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
