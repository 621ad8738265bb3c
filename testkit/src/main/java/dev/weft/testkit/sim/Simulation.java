package dev.weft.testkit.sim;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.function.BooleanSupplier;

/**
 * A deterministic discrete-event simulator: a virtual clock, a queue of timed events and one seeded
 * {@link Random}, so that a whole run is a function of its seed.
 *
 * {@snippet :
 * Simulation sim = new Simulation(seed);
 * sim.schedule(5, "hello", () -> System.out.println("at " + sim.now()));   // prints "at 5"
 * sim.runUntilIdle(1_000_000);
 * }
 *
 * <p><b>Time.</b> Virtual time is a {@code long} that starts at 0 and has no unit: a test decides
 * what one unit means (a millisecond, a Raft tick). It advances only when {@link #step()} takes the
 * next event, to that event's time; nothing in the simulator reads a wall clock.
 *
 * <p><b>Order.</b> Events run in order of time; events due at the same time run in the order they
 * were scheduled (each event gets a sequence number). So a run depends only on the seed and on the
 * code under test, never on hash codes, thread timing or the wall clock. Code under test must draw
 * all its randomness from {@link #random()} (or from generators seeded from it) and must not
 * iterate over hash-ordered collections in ways that affect what it schedules.
 *
 * <p><b>Trace.</b> Every event run is recorded as a {@link TraceEntry} (its time, sequence number
 * and label), as is every {@link #record(String)} call. Two runs with the same seed produce equal
 * traces; {@link #fingerprint()} summarises a trace in one number. Keeping entries can be switched
 * off for long runs ({@link #keepTrace(boolean)}); the fingerprint is always kept.
 *
 * <p><b>Threads.</b> A simulation is single-threaded: schedule and run events from one thread only,
 * normally the test's. Event actions run on the thread that calls {@code step} or one of the {@code
 * run} methods. It is not thread-safe.
 *
 * <p>{@link SimNetwork} builds processes and message links on top of a simulation.
 */
public final class Simulation {
  /*
   * Implementation overview. A binary heap (java.util.PriorityQueue) of events ordered by
   * (time, sequence); the sequence is a counter incremented at every schedule call, which makes the
   * order total and the tie-break deterministic. Cancelled events stay in the heap and are skipped
   * when they reach the front (lazy deletion), so cancel is O(1) and the heap is never searched.
   * The fingerprint is a 64-bit FNV-1a hash folded over each trace entry's time and label.
   */
  private static final long FNV_OFFSET = 0xcbf29ce484222325L;
  private static final long FNV_PRIME = 0x100000001b3L;

  private final long seed;
  private final Random random;
  private final PriorityQueue<ScheduledEvent> queue = new PriorityQueue<>();
  private final List<TraceEntry> trace = new ArrayList<>();
  private boolean keepTrace = true;
  private long fingerprint = FNV_OFFSET;
  private long now;
  private long sequence;
  private long eventsRun;
  private int live;

  /**
   * Creates a simulation at time 0 whose randomness all comes from {@code seed}.
   *
   * @param seed the seed of {@link #random()}
   */
  public Simulation(long seed) {
    this.seed = seed;
    this.random = new Random(seed);
  }

  /**
   * Returns the seed this simulation was created with; print it when a test fails so that the run
   * can be replayed.
   *
   * @return the seed
   */
  public long seed() {
    return seed;
  }

  /**
   * Returns the current virtual time: the time of the event running now, or of the last one run.
   *
   * @return the virtual time, from 0
   */
  public long now() {
    return now;
  }

  /**
   * Returns the simulation's seeded random generator, the only source of randomness a reproducible
   * test may use.
   *
   * @return the generator; shared, not thread-safe
   */
  public Random random() {
    return random;
  }

  /**
   * Schedules {@code action} to run {@code delay} units from now.
   *
   * @param delay how far ahead, zero or more; an event with delay zero runs after every event
   *     already due now
   * @param label what the trace says when the event runs
   * @param action what to run
   * @return a handle that can cancel the event
   * @throws IllegalArgumentException if {@code delay} is negative or the time would overflow
   */
  public ScheduledEvent schedule(long delay, String label, Runnable action) {
    if (delay < 0) {
      throw new IllegalArgumentException("negative delay: " + delay);
    }
    if (now > Long.MAX_VALUE - delay) {
      throw new IllegalArgumentException("virtual time would overflow: " + now + " + " + delay);
    }
    return scheduleAt(now + delay, label, action);
  }

  /**
   * Schedules {@code action} to run at virtual time {@code time}.
   *
   * @param time when, not before {@link #now()}
   * @param label what the trace says when the event runs
   * @param action what to run
   * @return a handle that can cancel the event
   * @throws IllegalArgumentException if {@code time} is in the past
   */
  public ScheduledEvent scheduleAt(long time, String label, Runnable action) {
    Objects.requireNonNull(label, "label");
    Objects.requireNonNull(action, "action");
    if (time < now) {
      throw new IllegalArgumentException("time " + time + " is before now " + now);
    }
    ScheduledEvent event = new ScheduledEvent(this, time, sequence++, label, action);
    queue.add(event);
    live++;
    return event;
  }

