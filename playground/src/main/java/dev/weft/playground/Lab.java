package dev.weft.playground;

import com.google.gson.JsonObject;
import dev.weft.testkit.sim.Simulation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One view's run: weft's code on a {@link Simulation}, moved forward by the page one event or one
 * stretch of virtual time at a time, changed by the user's actions, and checked after every event.
 *
 * <p><b>Replay.</b> A run is a function of its seed and of the actions taken, each at a point of
 * the run: the number of events run so far and the virtual time the page showed. Before an action
 * the simulation's clock is moved to that time (no event is due before it: the page only shows a
 * time once every earlier event has run), so an action schedules what it schedules at the same
 * times in a replay as in the original. {@link #export()} writes exactly this down.
 *
 * <p><b>Stopping.</b> After every event, and after every action, {@link #check()} runs; a violation
 * (or an exception from the code under test) stops the run: the state stays visible, and stepping
 * or acting is refused with the reason.
 *
 * <p>Not thread-safe: the server calls it from one thread.
 */
abstract class Lab {
  /** The most events one request may run, so that a request always answers quickly. */
  static final long MAX_EVENTS_PER_REQUEST = 200_000;

  final String view;
  final long seed;
  final Simulation sim;
  final Story story = new Story(60);
  private final List<Export.Action> actions = new ArrayList<>();
  private long viewTime;
  private String stopped;

  Lab(String view, long seed) {
    this.view = view;
    this.seed = seed;
    this.sim = new Simulation(seed);
    sim.keepTrace(false);
  }

  // ---- what each view supplies ------------------------------------------------------------

  /**
   * Validates {@code action} against the current state and returns what carrying it out does;
   * throws {@link ApiException} (and changes nothing) if it is malformed or impossible now.
   */
  abstract Runnable prepare(JsonObject action);

  /** Checks the view's properties after an event or action; throws {@link Violation}. */
  abstract void check();

  /** The view-specific part of the state the page draws. */
  abstract Map<String, Object> render();

  /** Called after each event or action that ran, before {@link #check()}: bookkeeping. */
  void afterChange() {}

  /** A broken property: its name and what broke it. */
  static final class Violation extends RuntimeException {
    private static final long serialVersionUID = 1L;

    final String property;

    Violation(String property, String detail) {
      super(property + ": " + detail);
      this.property = property;
    }
  }

  // ---- running ----------------------------------------------------------------------------

  /** Runs every event due at or before {@code time}, then shows {@code time}. */
  final void advanceTo(long time) {
    requireRunning();
    if (time < viewTime) {
      throw ApiException.badRequest("time " + time + " is before the current time " + viewTime);
    }
    long ran = 0;
    while (sim.nextEventTime() <= time && stopped == null && ran < MAX_EVENTS_PER_REQUEST) {
      runOne();
      ran++;
    }
    viewTime = stopped == null && sim.nextEventTime() > time ? time : Math.max(viewTime, sim.now());
  }

  /** Runs the next event, if there is one; the page then shows its time. */
  final boolean stepOne() {
    requireRunning();
    if (sim.pending() == 0) {
      return false;
    }
    runOne();
    viewTime = Math.max(viewTime, sim.now());
    return true;
  }

  /** Runs events until {@code count} have run in all (for replays), stopping if the run stops. */
  final void runToEvent(long count) {
    while (sim.eventsRun() < count && stopped == null) {
      if (sim.pending() == 0) {
        throw new IllegalStateException(
            "the run ended after " + sim.eventsRun() + " events, before event " + count);
      }
      runOne();
    }
    viewTime = Math.max(viewTime, sim.now());
  }

  /** Takes a user's action now, recording it for export. */
  final void act(JsonObject action) {
    requireRunning();
    Runnable change = prepare(action);
    actions.add(new Export.Action(sim.eventsRun(), viewTime, action.deepCopy()));
    apply(viewTime, change);
  }

  /** Takes a recorded action at the recorded time (for replays). */
  final void actAt(long time, JsonObject action) {
    requireRunning();
    if (time < viewTime) {
      throw new IllegalStateException(
          "action at " + time + " is before the run's time " + viewTime);
    }
    Runnable change = prepare(action);
    actions.add(new Export.Action(sim.eventsRun(), time, action.deepCopy()));
    viewTime = time;
    apply(time, change);
  }

  private void apply(long time, Runnable change) {
    if (time > sim.now()) {
      long ran = sim.runUntil(time);
      if (ran != 0) {
        throw new IllegalStateException(ran + " events were due before the action's time " + time);
      }
    }
    guarded(change);
  }

  private void runOne() {
    guarded(sim::step);
  }

  private void guarded(Runnable r) {
    try {
      r.run();
      afterChange();
      check();
    } catch (Violation v) {
      stop(v.getMessage());
    } catch (ApiException e) {
      throw e;
    } catch (RuntimeException | AssertionError e) {
      stop("the run stopped on an exception: " + e);
    }
  }

  private void stop(String why) {
    stopped = why;
    story.add(sim.now(), "STOPPED: " + why);
  }

  private void requireRunning() {
    if (stopped != null) {
      throw ApiException.conflict("the run is stopped: " + stopped + " (reset to start again)");
    }
  }

  /** Sets the time the page shows, for a replay that ends beyond its last event. */
  final void showTime(long time) {
    if (time >= viewTime && time < sim.nextEventTime()) {
      viewTime = time;
    }
  }

  // ---- reading ----------------------------------------------------------------------------

  final long viewTime() {
    return viewTime;
  }

  /** Why the run stopped, or null while it runs. */
  final String stopped() {
    return stopped;
  }

  final String fingerprint() {
    return String.format("%016x", sim.fingerprint());
  }

  final Export export() {
    return new Export(
        Export.FORMAT,
        view,
        seed,
        List.copyOf(actions),
        sim.eventsRun(),
        viewTime,
        fingerprint(),
        stopped);
  }

  /** Everything the page draws: the common part, then the view's. */
  final Map<String, Object> state() {
    Map<String, Object> s = new java.util.LinkedHashMap<>();
    s.put("view", view);
    s.put("seed", seed);
    s.put("time", viewTime);
    s.put("eventsRun", sim.eventsRun());
    s.put("pending", sim.pending());
    s.put("actions", actions.size());
    s.put("fingerprint", fingerprint());
    s.put("stopped", stopped);
    s.put("story", story.lines());
    s.putAll(render());
    return s;
  }
}
