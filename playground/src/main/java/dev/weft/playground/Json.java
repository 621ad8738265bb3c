package dev.weft.playground;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import java.math.BigDecimal;
import java.util.List;

/**
 * JSON in and out of the API: one {@link Gson} for the answers, and readers for request fields that
 * answer a missing or mistyped field with a 400 naming it.
 */
final class Json {
  /** Seeds and times the page handles are kept to what a JavaScript number holds exactly. */
  static final long MAX_SAFE = (1L << 53) - 1;

  static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();

  private Json() {}

  /** Parses a request body that must be one JSON object (an empty body is an empty object). */
  static JsonObject object(String body) {
    if (body.isBlank()) {
      return new JsonObject();
    }
    JsonElement e;
    try {
      e = JsonParser.parseString(body);
    } catch (JsonParseException ex) {
      throw ApiException.badRequest("malformed JSON: " + rootMessage(ex));
    }
    if (!e.isJsonObject()) {
      throw ApiException.badRequest("expected a JSON object, got: " + abbreviate(body));
    }
    return e.getAsJsonObject();
  }

  /** The string field {@code name}, which must be present. */
  static String string(JsonObject o, String name) {
    JsonElement e = o.get(name);
    if (e == null || e.isJsonNull()) {
      throw ApiException.badRequest("missing field \"" + name + "\"");
    }
    if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
      throw ApiException.badRequest("field \"" + name + "\" must be a string, got " + e);
    }
    return e.getAsString();
  }

  /** The whole-number field {@code name}, present, in {@code [min, max]}; a decimal string too. */
  static long integer(JsonObject o, String name, long min, long max) {
    JsonElement e = o.get(name);
    if (e == null || e.isJsonNull()) {
      throw ApiException.badRequest("missing field \"" + name + "\"");
    }
    BigDecimal value;
    try {
      JsonPrimitive p = e.getAsJsonPrimitive();
      value = p.isString() ? new BigDecimal(p.getAsString().strip()) : p.getAsBigDecimal();
    } catch (IllegalStateException | NumberFormatException ex) {
      throw ApiException.badRequest("field \"" + name + "\" must be a whole number, got " + e);
    }
    if (value.signum() != 0 && value.stripTrailingZeros().scale() > 0) {
      throw ApiException.badRequest("field \"" + name + "\" must be a whole number, got " + e);
    }
    if (value.compareTo(BigDecimal.valueOf(min)) < 0
        || value.compareTo(BigDecimal.valueOf(max)) > 0) {
      throw ApiException.badRequest(
          "field \"" + name + "\" must be in [" + min + ", " + max + "], got " + e);
    }
    return value.longValueExact();
  }

  /** Whether {@code o} has a non-null field {@code name}. */
  static boolean has(JsonObject o, String name) {
    return o.has(name) && !o.get(name).isJsonNull();
  }

  /** Checks that {@code name} is one of {@code known}; the message lists them. */
  static String oneOf(String what, String name, List<String> known) {
    if (!known.contains(name)) {
      throw ApiException.badRequest("unknown " + what + " \"" + name + "\"; known: " + known);
    }
    return name;
  }

  private static String rootMessage(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    return root.getMessage() == null ? root.toString() : root.getMessage();
  }

  private static String abbreviate(String s) {
    String one = s.strip().replaceAll("\\s+", " ");
    return one.length() <= 40 ? one : one.substring(0, 40) + "...";
  }
}
