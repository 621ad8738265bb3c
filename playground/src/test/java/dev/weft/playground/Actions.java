package dev.weft.playground;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.List;
import java.util.function.BooleanSupplier;

/** Builds the actions the page sends, and runs a lab until something holds. */
final class Actions {
  private Actions() {}

  static JsonObject of(String type, String... fieldsAndValues) {
    JsonObject o = new JsonObject();
    o.addProperty("type", type);
    for (int i = 0; i < fieldsAndValues.length; i += 2) {
      o.addProperty(fieldsAndValues[i], fieldsAndValues[i + 1]);
    }
    return o;
  }

  static JsonObject partition(List<List<String>> groups) {
    JsonObject o = of("partition");
    JsonArray gs = new JsonArray();
    for (List<String> g : groups) {
      JsonArray a = new JsonArray();
      g.forEach(a::add);
      gs.add(a);
    }
    o.add("groups", gs);
    return o;
  }

  /**
   * Advances {@code lab} in steps of {@code step} virtual units until {@code done} holds, failing
   * after {@code limit} units or if the run stops.
   */
  static long until(Lab lab, BooleanSupplier done, long step, long limit, String what) {
    long end = lab.viewTime() + limit;
    while (!done.getAsBoolean()) {
      if (lab.stopped() != null) {
        throw new AssertionError(
            "the run stopped while waiting for " + what + ": " + lab.stopped());
      }
      if (lab.viewTime() >= end) {
        throw new AssertionError(
            "no " + what + " within " + limit + " units (seed " + lab.seed + ")");
      }
      lab.advanceTo(lab.viewTime() + step);
    }
    return lab.viewTime();
  }
}
