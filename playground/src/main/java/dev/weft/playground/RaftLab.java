package dev.weft.playground;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.weft.raft.HardState;
import dev.weft.raft.LogEntry;
import dev.weft.raft.Membership;
import dev.weft.raft.MembershipChangeException;
import dev.weft.raft.MemoryStorage;
import dev.weft.raft.RaftConfig;
import dev.weft.raft.RaftMessage;
import dev.weft.raft.RaftNode;
import dev.weft.raft.RaftStatus;
import dev.weft.raft.Ready;
import dev.weft.raft.Role;
import dev.weft.testkit.sim.Link;
import dev.weft.testkit.sim.Links;
import dev.weft.testkit.sim.SimNetwork;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongFunction;

/**
 * The Raft view: five {@link RaftNode}s over {@link MemoryStorage} on the simulator's network, each
 * ticking every {@value #TICK} units of virtual time (one unit reads as a millisecond), handling
 * each {@link Ready} within the event that produced it: persist, send, apply, advance. A crash
 * loses the node and what it applied and keeps its storage; a restart builds a new node from it.
 * {@link RaftSafety} checks every persisted entry, hard state and applied entry, and the leaders
 * after every event.
 *
 * <p>Leadership transfer and membership changes go through the core's own operations ({@link
 * RaftNode#transferLeadership}, {@link RaftNode#changeMembership}): a removed node keeps running
 * outside the group; adding a node makes it a learner, which the lab promotes to voter, on
 * whichever node leads, once the leader reports it caught up (thesis §4.2.1).
 */
final class RaftLab extends Lab {
  static final List<String> IDS = List.of("n1", "n2", "n3", "n4", "n5");
  static final long TICK = 10;
  static final int ELECTION_TICKS = 10;
  static final int HEARTBEAT_TICKS = 3;
  static final long MIN_LATENCY = 10;
  static final long MAX_LATENCY = 20;
  static final long SLOW_MIN_LATENCY = 50;
  static final long SLOW_MAX_LATENCY = 100;
  static final int LOG_SHOWN = 16;

  /**
   * The actions this view takes, in the order the page offers them. The page draws a control only
   * for an action named here.
   */
  static final List<String> ACTIONS =
      List.of(
          "crash",
          "restart",
          "partition",
          "heal",
          "drop-link",
          "delay-link",
          "propose",
          "transfer",
          "add-member",
          "remove-member");

  private final SimNetwork<RaftMessage> net;
  private final Flights<RaftMessage> flights = new Flights<>();
  private final RaftSafety safety = new RaftSafety();
  private final Map<String, Member> members = new LinkedHashMap<>();
  private final Map<String, String> linkState = new LinkedHashMap<>();
  private List<List<String>> groups;

  /** Learners added through "add-member", to be promoted to voters once caught up. */
  private final Set<String> promoting = new LinkedHashSet<>();

  RaftLab(long seed) {
    super("raft", seed);
    net = new SimNetwork<>(sim);
    for (String id : IDS) {
      Member m = new Member(id);
      members.put(id, m);
      net.addProcess(id, m::receive);
    }
    for (String from : IDS) {
      for (String to : IDS) {
        if (!from.equals(to)) {
          net.connect(from, to, normalLink());
        }
      }
    }
    for (Member m : members.values()) {
      m.start();
    }
  }

  private Link normalLink() {
    return flights.tap(Links.reordering(MIN_LATENCY, MAX_LATENCY));
  }

  /** One node: its durable storage, and its volatile core and applied entries. */
  final class Member {
    final String id;
    final MemoryStorage storage = new MemoryStorage();
    final List<LogEntry> applied = new ArrayList<>();
    RaftNode node;
    HardState durable = HardState.EMPTY;

    Member(String id) {
      this.id = id;
    }

