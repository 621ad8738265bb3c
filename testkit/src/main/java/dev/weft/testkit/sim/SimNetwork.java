package dev.weft.testkit.sim;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Simulated processes joined by directed message links, on a {@link Simulation}: a send asks the
 * link when the message arrives and schedules its delivery; a delivery calls the receiving
 * process's {@link Receiver} on the simulation's thread.
 *
 * {@snippet :
 * Simulation sim = new Simulation(seed);
 * SimNetwork<String> net = new SimNetwork<>(sim);
 * net.addProcess("a", (from, message) -> sim.record("a got " + message + " from " + from));
 * net.addProcess("b", (from, message) -> net.send("b", from, "pong"));
 * net.connect("a", "b", Links.fifo(1, 10));
 * net.connect("b", "a", Links.fifo(1, 10));
 * net.send("a", "b", "ping");
 * sim.runUntilIdle(1_000);
 * }
 *
 * <p><b>Faults.</b> Besides what each {@link Link} does to its messages (loss, duplication, delay,
 * reordering: see {@link Links#builder()}), the network models each failure class of a distributed
 * system:
 *
 * <ul>
 *   <li><b>Partitions</b>: {@link #partition(Collection)}, {@link #partitionInto(List)}, {@link
 *       #isolate(String)} and {@link #cut(String, String)} block links (a message is dropped if its
 *       link is blocked when it is sent or when it would arrive); {@link #heal()} unblocks them
 *       all.
 *   <li><b>Crash-stop</b>: {@link #stop(String)}: the process is down for good.
 *   <li><b>Crash-recovery</b>: {@link #crash(String)} then {@link #restart(String, Receiver)}:
 *       while down, nothing reaches it and nothing it sends leaves; the events it scheduled with
 *       {@link #schedule(String, long, String, Runnable)} (its timers) are cancelled, as volatile
 *       state is lost; the restarted process has a new receiver, built by the test from whatever
 *       the test modelled as durable.
 *   <li><b>Omission</b>: {@link #sendOmission(String, double)} and {@link #receiveOmission(String,
 *       double)} drop a fraction of what a process sends or receives.
 *   <li><b>Corruption</b>: {@link #corruption(double, Corrupter)} damages a fraction of the copies
 *       in transit, in a way the test describes.
 * </ul>
 *
 * <p><b>Record.</b> Every send, delivery and fault appears in the simulation's trace ({@code send
 * a->b: m}, {@code deliver a->b: m}, {@code drop a->b (partition): m}, {@code corrupt a->b: m =>
 * m'}, {@code crash b}, {@code partition [a, b] | [c]}, ...), with the message's {@code toString},
 * so a failing seed replays exactly and its trace shows why. Random draws for a fault happen only
 * when that fault is configured, so adding faults to one test does not change another's runs.
 *
 * <p>Processes and links are kept in the order they were added, so iterating over them is
 * deterministic. A receiver is looked up when the message arrives, not when it is sent.
 *
 * <p>Not thread-safe: use it from the simulation's thread only.
 *
 * @param <M> the type of messages
 */
public final class SimNetwork<M> {
  /**
   * A simulated process's inbox. Called on the simulation's thread, once per delivered copy of a
   * message; it may send messages and schedule events, and should not block.
   *
   * @param <M> the type of messages
   */
  @FunctionalInterface
  public interface Receiver<M> {
    /**
     * Handles a message that has just arrived.
     *
     * @param from the sending process
     * @param message the message
     */
    void receive(String from, M message);
  }

  /** Whether a process is running, crashed (may restart) or stopped (for good). */
  private enum Health {
    UP,
    CRASHED,
    STOPPED
  }

  /** A process: its receiver, health, timers and omission rates. */
  private final class Node {
    Receiver<M> receiver;
    Health health = Health.UP;
    final Set<ScheduledEvent> timers = new LinkedHashSet<>();
    final Map<String, LinkState> out = new LinkedHashMap<>();
    double sendOmission;
    double receiveOmission;

    Node(Receiver<M> receiver) {
      this.receiver = receiver;
    }
  }

  private final Simulation simulation;
  private final Map<String, Node> processes = new LinkedHashMap<>();
  private final Set<String> blocked = new HashSet<>();
  private double corruptionRate;
  private Corrupter<M> corrupter;
  private long sent;
  private long delivered;
  private long dropped;
  private long corrupted;
  private long inFlight;

  /**
   * Creates an empty network on {@code simulation}.
   *
   * @param simulation the scheduler that delivers messages
   */
  public SimNetwork(Simulation simulation) {
    this.simulation = Objects.requireNonNull(simulation, "simulation");
  }

  /**
   * Returns the simulation this network runs on.
   *
   * @return the simulation
   */
  public Simulation simulation() {
    return simulation;
  }

  /**
   * Adds a process, up.
   *
   * @param name its name, unique in this network
   * @param receiver what handles its messages
   * @throws IllegalArgumentException if a process of that name exists
   */
  public void addProcess(String name, Receiver<M> receiver) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(receiver, "receiver");
    if (processes.containsKey(name)) {
      throw new IllegalArgumentException("process " + name + " already exists");
    }
    processes.put(name, new Node(receiver));
  }

  /**
   * Replaces a process's receiver without a crash: messages in flight to it, and every later one,
   * go to the new receiver.
   *
   * @param name an existing process
   * @param receiver its new receiver
   * @throws IllegalArgumentException if there is no such process
   */
  public void replaceProcess(String name, Receiver<M> receiver) {
    Objects.requireNonNull(receiver, "receiver");
    process(name).receiver = receiver;
  }

  /**
   * Adds the directed link {@code from -> to}.
   *
   * @param from the sending process
   * @param to the receiving process
   * @param link its behaviour; one instance per directed link, since links may keep state
   * @throws IllegalArgumentException if either process is missing or the link exists
   */
  public void connect(String from, String to, Link link) {
    Objects.requireNonNull(link, "link");
    Node p = process(from);
    process(to);
    if (p.out.putIfAbsent(to, new LinkState(link)) != null) {
      throw new IllegalArgumentException("link " + from + "->" + to + " already exists");
    }
  }

  /**
   * Adds a link in each direction between every two distinct processes that are not yet linked.
   *
   * @param links makes one link per directed pair
   */
  public void connectAll(Supplier<Link> links) {
    for (String from : processes.keySet()) {
      for (String to : processes.keySet()) {
        if (!from.equals(to) && !processes.get(from).out.containsKey(to)) {
          connect(from, to, links.get());
        }
      }
    }
  }

  /**
   * Changes the behaviour of an existing link from now on (messages already in flight keep their
   * delivery times).
   *
   * @param from the sending process
   * @param to the receiving process
   * @param link the new behaviour
   * @throws IllegalArgumentException if there is no such link
   */
  public void setLink(String from, String to, Link link) {
    Objects.requireNonNull(link, "link");
    link(from, to).link = link;
  }

  /**
   * Sends {@code message} on the link {@code from -> to}: asks the link when copies arrive and
   * schedules their deliveries. Returns at once; nothing is delivered during this call, even at
   * latency zero. The message is dropped (and the drop recorded) if {@code from} is down, the link
   * is blocked, or {@code from}'s send omission strikes.
   *
   * @param from the sending process
   * @param to the receiving process
   * @param message the message
   * @throws IllegalArgumentException if there is no such link
   */
  public void send(String from, String to, M message) {
    Objects.requireNonNull(message, "message");
    LinkState state = link(from, to);
    Node sender = processes.get(from);
    String what = from + "->" + to + ": " + message;
    if (sender.health != Health.UP) {
      drop("drop " + from + "->" + to + " (" + from + " is down): " + message);
      return;
    }
    simulation.record("send " + what);
    sent++;
    if (blocked.contains(key(from, to))) {
      drop("drop " + from + "->" + to + " (partition): " + message);
      return;
    }
    if (strikes(sender.sendOmission)) {
      drop("drop " + from + "->" + to + " (send omission): " + message);
      return;
    }
    long now = simulation.now();
    long[] times = state.link.deliveries(now, simulation.random());
    if (times.length == 0) {
      drop("drop " + from + "->" + to + " (lost by the link): " + message);
    }
    for (long at : times) {
      if (at < now) {
        throw new IllegalStateException(state.link + " delivers in the past: " + at + " < " + now);
      }
      M copy = message;
      String label = "deliver " + what;
      if (strikes(corruptionRate)) {
        copy = corrupter.corrupt(message, simulation.random());
        corrupted++;
        if (copy == null) {
          drop("drop " + from + "->" + to + " (corruption detected): " + message);
          continue;
        }
        simulation.record("corrupt " + what + " => " + copy);
        label = "deliver " + from + "->" + to + ": " + copy;
      }
      M delivery = copy;
      state.inFlight++;
      inFlight++;
      simulation.scheduleAt(
          at,
          label,
          () -> {
            state.inFlight--;
            inFlight--;
            deliver(from, to, delivery);
          });
    }
  }

  private void deliver(String from, String to, M message) {
    Node receiver = processes.get(to);
    if (receiver.health != Health.UP) {
      drop("drop " + from + "->" + to + " (" + to + " is down): " + message);
      return;
    }
    if (blocked.contains(key(from, to))) {
      drop("drop " + from + "->" + to + " (partition): " + message);
      return;
    }
    if (strikes(receiver.receiveOmission)) {
      drop("drop " + from + "->" + to + " (receive omission): " + message);
      return;
    }
    delivered++;
    receiver.receiver.receive(from, message);
  }

  // ---- timers owned by processes ------------------------------------------------------------

  /**
   * Schedules an event owned by {@code process}, such as one of its timers: a crash of the process
   * cancels it, since a crashed process loses its volatile state.
   *
   * @param process a process that is up
   * @param delay how far ahead, zero or more
   * @param label what the trace says when the event runs
   * @param action what to run
   * @return a handle that can cancel the event
   * @throws IllegalArgumentException if there is no such process or {@code delay} is negative
   * @throws IllegalStateException if the process is down
   */
  public ScheduledEvent schedule(String process, long delay, String label, Runnable action) {
    Objects.requireNonNull(action, "action");
    Node p = process(process);
    if (p.health != Health.UP) {
      throw new IllegalStateException(process + " is down");
    }
    ScheduledEvent[] self = new ScheduledEvent[1];
    self[0] =
        simulation.schedule(
            delay,
            label,
            () -> {
              p.timers.remove(self[0]);
              action.run();
            });
    p.timers.add(self[0]);
    return self[0];
  }

  // ---- crashes ----------------------------------------------------------------------------

  /**
   * Crashes a process that may later {@link #restart}: from now on nothing reaches it (messages in
   * flight to it are dropped when they arrive), nothing it sends leaves, and its pending events
   * from {@link #schedule(String, long, String, Runnable)} are cancelled.
   *
   * @param process a process that is up
   * @throws IllegalArgumentException if there is no such process
   * @throws IllegalStateException if it is already down
   */
  public void crash(String process) {
    down(process, Health.CRASHED, "crash ");
  }

  /**
   * Stops a process for good (crash-stop): as {@link #crash}, but it can never restart.
   *
   * @param process a process that is up, or crashed
   * @throws IllegalArgumentException if there is no such process
   * @throws IllegalStateException if it is already stopped
   */
  public void stop(String process) {
    Node p = process(process);
    if (p.health == Health.CRASHED) {
      p.health = Health.STOPPED;
      simulation.record("stop " + process);
      return;
    }
    down(process, Health.STOPPED, "stop ");
  }

  private void down(String process, Health health, String what) {
    Node p = process(process);
    if (p.health != Health.UP) {
      throw new IllegalStateException(process + " is already down");
    }
    p.health = health;
    for (ScheduledEvent e : p.timers) {
      e.cancel();
    }
    p.timers.clear();
    simulation.record(what + process);
  }

  /**
   * Restarts a crashed process with a new receiver (crash-recovery); the test builds it from the
   * state it modelled as durable. Messages still in flight to it arrive if they are due after this.
   *
   * @param process a crashed process
   * @param receiver its new receiver
   * @throws IllegalArgumentException if there is no such process
   * @throws IllegalStateException if it is up, or stopped for good
   */
  public void restart(String process, Receiver<M> receiver) {
    Objects.requireNonNull(receiver, "receiver");
    Node p = process(process);
    if (p.health != Health.CRASHED) {
      throw new IllegalStateException(process + " is " + p.health + ", not crashed");
    }
    p.health = Health.UP;
    p.receiver = receiver;
    simulation.record("restart " + process);
  }

  /**
   * Tells whether a process is up.
   *
   * @param process a process
   * @return false if it is crashed or stopped
   * @throws IllegalArgumentException if there is no such process
   */
  public boolean isUp(String process) {
    return process(process).health == Health.UP;
  }

  /**
   * Tells whether a process was stopped for good.
   *
   * @param process a process
   * @return true after {@link #stop}
   * @throws IllegalArgumentException if there is no such process
   */
  public boolean isStopped(String process) {
    return process(process).health == Health.STOPPED;
  }

  // ---- partitions -------------------------------------------------------------------------

  /**
   * Blocks every link between {@code side} and the other processes, both ways; links within {@code
   * side}, and within the rest, are not changed.
   *
   * @param side some of the processes
   * @throws IllegalArgumentException if one of them does not exist
   */
  public void partition(Collection<String> side) {
    Set<String> in = new LinkedHashSet<>(side);
    for (String p : in) {
      process(p);
    }
    List<String> rest = new ArrayList<>(processes.keySet());
    rest.removeAll(in);
    for (String a : in) {
      for (String b : rest) {
        blocked.add(key(a, b));
        blocked.add(key(b, a));
      }
    }
    simulation.record("partition " + in + " | " + rest);
  }

  /**
   * Splits the processes into groups that cannot reach each other; processes named in no group form
   * one more group together. Replaces every block set before.
   *
   * @param groups disjoint groups of processes
   * @throws IllegalArgumentException if a process does not exist or is in two groups
   */
  public void partitionInto(List<? extends Collection<String>> groups) {
    Map<String, Integer> groupOf = new LinkedHashMap<>();
    for (int g = 0; g < groups.size(); g++) {
      for (String p : groups.get(g)) {
        process(p);
        if (groupOf.put(p, g) != null) {
          throw new IllegalArgumentException(p + " is in two groups");
        }
      }
    }
    blocked.clear();
    for (String a : processes.keySet()) {
      for (String b : processes.keySet()) {
        if (!groupOf.getOrDefault(a, -1).equals(groupOf.getOrDefault(b, -1))) {
          blocked.add(key(a, b));
        }
      }
    }
    simulation.record("partition into " + groups);
  }

  /**
   * Cuts a process off from every other, both ways.
   *
   * @param process the process
   * @throws IllegalArgumentException if it does not exist
   */
  public void isolate(String process) {
    partition(List.of(process));
  }

  /**
   * Blocks the one directed link {@code from -> to} (an asymmetric partition).
   *
   * @param from the sending process
   * @param to the receiving process
   * @throws IllegalArgumentException if either does not exist
   */
  public void cut(String from, String to) {
    process(from);
    process(to);
    blocked.add(key(from, to));
    simulation.record("cut " + from + "->" + to);
  }

  /**
   * Unblocks one process's links, both ways.
   *
   * @param process the process
   * @throws IllegalArgumentException if it does not exist
   */
  public void reconnect(String process) {
    process(process);
    for (String other : processes.keySet()) {
      blocked.remove(key(process, other));
      blocked.remove(key(other, process));
    }
    simulation.record("reconnect " + process);
  }

  /** Unblocks every link; crashes and omissions stay as they are. */
  public void heal() {
    blocked.clear();
    simulation.record("heal");
  }

  /**
   * Tells whether a message sent now from {@code from} to {@code to} would be blocked by a
   * partition.
   *
   * @param from the sending process
   * @param to the receiving process
   * @return true if the link is blocked
   */
  public boolean isBlocked(String from, String to) {
    return blocked.contains(key(from, to));
  }

  // ---- omission and corruption ------------------------------------------------------------

  /**
   * Sets the fraction of {@code process}'s sends that are dropped (send omission).
   *
   * @param process the process
   * @param rate a probability in {@code [0, 1]}; 0 turns it off
   * @throws IllegalArgumentException if there is no such process or {@code rate} is not a
   *     probability
   */
  public void sendOmission(String process, double rate) {
    process(process).sendOmission = probability(rate);
    simulation.record("send omission " + process + " " + rate);
  }

  /**
   * Sets the fraction of the copies arriving at {@code process} that are dropped (receive
   * omission).
   *
   * @param process the process
   * @param rate a probability in {@code [0, 1]}; 0 turns it off
   * @throws IllegalArgumentException if there is no such process or {@code rate} is not a
   *     probability
   */
  public void receiveOmission(String process, double rate) {
    process(process).receiveOmission = probability(rate);
    simulation.record("receive omission " + process + " " + rate);
  }

  /**
   * Corrupts a fraction of the copies sent from now on, on every link.
   *
   * @param rate a probability in {@code [0, 1]}; 0 turns it off
   * @param corrupter what corruption does to a message
   * @throws IllegalArgumentException if {@code rate} is not a probability
   */
  public void corruption(double rate, Corrupter<M> corrupter) {
    Objects.requireNonNull(corrupter, "corrupter");
    this.corruptionRate = probability(rate);
    this.corrupter = corrupter;
    simulation.record("corruption " + rate);
  }

  // ---- topology and counts ----------------------------------------------------------------

  /**
   * Returns the processes, in the order they were added, whether up or down.
   *
   * @return an unmodifiable view
   */
  public Set<String> processes() {
    return Collections.unmodifiableSet(processes.keySet());
  }

  /**
   * Returns the processes that {@code process} has links to, in the order the links were added.
   *
   * @param process an existing process
   * @return an unmodifiable view
   * @throws IllegalArgumentException if there is no such process
   */
  public Set<String> outgoing(String process) {
    return Collections.unmodifiableSet(process(process).out.keySet());
  }

  /**
   * Returns the processes that have links to {@code process}, in the order processes were added.
   *
   * @param process an existing process
   * @return a new set
   * @throws IllegalArgumentException if there is no such process
   */
  public Set<String> incoming(String process) {
    process(process);
    Set<String> senders = new LinkedHashSet<>();
    for (Map.Entry<String, Node> e : processes.entrySet()) {
      if (e.getValue().out.containsKey(process)) {
        senders.add(e.getKey());
      }
    }
    return senders;
  }

  /**
   * Returns how many message copies are scheduled on {@code from -> to} and not yet delivered (or
   * dropped on arrival).
   *
   * @param from the sending process
   * @param to the receiving process
   * @return the number in flight on that link
   * @throws IllegalArgumentException if there is no such link
   */
  public long inFlight(String from, String to) {
    return link(from, to).inFlight;
  }

  /**
   * Returns how many message copies are in flight on all links.
   *
   * @return the number scheduled and not yet delivered
   */
  public long inFlight() {
    return inFlight;
  }

  /**
   * Returns how many messages have been sent by processes that were up.
   *
   * @return the number of {@link #send} calls that left their sender
   */
  public long sent() {
    return sent;
  }

  /**
   * Returns how many message copies have been delivered to a receiver.
   *
   * @return the number of deliveries run
   */
  public long delivered() {
    return delivered;
  }

  /**
   * Returns how many messages or copies were dropped, for any reason (partition, crash, omission,
   * loss, detected corruption).
   *
   * @return the count
   */
  public long dropped() {
    return dropped;
  }

  /**
   * Returns how many copies were corrupted (delivered damaged or dropped as detected).
   *
   * @return the count
   */
  public long corrupted() {
    return corrupted;
  }

  private void drop(String what) {
    dropped++;
    simulation.record(what);
  }

  private boolean strikes(double rate) {
    return rate > 0 && simulation.random().nextDouble() < rate;
  }

  private static double probability(double rate) {
    if (!(rate >= 0 && rate <= 1)) {
      throw new IllegalArgumentException("not a probability: " + rate);
    }
    return rate;
  }

  private static String key(String from, String to) {
    return from + "\u0000" + to;
  }

  private Node process(String name) {
    Objects.requireNonNull(name, "process");
    Node p = processes.get(name);
    if (p == null) {
      throw new IllegalArgumentException("no process " + name);
    }
    return p;
  }

  private LinkState link(String from, String to) {
    Node p = process(from);
    process(to);
    LinkState state = p.out.get(to);
    if (state == null) {
      throw new IllegalArgumentException("no link " + from + "->" + to);
    }
    return state;
  }

  /** A link and its count of messages in flight. */
  private static final class LinkState {
    Link link;
    long inFlight;

    LinkState(Link link) {
      this.link = link;
    }
  }
}
