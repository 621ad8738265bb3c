package dev.weft.testkit.sim;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

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
 * <p>Processes and links are kept in the order they were added, so iterating over them is
 * deterministic. Every send and every delivery appears in the simulation's trace ({@code send a->b:
 * m}, {@code deliver a->b: m}), with the message's {@code toString}.
 *
 * <p>A receiver is looked up when the message arrives, not when it is sent, so {@link
 * #replaceProcess} models a process that restarts with fresh state while messages are in flight.
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

  private final Simulation simulation;
  private final Map<String, Receiver<M>> processes = new LinkedHashMap<>();
  private final Map<String, Map<String, LinkState>> links = new LinkedHashMap<>();
  private long sent;
  private long delivered;
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
   * Adds a process.
   *
   * @param name its name, unique in this network
   * @param receiver what handles its messages
   * @throws IllegalArgumentException if a process of that name exists
   */
  public void addProcess(String name, Receiver<M> receiver) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(receiver, "receiver");
    if (processes.putIfAbsent(name, receiver) != null) {
      throw new IllegalArgumentException("process " + name + " already exists");
    }
    links.put(name, new LinkedHashMap<>());
  }

  /**
   * Replaces a process's receiver, as when it restarts: messages in flight to it, and every later
   * one, go to the new receiver.
   *
   * @param name an existing process
   * @param receiver its new receiver
   * @throws IllegalArgumentException if there is no such process
   */
  public void replaceProcess(String name, Receiver<M> receiver) {
    Objects.requireNonNull(receiver, "receiver");
    requireProcess(name);
    processes.put(name, receiver);
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
    requireProcess(from);
    requireProcess(to);
    if (links.get(from).putIfAbsent(to, new LinkState(link)) != null) {
      throw new IllegalArgumentException("link " + from + "->" + to + " already exists");
    }
  }

  /**
   * Sends {@code message} on the link {@code from -> to}: asks the link when copies arrive and
   * schedules their deliveries. Returns at once; nothing is delivered during this call, even at
   * latency zero.
   *
   * @param from the sending process
   * @param to the receiving process
   * @param message the message
   * @throws IllegalArgumentException if there is no such link
   */
  public void send(String from, String to, M message) {
    Objects.requireNonNull(message, "message");
    LinkState state = link(from, to);
    String what = from + "->" + to + ": " + message;
    simulation.record("send " + what);
    sent++;
    long now = simulation.now();
    for (long at : state.link.deliveries(now, simulation.random())) {
      if (at < now) {
        throw new IllegalStateException(state.link + " delivers in the past: " + at + " < " + now);
      }
      state.inFlight++;
      inFlight++;
      simulation.scheduleAt(
          at,
          "deliver " + what,
          () -> {
            state.inFlight--;
            inFlight--;
            delivered++;
            processes.get(to).receive(from, message);
          });
    }
  }

  /**
   * Returns the processes, in the order they were added.
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
    requireProcess(process);
    return Collections.unmodifiableSet(links.get(process).keySet());
  }

  /**
   * Returns the processes that have links to {@code process}, in the order processes were added.
   *
   * @param process an existing process
   * @return a new set
   * @throws IllegalArgumentException if there is no such process
   */
  public Set<String> incoming(String process) {
    requireProcess(process);
    Set<String> senders = new LinkedHashSet<>();
    for (Map.Entry<String, Map<String, LinkState>> e : links.entrySet()) {
      if (e.getValue().containsKey(process)) {
        senders.add(e.getKey());
      }
    }
    return senders;
  }

  /**
   * Returns how many message copies are scheduled on {@code from -> to} and not yet delivered.
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
   * Returns how many messages have been sent.
   *
   * @return the number of {@link #send} calls that succeeded
   */
  public long sent() {
    return sent;
  }

  /**
   * Returns how many message copies have been delivered.
   *
   * @return the number of deliveries run
   */
  public long delivered() {
    return delivered;
  }

  private void requireProcess(String name) {
    Objects.requireNonNull(name, "process");
    if (!processes.containsKey(name)) {
      throw new IllegalArgumentException("no process " + name);
    }
  }

  private LinkState link(String from, String to) {
    requireProcess(from);
    requireProcess(to);
    LinkState state = links.get(from).get(to);
    if (state == null) {
      throw new IllegalArgumentException("no link " + from + "->" + to);
    }
    return state;
  }

  /** A link and its count of messages in flight. */
  private static final class LinkState {
    final Link link;
    long inFlight;

    LinkState(Link link) {
      this.link = link;
    }
  }
}
