package dev.weft.snapshot;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * One process of a {@link SnapshotRunner}: a virtual thread running an event loop that feeds
 * markers and messages to the process's {@link SnapshotNode} and messages to the application. Only
 * that thread touches the node and the application, so each recording happens between two
 * application callbacks and its markers leave before any later application message.
 */
final class RunnerProcess<S, M> implements SnapshotRunner.Outbox<M> {
  private final String name;
  private final SnapshotRunner.Process<S, M> process;
  private final List<String> outgoing;
  private final Map<String, Wiring.Link<Envelope<M>>> links = new HashMap<>();
  private final Wiring.Link<Envelope<M>> control;
  private final Wiring.Inbox<Envelope<M>> inbox;
  private final SnapshotNode<S, M> node;
  private final Consumer<Throwable> onFailure;
  private final Thread thread;
  private volatile boolean stopping;

  RunnerProcess(
      String name,
      SnapshotRunner.Process<S, M> process,
      List<String> incoming,
      List<String> outgoing,
      Wiring<Envelope<M>> wiring,
      Consumer<LocalSnapshot<S, M>> onLocalSnapshot,
      Consumer<Throwable> onFailure) {
    this.name = name;
    this.process = process;
    this.outgoing = List.copyOf(outgoing);
    for (String to : outgoing) {
      links.put(to, wiring.link(name, to));
    }
    this.control = wiring.control(name);
    this.inbox = wiring.inbox(name);
    this.onFailure = onFailure;
    this.node =
        new SnapshotNode<>(
            name,
            incoming,
            outgoing,
            process::state,
            (to, id) -> links.get(to).send(Envelope.marker(name, id)),
            onLocalSnapshot);
    this.thread = Thread.ofVirtual().name("weft-snapshot-" + name).unstarted(this::run);
  }

  void start() {
    thread.start();
  }

  private void run() {
    if (stopping) { // another process failed before this one started
      return;
    }
    try {
      process.start(this);
      while (!stopping) {
        Envelope<M> e = inbox.take();
        switch (e.kind()) {
          case MESSAGE -> {
            node.onMessage(e.from(), e.message());
            process.onMessage(e.from(), e.message(), this);
          }
          case MARKER -> node.onMarker(e.from(), e.snapshotId());
          case INITIATE -> node.startSnapshot(e.snapshotId());
        }
      }
    } catch (InterruptedException e) {
      if (!stopping) {
        onFailure.accept(e);
      }
    } catch (RuntimeException | Error e) {
      if (!stopping) {
        onFailure.accept(e);
      }
    }
  }

  void initiate(long snapshotId) {
    control.send(Envelope.initiate(snapshotId));
  }

  void stop() {
    stopping = true;
    thread.interrupt();
  }

  /** Waits for the thread to end; returns at once if it never started. */
  void join() throws InterruptedException {
    thread.join();
  }

  @Override
  public String self() {
    return name;
  }

  @Override
  public List<String> outgoing() {
    return outgoing;
  }

  @Override
  public void send(String to, M message) {
    Wiring.Link<Envelope<M>> link = links.get(to);
    if (link == null) {
      throw new IllegalArgumentException("no channel " + name + "->" + to);
    }
    link.send(Envelope.message(name, Objects.requireNonNull(message, "message")));
  }
}
