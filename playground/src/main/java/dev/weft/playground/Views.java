package dev.weft.playground;

import com.google.gson.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.function.LongFunction;

/** The views the page has, how to start a run of each, and how to replay an export. */
final class Views {
  static final Map<String, LongFunction<Lab>> FACTORIES =
      Map.of(
          "raft", RaftLab::new,
          "clocks", seed -> new DiagramLab(DiagramLab.Mode.CLOCKS, seed),
          "snapshot", seed -> new DiagramLab(DiagramLab.Mode.SNAPSHOT, seed));

  /** The longest run an import replays, so that a request always answers in seconds. */
  static final long MAX_REPLAY_EVENTS = 2_000_000;

  /** The views in the order the page shows them. */
  static final List<String> NAMES = List.of("raft", "clocks", "snapshot");

  private Views() {}

  static Lab start(String view, long seed) {
    LongFunction<Lab> f = FACTORIES.get(view);
    if (f == null) {
      throw ApiException.notFound("no view \"" + view + "\"; the views are " + NAMES);
    }
    return f.apply(seed);
  }

  /**
   * Replays an export: a new run of its view from its seed, with each action taken at the point it
   * was taken, run to the export's last event. The caller compares fingerprints.
   *
   * @throws ApiException 400 if the export is malformed or cannot be replayed
   */
  static Lab replay(Export export) {
    if (!Export.FORMAT.equals(export.format())) {
      throw ApiException.badRequest(
          "not a playground export: format \"" + export.format() + "\", expected " + Export.FORMAT);
    }
    if (export.seed() < 0 || export.seed() > Json.MAX_SAFE) {
      throw ApiException.badRequest("seed out of range: " + export.seed());
    }
    if (export.events() < 0 || export.events() > MAX_REPLAY_EVENTS) {
      throw ApiException.badRequest(
          "the export has "
              + export.events()
              + " events; this server replays from 0 to "
              + MAX_REPLAY_EVENTS);
    }
    List<Export.Action> actions = export.actions() == null ? List.of() : export.actions();
    long previous = 0;
    for (Export.Action a : actions) {
      if (a == null || a.action() == null) {
        throw ApiException.badRequest("an action of the export is empty");
      }
      if (a.at() < previous || a.at() > export.events() || a.time() < 0) {
        throw ApiException.badRequest(
            "an action at event " + a.at() + ", time " + a.time() + " is out of order");
      }
      previous = a.at();
    }
    Lab lab = start(export.view(), export.seed());
    try {
      for (Export.Action a : actions) {
        lab.runToEvent(a.at());
        lab.actAt(a.time(), a.action());
      }
      lab.runToEvent(export.events());
      lab.showTime(export.time());
    } catch (IllegalStateException | ApiException e) {
      throw ApiException.badRequest("the export cannot be replayed: " + e.getMessage());
    }
    return lab;
  }

  /** Parses an export from JSON; a malformed one is a 400. */
  static Export parse(JsonObject json) {
    try {
      return Json.GSON.fromJson(json, Export.class);
    } catch (RuntimeException e) {
      throw ApiException.badRequest("not a playground export: " + e.getMessage());
    }
  }
}