    void start() {
      applied.clear();
      RaftConfig config =
          new RaftConfig(id, IDS, ELECTION_TICKS, HEARTBEAT_TICKS, sim.random().nextLong())
              .withLogger(new StoryLogger(story, sim::now));
      node = RaftNode.start(config, storage);
      net.schedule(id, sim.random().nextLong(TICK), "tick " + id, this::tick);
    }

    void tick() {
      net.schedule(id, TICK, "tick " + id, this::tick);
      node.tick();
      drain();
      if (!promoting.isEmpty() && node.status().role() == Role.LEADER) {
        promoteCaughtUpLearners(this);
        drain();
      }
    }

    void receive(String from, RaftMessage message) {
      flights.delivered(from, message);
      node.step(message);
      drain();
    }

    void drain() {
      while (node.hasReady()) {
        Ready r = node.ready();
        if (!r.entries().isEmpty()) {
          storage.append(r.entries());
          safety.persisted(id, r.entries(), i -> termAt(storage, i - 1));
        }
        if (r.hardState() != null) {
          safety.hardState(id, durable, r.hardState());
          storage.setHardState(r.hardState());
          durable = r.hardState();
        }
        for (RaftMessage m : r.messages()) {
          net.send(id, m.to(), m);
          flights.sent(id, m.to(), m, sim.now());
        }
        for (LogEntry e : r.committedEntries()) {
          safety.applied(id, e, applied.size());
          applied.add(e);
          if (!e.isEmpty()) {
            story.add(
                sim.now(),
                id + ": applied \"" + Commands.text(e.data()) + "\" at index " + e.index());
          }
        }
        node.advance(r);
      }
    }

    boolean up() {
      return net.isUp(id);
    }
  }

  static long termAt(MemoryStorage storage, long index) {
    if (index < 0 || index > storage.lastIndex()) {
      return -1;
    }
    return storage.term(index);
  }

  // ---- checks -------------------------------------------------------------------------------

  @Override
  void afterChange() {
    flights.expire(sim.nextEventTime());
  }

  @Override
  void check() {
    safety.checked();
    for (Member m : members.values()) {
      if (m.up()) {
        RaftStatus s = m.node.status();
        if (s.role() == Role.LEADER) {
          safety.leader(m.id, s.term(), s.commitIndex(), i -> termAt(m.storage, i));
        }
      }
    }
  }

  /** The up leader of the highest term, or null. */
  String leader() {
    String best = null;
    long bestTerm = -1;
    for (Member m : members.values()) {
      if (m.up() && m.node.status().role() == Role.LEADER && m.node.status().term() > bestTerm) {
        best = m.id;
        bestTerm = m.node.status().term();
      }
    }
    return best;
  }

  Member member(String id) {
    return members.get(id);
  }

  /**
   * The configuration as the group sees it: the leader's, else that of the up node with the latest
   * configuration entry (its own view, committed or not), else n1's.
   */
  Membership membership() {
    String leader = leader();
    if (leader != null) {
      return members.get(leader).node.membership();
    }
    return members.values().stream()
        .filter(Member::up)
        .max(Comparator.comparingLong(m -> m.node.membershipIndex()))
        .orElse(members.get(IDS.get(0)))
        .node
        .membership();
  }

  /** Learners the lab promotes once caught up (those added by "add-member" and not yet voters). */
  Set<String> promoting() {
    return Set.copyOf(promoting);
  }

  private void promoteCaughtUpLearners(Member leader) {
    RaftNode n = leader.node;
    Membership now = n.membership();
    promoting.removeIf(id -> !now.learners().contains(id));
    for (String learner : promoting) {
      if (changeRefusal(leader) == null && n.isCaughtUp(learner)) {
        try {
          long index = n.changeMembership(now.promote(learner));
          story.add(
              sim.now(),
              leader.id + ": learner " + learner + " has caught up; promoted at index " + index);
          promoting.remove(learner);
        } catch (MembershipChangeException e) {
          // changeRefusal mirrors the core's rules; should it still refuse, try on the next tick.
        }
        return;
      }
    }
  }

