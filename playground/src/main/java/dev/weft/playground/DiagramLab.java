package dev.weft.playground;

import com.google.gson.JsonObject;
import dev.weft.clocks.Causality;
import dev.weft.clocks.LamportClock;
import dev.weft.clocks.VectorClock;
import dev.weft.snapshot.ChannelId;
import dev.weft.snapshot.GlobalSnapshot;
import dev.weft.snapshot.LocalSnapshot;
import dev.weft.snapshot.SnapshotCollector;
import dev.weft.snapshot.SnapshotNode;
import dev.weft.testkit.sim.Links;
import dev.weft.testkit.sim.SimNetwork;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The space-time diagram behind the Clocks and Snapshot views: a few processes on reliable FIFO
 * links pass tokens to each other and do local work at random moments until a horizon; every event
 * is stamped by the process's {@link LamportClock} and {@link VectorClock}. In the Snapshot view
 * each process also runs a {@link SnapshotNode}: the page starts Chandy-Lamport snapshots, whose
 * markers travel on the same links, and a {@link SnapshotCollector} assembles the cut, which {@link
 * CutCheck} then checks against the true history.
 */
final class DiagramLab extends Lab {
  /** Which view this is. */
  enum Mode {
    CLOCKS(List.of("A", "B", "C"), 600, 50, 130, 25, 70, List.of("local", "send")),
    SNAPSHOT(List.of("A", "B", "C", "D"), 900, 50, 140, 25, 80, List.of("snapshot", "send"));

    final List<String> processes;
    final long horizon;
    final long minGap;
    final long maxGap;
    final long minLatency;
    final long maxLatency;
    final List<String> actions;

    Mode(
        List<String> processes,
        long horizon,
        long minGap,
        long maxGap,
        long minLatency,
        long maxLatency,
        List<String> actions) {
      this.processes = processes;
      this.horizon = horizon;
      this.minGap = minGap;
      this.maxGap = maxGap;
      this.minLatency = minLatency;
      this.maxLatency = maxLatency;
      this.actions = actions;
    }
  }

  static final int TOKENS_EACH = 10;
  private static final double LOCAL_SHARE = 0.3;

  /** What travels on a link. */
  sealed interface Envelope permits Transfer, Marker {}

  /** Tokens moving from one process to another, with the sender's clocks at the send. */
  record Transfer(long id, int amount, long lamport, VectorClock vector) implements Envelope {
    @Override
    public String toString() {
      return "m" + id + "(" + amount + ")";
    }
  }

  /** A Chandy-Lamport marker. */
  record Marker(long id, long snapshot) implements Envelope {
    @Override
    public String toString() {
      return "marker" + snapshot;
    }
  }

  /** One event on a process's line. */
  record Event(
      String id,
      String process,
      String kind,
      long time,
      long lamport,
      VectorClock vector,
      long message,
      String peer,
      long snapshot) {}

  /** A message drawn between two lines; {@code receiveEvent} is null while it flies. */
  static final class Drawn {
    final long id;
    final String kind;
    final String from;
    final String to;
    final String sendEvent;
    final long sent;
    final long arrive;
    final int amount;
    final long snapshot;
    String receiveEvent;
    int sendAt;
    int receiveAt;

    Drawn(
        long id,
        String kind,
        String from,
        String to,
        String sendEvent,
        long sent,
        long arrive,
        int amount,
        long snapshot) {
      this.id = id;
      this.kind = kind;
      this.from = from;
      this.to = to;
      this.sendEvent = sendEvent;
      this.sent = sent;
      this.arrive = arrive;
      this.amount = amount;
      this.snapshot = snapshot;
    }
  }

  /** A process: its tokens, clocks and snapshot core. */
  final class Proc {
    final String name;
    final String prefix;
    final LamportClock lamport = new LamportClock();
    VectorClock vector = VectorClock.empty();
    int tokens = TOKENS_EACH;
    int appEvents;
    SnapshotNode<Integer, Transfer> snapshots;