  /**
   * Runs the next event, if any: advances the clock to its time, records it in the trace, then runs
   * its action. An exception from the action propagates to the caller; the event counts as run and
   * the simulation stays usable.
   *
   * @return false if no event was pending
   */
  public boolean step() {
    ScheduledEvent next = poll();
    if (next == null) {
      return false;
    }
    now = next.time();
    eventsRun++;
    trace(next.sequence(), next.label());
    next.markRun();
    next.action().run();
    return true;
  }

  /**
   * Runs events until none is pending.
   *
   * @param maxEvents a bound on how many events to run, to stop a run that never ends
   * @return the number of events run
   * @throws IllegalStateException if events are still pending after {@code maxEvents}
   */
  public long runUntilIdle(long maxEvents) {
    long ran = 0;
    while (pending() > 0) {
      if (ran == maxEvents) {
        throw new IllegalStateException(
            "still " + pending() + " events pending after " + maxEvents + " (seed " + seed + ")");
      }
      step();
      ran++;
    }
    return ran;
  }

  /**
   * Runs every event due at or before {@code time}, then sets the clock to {@code time}.
   *
   * @param time the virtual time to run to, not before {@link #now()}
   * @return the number of events run
   * @throws IllegalArgumentException if {@code time} is in the past
   */
  public long runUntil(long time) {
    if (time < now) {
      throw new IllegalArgumentException("time " + time + " is before now " + now);
    }
    long ran = 0;
    while (true) {
      ScheduledEvent next = peek();
      if (next == null || next.time() > time) {
        break;
      }
      step();
      ran++;
    }
    now = time;
    return ran;
  }

  /**
   * Runs events until {@code condition} holds (checked before each event) or none is pending.
   *
   * @param condition when to stop
   * @param maxEvents a bound on how many events to run
   * @return true if the condition holds, false if the queue ran dry first
   * @throws IllegalStateException if neither happened within {@code maxEvents} events
   */
  public boolean runUntil(BooleanSupplier condition, long maxEvents) {
    long ran = 0;
    while (!condition.getAsBoolean()) {
      if (pending() == 0) {
        return false;
      }
      if (ran == maxEvents) {
        throw new IllegalStateException(
            "condition still false after " + maxEvents + " events (seed " + seed + ")");
      }
      step();
      ran++;
    }
    return true;
  }

  /**
   * Returns when the next pending event is due, without running it.
   *
   * @return its virtual time, or {@link Long#MAX_VALUE} if no event is pending
   */
  public long nextEventTime() {
    ScheduledEvent next = peek();
    return next == null ? Long.MAX_VALUE : next.time();
  }

  /**
   * Returns how many events are scheduled and not yet run or cancelled.
   *
   * @return the number of pending events
   */
  public int pending() {
    return live;
  }

  /**
   * Returns how many events have run since the simulation was created.
   *
   * @return the count
   */
  public long eventsRun() {
    return eventsRun;
  }

  /**
   * Adds a line to the trace at the current time, for what happens inside an event that a test
   * wants in the record (a state change, a decision).
   *
   * @param what the line
   */
  public void record(String what) {
    Objects.requireNonNull(what, "what");
    trace(-1, what);
  }

  /**
   * Chooses whether to keep trace entries (the default) or only the {@link #fingerprint()}; turn it
   * off for long runs whose traces would not fit in memory.
   *
   * @param keep whether to keep entries from now on
   */
  public void keepTrace(boolean keep) {
    this.keepTrace = keep;
  }

  /**
   * Returns the trace entries kept so far, oldest first.
   *
   * @return an unmodifiable view
   */
  public List<TraceEntry> trace() {
    return Collections.unmodifiableList(trace);
  }

  /**
   * Returns a 64-bit hash of every trace entry so far (kept or not), in order: runs with equal
   * fingerprints almost surely had equal traces.
   *
   * @return the fingerprint
   */
  public long fingerprint() {
    return fingerprint;
  }

  private void trace(long eventSequence, String label) {
    if (keepTrace) {
      trace.add(new TraceEntry(now, eventSequence, label));
    }
    long h = fingerprint;
    for (int shift = 0; shift < 64; shift += 8) {
      h = (h ^ ((now >>> shift) & 0xff)) * FNV_PRIME;
    }
    for (int i = 0; i < label.length(); i++) {
      h = (h ^ label.charAt(i)) * FNV_PRIME;
    }
    fingerprint = (h ^ '\n') * FNV_PRIME;
  }

  void cancelled() {
    live--;
  }

  private ScheduledEvent peek() {
    ScheduledEvent head = queue.peek();
    while (head != null && head.isCancelled()) {
      queue.poll();
      head = queue.peek();
    }
    return head;
  }

  private ScheduledEvent poll() {
    ScheduledEvent head = peek();
    if (head != null) {
      queue.poll();
      live--;
    }
    return head;
  }
}