  /** Why the leader cannot start a membership change now, or null if it can. */
  private static String changeRefusal(Member leader) {
    RaftNode n = leader.node;
    RaftStatus s = n.status();
    if (n.leadTransferee() != null) {
      return leader.id + " is handing leadership to " + n.leadTransferee() + "; wait for it";
    }
    if (termAt(leader.storage, s.commitIndex()) != s.term()) {
      return "leader "
          + leader.id
          + " has not yet committed an entry of its term "
          + s.term()
          + "; retry shortly";
    }
    if (n.membershipIndex() > s.commitIndex() || n.membership().isJoint()) {
      return "another membership change is in progress (" + describe(n.membership()) + ")";
    }
    return null;
  }

  static String describe(Membership m) {
    String text = "voters " + m.voters();
    if (!m.learners().isEmpty()) {
      text += ", learners " + m.learners();
    }
    if (m.isJoint()) {
      text += ", joint with " + m.outgoingVoters();
    }
    return text;
  }

  RaftSafety safety() {
    return safety;
  }

  // ---- actions ------------------------------------------------------------------------------

  @Override
  Runnable prepare(JsonObject a) {
    String type = Json.oneOf("action", Json.string(a, "type"), ACTIONS);
    return switch (type) {
      case "crash" -> {
        Member m = node(a, "node");
        if (!m.up()) {
          throw ApiException.conflict(m.id + " is already down");
        }
        yield () -> {
          net.crash(m.id);
          story.add(sim.now(), m.id + " crashed (its log, term and vote survive on disk)");
        };
      }
      case "restart" -> {
        Member m = node(a, "node");
        if (m.up()) {
          throw ApiException.conflict(m.id + " is running; crash it first");
        }
        yield () -> {
          net.restart(m.id, m::receive);
          m.start();
          story.add(sim.now(), m.id + " restarted from its disk");
          m.drain();
        };
      }
      case "partition" -> partition(a);
      case "heal" ->
          () -> {
            net.heal();
            for (String key : linkState.keySet()) {
              String[] ends = key.split(">");
              net.setLink(ends[0], ends[1], normalLink());
            }
            linkState.clear();
            groups = null;
            story.add(sim.now(), "healed: every link restored");
          };
      case "drop-link", "delay-link" -> link(a, type.equals("drop-link"));
      case "propose" -> propose(a);
      case "transfer" -> transfer(a);
      case "add-member" -> addMember(a);
      case "remove-member" -> removeMember(a);
      default -> throw new IllegalStateException(type);
    };
  }

  private Runnable partition(JsonObject a) {
    JsonElement g = a.get("groups");
    if (g == null || !g.isJsonArray()) {
      throw ApiException.badRequest(
          "field \"groups\" must be an array of arrays of node ids, such as"
              + " [[\"n1\",\"n2\"],[\"n3\",\"n4\",\"n5\"]]");
    }
    List<List<String>> parsed = new ArrayList<>();
    Set<String> seen = new LinkedHashSet<>();
    for (JsonElement group : g.getAsJsonArray()) {
      if (!group.isJsonArray() || group.getAsJsonArray().isEmpty()) {
        throw ApiException.badRequest("each group must be a non-empty array of node ids: " + group);
      }
      List<String> ids = new ArrayList<>();
      for (JsonElement id : group.getAsJsonArray()) {
        if (!id.isJsonPrimitive() || !id.getAsJsonPrimitive().isString()) {
          throw ApiException.badRequest("a node id must be a string, got " + id);
        }
        String name = knownNode(id.getAsString()).id;
        if (!seen.add(name)) {
          throw ApiException.badRequest(name + " is in two groups");
        }
        ids.add(name);
      }
      parsed.add(List.copyOf(ids));
    }
    List<String> rest = new ArrayList<>(IDS);
    rest.removeAll(seen);
    if (!rest.isEmpty()) {
      parsed.add(List.copyOf(rest));
    }
    List<List<String>> result = List.copyOf(parsed);
    return () -> {
      net.partitionInto(result);
      for (String key : linkState.keySet()) {
        if (linkState.get(key).equals("cut")) {
          String[] ends = key.split(">");
          net.cut(ends[0], ends[1]);
        }
      }
      groups = result.size() > 1 ? result : null;
      story.add(sim.now(), result.size() > 1 ? "partitioned into " + result : "partition removed");
    };
  }