    Proc(String name) {
      this.name = name;
      this.prefix = name.toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** A snapshot's progress and, once complete, its verdict. */
  static final class Snap {
    final long id;
    final String initiator;
    final long started;
    final Map<String, CutCheck.Point> cut = new LinkedHashMap<>();
    final Map<String, String> recordEvent = new LinkedHashMap<>();
    GlobalSnapshot<Integer, Transfer> global;
    List<CutCheck.Result> checks;

    Snap(long id, String initiator, long started) {
      this.id = id;
      this.initiator = initiator;
      this.started = started;
    }
  }

  final Mode mode;
  private final SimNetwork<Envelope> net;
  private final Flights<Envelope> flights = new Flights<>();
  private final Map<String, Proc> procs = new LinkedHashMap<>();
  private final List<Event> events = new ArrayList<>();
  private final Map<String, Event> eventById = new LinkedHashMap<>();
  private final Map<Long, Drawn> drawn = new LinkedHashMap<>();
  private final Map<Long, Snap> snaps = new LinkedHashMap<>();
  private final SnapshotCollector<Integer, Transfer> collector;
  private long messageSeq;
  private long recording = -1;

  DiagramLab(Mode mode, long seed) {
    super(mode.name().toLowerCase(java.util.Locale.ROOT), seed);
    this.mode = mode;
    this.net = new SimNetwork<>(sim);
    this.collector = new SnapshotCollector<>(mode.processes);
    for (String name : mode.processes) {
      Proc p = new Proc(name);
      procs.put(name, p);
      net.addProcess(name, (from, e) -> receive(p, from, e));
    }
    net.connectAll(() -> flights.tap(Links.fifo(mode.minLatency, mode.maxLatency)));
    for (Proc p : procs.values()) {
      if (mode == Mode.SNAPSHOT) {
        List<String> others = others(p);
        p.snapshots =
            new SnapshotNode<>(
                p.name,
                others,
                others,
                () -> recordState(p),
                (to, id) -> sendMarker(p, to, id),
                this::localSnapshot);
      }
      scheduleWork(p);
    }
  }

  private List<String> others(Proc p) {
    List<String> others = new ArrayList<>(mode.processes);
    others.remove(p.name);
    return others;
  }

  // ---- the workload ---------------------------------------------------------------------------

  private void scheduleWork(Proc p) {
    long gap = mode.minGap + sim.random().nextLong(mode.maxGap - mode.minGap + 1);
    if (sim.now() + gap <= mode.horizon) {
      net.schedule(p.name, gap, "work " + p.name, () -> work(p));
    }
  }

  private void work(Proc p) {
    if (p.tokens == 0 || sim.random().nextDouble() < LOCAL_SHARE) {
      local(p);
    } else {
      List<String> others = others(p);
      String to = others.get(sim.random().nextInt(others.size()));
      send(p, to, 1 + sim.random().nextInt(Math.min(3, p.tokens)));
    }
    scheduleWork(p);
  }

  private void local(Proc p) {
    long t = p.lamport.tick();
    p.vector = p.vector.increment(p.name);
    addEvent(p, "local", t, -1, null);
  }

  private void send(Proc p, String to, int amount) {
    long t = p.lamport.send();
    p.vector = p.vector.increment(p.name);
    p.tokens -= amount;
    Transfer m = new Transfer(++messageSeq, amount, t, p.vector);
    Event e = addEvent(p, "send", t, m.id(), to);
    net.send(p.name, to, m);
    Drawn d = track(m.id(), "app", p.name, to, e.id(), m, amount, 0);
    d.sendAt = p.appEvents;
  }

  private void receive(Proc q, String from, Envelope envelope) {
    flights.delivered(from, envelope);
    if (envelope instanceof Transfer m) {
      if (q.snapshots != null) {
        q.snapshots.onMessage(from, m); // before the state changes, as the core requires
      }
      long t = q.lamport.receive(m.lamport());
      q.vector = q.vector.merge(m.vector()).increment(q.name);
      q.tokens += m.amount();
      Event e = addEvent(q, "receive", t, m.id(), from);
      Drawn d = drawn.get(m.id());
      d.receiveEvent = e.id();
      d.receiveAt = q.appEvents;
    } else if (envelope instanceof Marker k) {
      Event e = addMarkerEvent(q, from, k);
      drawn.get(k.id()).receiveEvent = e.id();
      recording = k.snapshot();
      try {
        q.snapshots.onMarker(from, k.snapshot());
      } finally {
        recording = -1;
      }
    }
  }

  private Event addEvent(Proc p, String kind, long lamport, long message, String peer) {
    p.appEvents++;
    Event e =
        new Event(
            p.prefix + p.appEvents, p.name, kind, sim.now(), lamport, p.vector, message, peer, 0);
    events.add(e);
    eventById.put(e.id(), e);
    return e;
  }

  private Event addMarkerEvent(Proc q, String from, Marker k) {
    Event e =
        new Event(
            "k" + k.snapshot() + "-" + from.toLowerCase(java.util.Locale.ROOT) + q.prefix,
            q.name,
            "marker",
            sim.now(),
            q.lamport.time(),
            q.vector,
            k.id(),
            from,
            k.snapshot());
    events.add(e);
    eventById.put(e.id(), e);
    return e;
  }

  private Drawn track(
      long id,
      String kind,
      String from,
      String to,
      String sendEvent,
      Envelope m,
      int amount,
      long snap) {
    List<Flights.Flight<Envelope>> f = flights.sent(from, to, m, sim.now());
    long arrive = f.isEmpty() ? sim.now() : f.get(0).arrive();
    Drawn d = new Drawn(id, kind, from, to, sendEvent, sim.now(), arrive, amount, snap);
    drawn.put(id, d);
    return d;
  }

  // ---- snapshots ----------------------------------------------------------------------------

  private Integer recordState(Proc p) {
    Snap s = snaps.get(recording);
    Event e =
        new Event(
            "r" + recording + "-" + p.prefix,
            p.name,
            "record",
            sim.now(),
            p.lamport.time(),
            p.vector,
            -1,
            null,
            recording);
    events.add(e);
    eventById.put(e.id(), e);
    s.cut.put(p.name, new CutCheck.Point(p.appEvents, p.vector, p.tokens));
    s.recordEvent.put(p.name, e.id());
    return p.tokens;
  }

  private void sendMarker(Proc p, String to, long snapshot) {
    Marker k = new Marker(++messageSeq, snapshot);
    net.send(p.name, to, k);
    track(
        k.id(), "marker", p.name, to, snaps.get(snapshot).recordEvent.get(p.name), k, 0, snapshot);
  }

  private void localSnapshot(LocalSnapshot<Integer, Transfer> local) {
    collector.add(local);
    Optional<GlobalSnapshot<Integer, Transfer>> done = collector.complete(local.snapshotId());
    if (done.isPresent()) {
      Snap s = snaps.get(local.snapshotId());
      s.global = done.get();
      collector.remove(local.snapshotId());
      s.checks = check(s);
      long failed = s.checks.stream().filter(r -> !r.ok()).count();
      story.add(
          sim.now(),
          "snapshot "
              + s.id
              + " complete: "
              + (failed == 0 ? "the cut is consistent" : failed + " check(s) FAILED"));
    }
  }

  /** Checks a completed snapshot: the states and channels the cores recorded, and the cut. */
  private List<CutCheck.Result> check(Snap s) {
    Map<String, CutCheck.Point> cut = new LinkedHashMap<>();
    for (String p : mode.processes) {
      CutCheck.Point at = s.cut.get(p);
      cut.put(p, new CutCheck.Point(at.eventsBefore(), at.vector(), s.global.states().get(p)));
    }
    List<CutCheck.Recorded> channels = new ArrayList<>();
    for (String from : mode.processes) {
      for (String to : mode.processes) {
        if (from.equals(to)) {
          continue;
        }
        List<Long> ids = new ArrayList<>();
        int tokens = 0;
        for (Transfer t : s.global.channel(from, to)) {
          ids.add(t.id());
          tokens += t.amount();
        }
        channels.add(new CutCheck.Recorded(from, to, ids, tokens));
      }
    }
    List<CutCheck.Transfer> history = new ArrayList<>();
    for (Drawn d : drawn.values()) {
      if (d.kind.equals("app")) {
        history.add(new CutCheck.Transfer(d.id, d.from, d.to, d.amount, d.sendAt, d.receiveAt));
      }
    }
    return CutCheck.check(
        mode.processes, cut, channels, history, TOKENS_EACH * mode.processes.size());
  }

  // ---- actions ------------------------------------------------------------------------------

  @Override
  Runnable prepare(JsonObject a) {
    String type = Json.oneOf("action", Json.string(a, "type"), mode.actions);
    return switch (type) {
      case "local" -> {
        Proc p = proc(a, "process");
        yield () -> local(p);
      }
      case "send" -> {
        Proc p = proc(a, "from");
        Proc q = proc(a, "to");
        if (p == q) {
          throw ApiException.badRequest("a process does not send to itself: " + p.name);
        }
        if (p.tokens == 0) {
          throw ApiException.conflict(p.name + " has no tokens to send");
        }
        yield () -> send(p, q.name, 1);
      }
      case "snapshot" -> {
        Proc p = proc(a, "process");
        yield () -> {
          long id = snaps.size() + 1;
          snaps.put(id, new Snap(id, p.name, sim.now()));
          story.add(sim.now(), p.name + " starts snapshot " + id);
          recording = id;
          try {
            p.snapshots.startSnapshot(id);
          } finally {
            recording = -1;
          }
        };
      }
      default -> throw new IllegalStateException(type);
    };
  }

  private Proc proc(JsonObject a, String field) {
    String name = Json.string(a, field);
    Proc p = procs.get(name);
    if (p == null) {
      throw ApiException.badRequest(
          "unknown process \"" + name + "\"; the processes are " + mode.processes);
    }
    return p;
  }

  // ---- checks and causality -----------------------------------------------------------------

  @Override
  void afterChange() {
    flights.expire(sim.nextEventTime());
  }

  @Override
  void check() {
    // Lamport's clock condition (CACM 1978): a receive's time exceeds its send's. The vector
    // clocks' agreement with the true causal order is what the tests check, over the whole run.
    for (Drawn d : drawn.values()) {
      if (d.kind.equals("app") && d.receiveEvent != null) {
        Event s = eventById.get(d.sendEvent);
        Event r = eventById.get(d.receiveEvent);
        if (r.lamport() <= s.lamport() || !s.vector().happenedBefore(r.vector())) {
          throw new Violation(
              "Clock condition", "send " + s.id() + " is not before its receive " + r.id());
        }
      }
    }
    for (Snap s : snaps.values()) {
      if (s.checks != null) {
        for (CutCheck.Result r : s.checks) {
          if (!r.ok()) {
            throw new Violation(r.name(), "snapshot " + s.id + ": " + r.detail());
          }
        }
      }
    }
  }

  /**
   * Splits the other application events by their causal relation to {@code eventId}, using the
   * vector clocks' {@link VectorClock#compare}.
   */
  Map<String, Object> causality(String eventId) {
    Event e = eventById.get(eventId);
    if (e == null || !isApp(e)) {
      throw ApiException.notFound("no event \"" + eventId + "\" in this run");
    }
    List<String> past = new ArrayList<>();
    List<String> future = new ArrayList<>();
    List<String> concurrent = new ArrayList<>();
    for (Event o : events) {
      if (o == e || !isApp(o)) {
        continue;
      }
      Causality c = o.vector().compare(e.vector());
      switch (c) {
        case BEFORE -> past.add(o.id());
        case AFTER -> future.add(o.id());
        case CONCURRENT -> concurrent.add(o.id());
        case EQUAL -> throw new IllegalStateException(o.id() + " and " + e.id() + " are equal");
      }
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("event", e.id());
    out.put("past", past);
    out.put("future", future);
    out.put("concurrent", concurrent);
    return out;
  }

  private static boolean isApp(Event e) {
    return e.kind().equals("local") || e.kind().equals("send") || e.kind().equals("receive");
  }

  List<Event> events() {
    return List.copyOf(events);
  }

  // ---- what the page draws --------------------------------------------------------------------

  @Override
  Map<String, Object> render() {
    Map<String, Object> s = new LinkedHashMap<>();
    List<Map<String, Object>> processes = new ArrayList<>();
    for (Proc p : procs.values()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", p.name);
      m.put("tokens", p.tokens);
      m.put("lamport", p.lamport.time());
      m.put("vector", counts(p.vector));
      processes.add(m);
    }
    s.put("processes", processes);
    List<Map<String, Object>> es = new ArrayList<>();
    for (Event e : events) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("id", e.id());
      m.put("process", e.process());
      m.put("kind", e.kind());
      m.put("time", e.time());
      if (isApp(e)) {
        m.put("lamport", e.lamport());
        m.put("vector", counts(e.vector()));
      }
      if (e.peer() != null) {
        m.put("peer", e.peer());
      }
      if (e.snapshot() > 0) {
        m.put("snapshot", e.snapshot());
      }
      es.add(m);
    }
    s.put("events", es);
    List<Map<String, Object>> ms = new ArrayList<>();
    for (Drawn d : drawn.values()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("id", d.id);
      m.put("kind", d.kind);
      m.put("from", d.from);
      m.put("to", d.to);
      m.put("sendEvent", d.sendEvent);
      m.put("receiveEvent", d.receiveEvent);
      m.put("sent", d.sent);
      m.put("arrive", d.arrive);
      m.put("amount", d.amount);
      m.put("snapshot", d.snapshot);
      ms.add(m);
    }
    s.put("messages", ms);
    s.put("snapshots", renderSnapshots());
    s.put("horizon", mode.horizon);
    s.put("totalTokens", TOKENS_EACH * mode.processes.size());
    s.put("capabilities", mode.actions);
    s.put("latency", List.of(mode.minLatency, mode.maxLatency));
    return s;
  }

  private List<Long> counts(VectorClock v) {
    List<Long> out = new ArrayList<>();
    for (String p : mode.processes) {
      out.add(v.get(p));
    }
    return out;
  }

  private List<Map<String, Object>> renderSnapshots() {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Snap s : snaps.values()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("id", s.id);
      m.put("initiator", s.initiator);
      m.put("started", s.started);
      m.put("complete", s.global != null);
      m.put("recordEvents", s.recordEvent);
      Map<String, Integer> states = new LinkedHashMap<>();
      if (s.global != null) {
        states.putAll(s.global.states());
      }
      m.put("states", states);
      m.put("recorded", List.copyOf(s.cut.keySet()));
      if (s.global != null) {
        List<Map<String, Object>> channels = new ArrayList<>();
        for (Map.Entry<ChannelId, List<Transfer>> c : s.global.channels().entrySet()) {
          if (c.getValue().isEmpty()) {
            continue;
          }
          List<String> ms = new ArrayList<>();
          List<Long> ids = new ArrayList<>();
          for (Transfer t : c.getValue()) {
            ms.add(t.toString());
            ids.add(t.id());
          }
          channels.add(
              Map.of("from", c.getKey().from(), "to", c.getKey().to(), "messages", ms, "ids", ids));
        }
        m.put("channels", channels);
        m.put("checks", s.checks);
      }
      out.add(m);
    }
    return out;
  }
}
