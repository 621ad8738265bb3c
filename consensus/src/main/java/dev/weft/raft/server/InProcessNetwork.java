package dev.weft.raft.server;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A network inside one JVM, in real time: {@link #endpoint(String)} gives each server a {@link
 * Transport}, and envelopes go from one to another by direct hand-off, or through a shared
 * scheduler thread when a delay is configured. Faults can be switched on at any time: loss,
 * duplication, random delay (which also reorders), and partitions.
 *
 * <p>With no faults configured, {@link Transport#send} calls the addressee's receiver on the
 * sender's thread (the receiver only queues, never blocks), so a message costs a queue hand-off and
 * nothing else: this is the transport the benchmarks use. Thread-safe.
 */
public final class InProcessNetwork implements AutoCloseable {
  private final Map<String, Consumer<Envelope>> receivers = new ConcurrentHashMap<>();
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private volatile Faults faults = Faults.NONE;
  private volatile Map<String, Integer> groups = Map.of();
  private volatile ScheduledThreadPoolExecutor scheduler;

  /**
   * Fault settings.
   *
   * @param loss probability in [0, 1] that an envelope is dropped
   * @param duplication probability in [0, 1] that a delivered envelope is delivered twice
   * @param minDelay the least delay before delivery
   * @param maxDelay the most delay before delivery (delays are uniform in between, so envelopes
   *     overtake each other)
   */
  public record Faults(double loss, double duplication, Duration minDelay, Duration maxDelay) {
    /** No loss, no duplication, no delay. */
    public static final Faults NONE = new Faults(0, 0, Duration.ZERO, Duration.ZERO);

    /**
     * Checks the settings.
     *
     * @param loss drop probability
     * @param duplication duplication probability
     * @param minDelay least delay
     * @param maxDelay most delay
     * @throws IllegalArgumentException if a probability is outside [0, 1] or the delays are
     *     negative or out of order
     * @throws NullPointerException if a delay is null
     */
    public Faults {
      if (!(loss >= 0 && loss <= 1) || !(duplication >= 0 && duplication <= 1)) {
        throw new IllegalArgumentException(
            "probabilities must be in [0, 1]: " + loss + ", " + duplication);
      }
      if (minDelay.isNegative() || maxDelay.compareTo(minDelay) < 0) {
        throw new IllegalArgumentException("bad delays: " + minDelay + ", " + maxDelay);
      }
    }
  }

  /** Creates a network with no endpoints and no faults. */
  public InProcessNetwork() {}

  /**
   * Returns a transport for the server {@code id}; it receives envelopes addressed to {@code id}
   * once started.
   *
   * @param id the server's id
   * @return its transport
   * @throws NullPointerException if {@code id} is null
   */
  public Transport endpoint(String id) {
    Objects.requireNonNull(id, "id");
    return new Endpoint(id);
  }

  /**
   * Sets the faults applied to envelopes sent from now on.
   *
   * @param faults the fault settings; {@link Faults#NONE} for a perfect network
   */
  public void setFaults(Faults faults) {
    this.faults = Objects.requireNonNull(faults, "faults");
  }

  /**
   * Splits the network: envelopes pass only between servers of the same group. Servers named in no
   * group form one more group together.
   *
   * @param partition the groups
   */
  public void partition(List<? extends Collection<String>> partition) {
    Map<String, Integer> g = new HashMap<>();
    for (int i = 0; i < partition.size(); i++) {
      for (String id : partition.get(i)) {
        g.put(id, i + 1);
      }
    }
    groups = Map.copyOf(g);
  }

  /**
   * Cuts one server off from all others.
   *
   * @param id the server to isolate
   */
  public void isolate(String id) {
    partition(List.of(List.of(id)));
  }

  /** Removes every partition. */
  public void heal() {
    groups = Map.of();
  }

  /**
   * Envelopes handed to the network so far.
   *
   * @return the count of sends
   */
  public long sent() {
    return sent.get();
  }

  /**
   * Envelopes dropped so far: by loss, by partitions, or because the addressee was not started.
   *
   * @return the count of drops
   */
  public long dropped() {
    return dropped.get();
  }

  /** Stops the delay scheduler, if one was started; envelopes still delayed are dropped. */
  @Override
  public void close() {
    ScheduledThreadPoolExecutor s = scheduler;
    if (s != null) {
      s.shutdownNow();
    }
  }

  private boolean connected(String from, String to) {
    Map<String, Integer> g = groups;
    return g.getOrDefault(from, 0).equals(g.getOrDefault(to, 0));
  }

  private void send(Envelope envelope) {
    sent.incrementAndGet();
    Faults f = faults;
    if (!connected(envelope.from(), envelope.to())) {
      dropped.incrementAndGet();
      return;
    }
    if (f == Faults.NONE) {
      deliver(envelope);
      return;
    }
    ThreadLocalRandom random = ThreadLocalRandom.current();
    if (random.nextDouble() < f.loss()) {
      dropped.incrementAndGet();
      return;
    }
    int copies = random.nextDouble() < f.duplication() ? 2 : 1;
    for (int i = 0; i < copies; i++) {
      long min = f.minDelay().toNanos();
      long max = f.maxDelay().toNanos();
      long delay = max > min ? random.nextLong(min, max + 1) : min;
      if (delay == 0) {
        deliver(envelope);
      } else {
        scheduler().schedule(() -> deliver(envelope), delay, TimeUnit.NANOSECONDS);
      }
    }
  }

  private void deliver(Envelope envelope) {
    Consumer<Envelope> receiver = receivers.get(envelope.to());
    if (receiver == null) {
      dropped.incrementAndGet();
      return;
    }
    receiver.accept(envelope);
  }

  private ScheduledThreadPoolExecutor scheduler() {
    ScheduledThreadPoolExecutor s = scheduler;
    if (s == null) {
      synchronized (this) {
        s = scheduler;
        if (s == null) {
          s =
              new ScheduledThreadPoolExecutor(
                  1,
                  r -> {
                    Thread t = new Thread(r, "weft-inprocess-network");
                    t.setDaemon(true);
                    return t;
                  });
          s.setRemoveOnCancelPolicy(true);
          scheduler = s;
        }
      }
    }
    return s;
  }

  private final class Endpoint implements Transport {
    private final String id;
    private boolean started;
    private volatile boolean closed;

    Endpoint(String id) {
      this.id = id;
    }

    @Override
    public synchronized void start(Consumer<Envelope> receiver) {
      Objects.requireNonNull(receiver, "receiver");
      if (started || closed) {
        throw new IllegalStateException("endpoint " + id + " already started or closed");
      }
      if (receivers.putIfAbsent(id, receiver) != null) {
        throw new IllegalStateException("another endpoint " + id + " is running");
      }
      started = true;
    }

    @Override
    public void send(Envelope envelope) {
      if (!closed) {
        InProcessNetwork.this.send(envelope);
      }
    }

    @Override
    public synchronized void close() {
      if (!closed) {
        closed = true;
        if (started) {
          receivers.remove(id);
        }
      }
    }

    @Override
    public String toString() {
      return "endpoint " + id;
    }
  }
}