  private Runnable link(JsonObject a, boolean drop) {
    Member from = node(a, "from");
    Member to = node(a, "to");
    if (from == to) {
      throw ApiException.badRequest(
          "a link joins two different nodes, not " + from.id + " to itself");
    }
    boolean both = Json.has(a, "both") && bool(a, "both");
    List<String[]> ends = new ArrayList<>();
    ends.add(new String[] {from.id, to.id});
    if (both) {
      ends.add(new String[] {to.id, from.id});
    }
    return () -> {
      for (String[] e : ends) {
        if (drop) {
          net.cut(e[0], e[1]);
          linkState.put(e[0] + ">" + e[1], "cut");
        } else {
          net.setLink(
              e[0], e[1], flights.tap(Links.reordering(SLOW_MIN_LATENCY, SLOW_MAX_LATENCY)));
          linkState.merge(e[0] + ">" + e[1], "slow", (old, slow) -> old);
        }
      }
      String arrow = both ? "<->" : "->";
      story.add(
          sim.now(),
          (drop ? "dropping every message on " : "delaying messages on ")
              + from.id
              + arrow
              + to.id);
    };
  }

  private Runnable propose(JsonObject a) {
    String command = Json.string(a, "command").strip();
    if (command.isEmpty() || command.length() > Commands.MAX_LENGTH) {
      throw ApiException.badRequest(
          "a command is 1 to " + Commands.MAX_LENGTH + " characters, got \"" + command + "\"");
    }
    String leader = leader();
    if (leader == null) {
      throw ApiException.conflict("no leader right now to take a proposal: wait for an election");
    }
    Member m = members.get(leader);
    if (m.node.leadTransferee() != null) {
      throw ApiException.conflict(
          leader
              + " takes no proposals while it hands leadership to "
              + m.node.leadTransferee()
              + "; wait for the new leader");
    }
    return () -> {
      long index = m.node.propose(Commands.bytes(command));
      story.add(sim.now(), "proposed \"" + command + "\" at " + leader + ": index " + index);
      m.drain();
    };
  }

  private Member leaderFor(String what) {
    String leader = leader();
    if (leader == null) {
      throw ApiException.conflict("no leader right now to " + what + ": wait for an election");
    }
    return members.get(leader);
  }

  private Runnable transfer(JsonObject a) {
    Member target = node(a, "node");
    Member leader = leaderFor("hand leadership over");
    if (target == leader) {
      throw ApiException.conflict(target.id + " already leads");
    }
    if (!leader.node.membership().voters().contains(target.id)) {
      throw ApiException.conflict(
          target.id
              + " is not a voter ("
              + describe(leader.node.membership())
              + "): only a voter can lead");
    }
    if (leader.node.leadTransferee() != null) {
      throw ApiException.conflict(
          leader.id + " is already handing leadership to " + leader.node.leadTransferee());
    }
    return () -> {
      leader.node.transferLeadership(target.id);
      story.add(sim.now(), leader.id + " hands leadership to " + target.id);
      leader.drain();
    };
  }

  private Runnable addMember(JsonObject a) {
    Member m = node(a, "node");
    Member leader = leaderFor("add a member");
    Membership now = leader.node.membership();
    if (now.members().contains(m.id)) {
      throw ApiException.conflict(m.id + " is already a member (" + describe(now) + ")");
    }
    refuseChange(leader);
    return change(
        leader,
        now.withLearner(m.id),
        () -> promoting.add(m.id),
        index ->
            leader.id
                + " adds "
                + m.id
                + " as a learner at index "
                + index
                + "; it becomes a voter once it has caught up");
  }

  private Runnable removeMember(JsonObject a) {
    Member m = node(a, "node");
    Member leader = leaderFor("remove a member");
    Membership now = leader.node.membership();
    if (!now.members().contains(m.id)) {
      throw ApiException.conflict(m.id + " is not a member (" + describe(now) + ")");
    }
    if (now.voters().equals(List.of(m.id))) {
      throw ApiException.conflict(m.id + " is the only voter: a group needs at least one");
    }
    refuseChange(leader);
    return change(
        leader,
        now.without(m.id),
        () -> promoting.remove(m.id),
        index ->
            leader.id
                + " removes "
                + m.id
                + " at index "
                + index
                + (m == leader ? "; it steps down once the change commits" : ""));
  }

  /**
   * Proposes {@code next} on the leader, then updates the lab's own records and tells the story.
   */
  private Runnable change(
      Member leader, Membership next, Runnable record, LongFunction<String> says) {
    return () -> {
      long index = leader.node.changeMembership(next);
      record.run();
      story.add(sim.now(), says.apply(index));
      leader.drain();
    };
  }

  private static void refuseChange(Member leader) {
    String why = changeRefusal(leader);
    if (why != null) {
      throw ApiException.conflict(why);
    }
  }

  private Member node(JsonObject a, String field) {
    return knownNode(Json.string(a, field));
  }

  private Member knownNode(String id) {
    Member m = members.get(id);
    if (m == null) {
      throw ApiException.badRequest("unknown node \"" + id + "\"; the nodes are " + IDS);
    }
    return m;
  }

  private static boolean bool(JsonObject a, String field) {
    JsonElement e = a.get(field);
    if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isBoolean()) {
      throw ApiException.badRequest("field \"" + field + "\" must be true or false, got " + e);
    }
    return e.getAsBoolean();
  }

  // ---- what the page draws -------------------------------------------------------------------

  @Override
  Map<String, Object> render() {
    Map<String, Object> s = new LinkedHashMap<>();
    List<Map<String, Object>> nodes = new ArrayList<>();
    for (Member m : members.values()) {
      nodes.add(renderNode(m));
    }
    s.put("nodes", nodes);
    String leader = leader();
    s.put("leader", leader);
    s.put("leaderTerm", leader == null ? null : members.get(leader).node.status().term());
    s.put("messages", renderMessages());
    s.put("lost", flights.lost());
    List<Map<String, String>> links = new ArrayList<>();
    linkState.forEach(
        (key, state) -> {
          String[] ends = key.split(">");
          links.add(Map.of("from", ends[0], "to", ends[1], "state", state));
        });
    s.put("links", links);
    s.put("groups", groups);
    Membership config = membership();
    Map<String, Object> ms = new LinkedHashMap<>();
    ms.put("voters", config.voters());
    ms.put("learners", config.learners());
    ms.put("outgoingVoters", config.outgoingVoters());
    ms.put("joint", config.isJoint());
    ms.put("promoting", List.copyOf(promoting));
    s.put("membership", ms);
    for (Map<String, Object> n : nodes) {
      n.put("member", memberRole(config, (String) n.get("id")));
    }
    s.put("committed", renderCommitted());
    s.put("safety", renderSafety());
    s.put("capabilities", ACTIONS);
    s.put(
        "config",
        Map.of(
            "tick", TICK,
            "electionTicks", ELECTION_TICKS,
            "heartbeatTicks", HEARTBEAT_TICKS,
            "latency", List.of(MIN_LATENCY, MAX_LATENCY),
            "slowLatency", List.of(SLOW_MIN_LATENCY, SLOW_MAX_LATENCY)));
    return s;
  }

  /** A node's place in a configuration: voter, learner, outgoing (joint only), or null. */
  static String memberRole(Membership config, String id) {
    if (config.voters().contains(id)) {
      return "voter";
    } else if (config.learners().contains(id)) {
      return "learner";
    } else if (config.outgoingVoters().contains(id)) {
      return "outgoing";
    }
    return null;
  }

  private Map<String, Object> renderNode(Member m) {
    Map<String, Object> n = new LinkedHashMap<>();
    HardState hs = m.storage.hardState();
    boolean up = m.up();
    n.put("id", m.id);
    n.put("up", up);
    if (up) {
      RaftStatus s = m.node.status();
      n.put("role", s.role().name());
      n.put("term", s.term());
      n.put("leader", s.leader());
      n.put("commit", s.commitIndex());
    } else {
      n.put("role", "DOWN");
      n.put("term", hs.term());
      n.put("commit", hs.commit());
    }
    n.put("vote", hs.votedFor());
    n.put("applied", m.applied.size());
    long last = m.storage.lastIndex();
    long first = Math.max(m.storage.firstIndex(), last - LOG_SHOWN + 1);
    n.put("lastIndex", last);
    List<Map<String, Object>> log = new ArrayList<>();
    if (last >= first) {
      for (LogEntry e : m.storage.entries(first, last + 1, Long.MAX_VALUE)) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("index", e.index());
        entry.put("term", e.term());
        entry.put("command", e.isEmpty() ? null : Commands.text(e.data()));
        if (e.kind() == LogEntry.Kind.MEMBERSHIP) {
          entry.put("membership", describe(Membership.decode(e.data())));
        }
        log.add(entry);
      }
    }
    n.put("log", log);
    return n;
  }

  private List<Map<String, Object>> renderMessages() {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Flights.Flight<RaftMessage> f : flights.inFlight()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("id", f.id());
      m.put("from", f.from());
      m.put("to", f.to());
      m.put("kind", kind(f.message()));
      m.put("term", f.message().term());
      m.put("text", f.message().toString());
      m.put("sent", f.sent());
      m.put("arrive", f.arrive());
      out.add(m);
    }
    return out;
  }

  private List<Map<String, Object>> renderCommitted() {
    List<Map<String, Object>> out = new ArrayList<>();
    for (LogEntry e : safety.appliedEntries()) {
      if (!e.isEmpty()) {
        out.add(Map.of("index", e.index(), "term", e.term(), "command", Commands.text(e.data())));
      }
    }
    return out.size() <= 12 ? out : out.subList(out.size() - 12, out.size());
  }

  private Map<String, Object> renderSafety() {
    List<Map<String, String>> props = new ArrayList<>();
    for (RaftSafety.Property p : RaftSafety.Property.values()) {
      props.add(Map.of("name", p.title, "meaning", p.meaning));
    }
    return Map.of("checks", safety.checks(), "properties", props);
  }

  /** The page's name for a message's kind, which picks its colour. */
  static String kind(RaftMessage m) {
    if (m instanceof RaftMessage.AppendEntries a) {
      return a.entries().isEmpty() ? "append" : "append-entries";
    } else if (m instanceof RaftMessage.AppendEntriesResponse r) {
      return r.success() ? "append-ok" : "append-reject";
    } else if (m instanceof RaftMessage.Heartbeat) {
      return "heartbeat";
    } else if (m instanceof RaftMessage.HeartbeatResponse) {
      return "heartbeat-ok";
    } else if (m instanceof RaftMessage.RequestVote v) {
      return v.preVote() ? "prevote" : "vote";
    } else if (m instanceof RaftMessage.RequestVoteResponse v) {
      return (v.preVote() ? "prevote-" : "vote-") + (v.granted() ? "granted" : "refused");
    } else if (m instanceof RaftMessage.TimeoutNow) {
      return "timeout-now";
    }
    // A kind the page draws in a neutral colour (snapshots, read index requests).
    return "other";
  }
}
