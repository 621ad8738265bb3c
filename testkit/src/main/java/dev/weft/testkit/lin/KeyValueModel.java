package dev.weft.testkit.lin;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The sequential specification of a key-value map with get, put, append, delete and
 * compare-and-set, partitioned by key (operations on different keys never constrain each other).
 *
 * <p>Inputs are {@link Op}s; outputs are {@link Result}s. An absent key reads as {@code null};
 * appending to an absent key appends to the empty string.
 */
public final class KeyValueModel
    implements Model<KeyValueModel.State, KeyValueModel.Op, KeyValueModel.Result> {

  /** Creates the model. */
  public KeyValueModel() {}

  /** The kinds of operation. */
  public enum Kind {
    /** Reads a key. */
    GET,
    /** Sets a key. */
    PUT,
    /** Appends to a key's value. */
    APPEND,
    /** Removes a key; reports whether it was there. */
    DELETE,
    /** Sets a key if it holds the expected value; reports whether it did. */
    CAS
  }

  /**
   * An operation on one key. Its values are checked against its kind: put, append and
   * compare-and-set need a {@code value}; get and delete take none; only compare-and-set takes an
   * {@code expected} value (null there means "expects the key absent").
   *
   * @param kind what it does
   * @param key the key
   * @param value the value to put or append, or the new value of a compare-and-set; null for get
   *     and delete
   * @param expected the value a compare-and-set expects (null: expects the key absent); null for
   *     the other kinds
   */
  public record Op(Kind kind, String key, String value, String expected)
      implements ShowsOutput<Result> {
    /**
     * Validates the operation.
     *
     * @param kind what it does
     * @param key the key
     * @param value the value to put or append, or the new value of a compare-and-set
     * @param expected the value a compare-and-set expects
     * @throws NullPointerException if {@code kind} or {@code key} is null, or {@code value} is null
     *     for a put, an append or a compare-and-set
     * @throws IllegalArgumentException if a get or a delete has a {@code value}, or an operation
     *     other than compare-and-set has an {@code expected} value
     */
    public Op {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(key, "key");
      boolean takesValue = kind == Kind.PUT || kind == Kind.APPEND || kind == Kind.CAS;
      if (takesValue && value == null) {
        throw new NullPointerException(kind + " of key " + key + " needs a value");
      }
      if (!takesValue && value != null) {
        throw new IllegalArgumentException(
            kind + " of key " + key + " takes no value, but got " + value);
      }
      if (kind != Kind.CAS && expected != null) {
        throw new IllegalArgumentException(
            kind + " of key " + key + " takes no expected value, but got " + expected);
      }
    }

    /**
     * A get.
     *
     * @param key the key
     * @return the operation
     */
    public static Op get(String key) {
      return new Op(Kind.GET, key, null, null);
    }

    /**
     * A put.
     *
     * @param key the key
     * @param value the new value
     * @return the operation
     */
    public static Op put(String key, String value) {
      return new Op(Kind.PUT, key, Objects.requireNonNull(value, "value"), null);
    }

    /**
     * An append.
     *
     * @param key the key
     * @param value what to append
     * @return the operation
     */
    public static Op append(String key, String value) {
      return new Op(Kind.APPEND, key, Objects.requireNonNull(value, "value"), null);
    }

    /**
     * A delete.
     *
     * @param key the key
     * @return the operation
     */
    public static Op delete(String key) {
      return new Op(Kind.DELETE, key, null, null);
    }

    /**
     * A compare-and-set.
     *
     * @param key the key
     * @param expected the value the key must hold (null: the key must be absent)
     * @param value the new value
     * @return the operation
     */
    public static Op cas(String key, String expected, String value) {
      return new Op(Kind.CAS, key, Objects.requireNonNull(value, "value"), expected);
    }

    /**
     * Describes a result of this operation: a get's value in quotes, or {@code absent} for a
     * missing key; {@code ok} for a put or an append; {@code true} or {@code false} for a delete or
     * a compare-and-set. So a read of a missing key never prints like a read of the text "true".
     *
     * @param output a result of this operation
     * @return the description
     */
    @Override
    public String showOutput(Result output) {
      return switch (kind) {
        case GET -> output.value() == null ? "absent" : quote(output.value());
        case PUT, APPEND -> output.ok() ? "ok" : output.toString();
        case DELETE, CAS -> String.valueOf(output.ok());
      };
    }

    @Override
    public String toString() {
      return switch (kind) {
        case GET, DELETE -> kind.name().toLowerCase(Locale.ROOT) + "(" + key + ")";
        case CAS ->
            "cas("
                + key
                + ", "
                + (expected == null ? "absent" : quote(expected))
                + " -> "
                + quote(value)
                + ")";
        case PUT, APPEND ->
            kind.name().toLowerCase(Locale.ROOT) + "(" + key + ", " + quote(value) + ")";
      };
    }
  }

  /** Puts a value in double quotes, escaping quotes and backslashes, so that "" and null differ. */
  static String quote(String value) {
    return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }

  /**
   * What an operation returned.
   *
   * @param value what a get read (null if absent); null for other operations
   * @param ok for delete, whether the key was there; for compare-and-set, whether it set; true for
   *     the others
   */
  public record Result(String value, boolean ok) {
    /**
     * A get's result.
     *
     * @param value the value read, or null
     * @return the result
     */
    public static Result read(String value) {
      return new Result(value, true);
    }

    /**
     * A put's or an append's result.
     *
     * @return the result
     */
    public static Result done() {
      return new Result(null, true);
    }

    /**
     * A delete's or a compare-and-set's result.
     *
     * @param ok whether the key was there, or whether the set happened
     * @return the result
     */
    public static Result of(boolean ok) {
      return new Result(null, ok);
    }

    /**
     * Shows the value in quotes; a result with no value shows as {@code ok} or {@code false}.
     * {@link Op#showOutput} says more (a read of a missing key shows as {@code absent}), knowing
     * the operation.
     *
     * @return the description
     */
    @Override
    public String toString() {
      if (value != null) {
        return quote(value) + (ok ? "" : " (not ok)");
      }
      return ok ? "ok" : "false";
    }
  }

  /**
   * The state of one key.
   *
   * @param value its value, or null if absent
   */
  public record State(String value) {}

  @Override
  public State initial() {
    return new State(null);
  }

  @Override
  public Optional<State> step(State state, Op op, Optional<Result> output) {
    String old = state.value();
    State next;
    Result expected;
    switch (op.kind()) {
      case GET:
        next = state;
        expected = Result.read(old);
        break;
      case PUT:
        next = new State(op.value());
        expected = Result.done();
        break;
      case APPEND:
        next = new State((old == null ? "" : old) + op.value());
        expected = Result.done();
        break;
      case DELETE:
        next = new State(null);
        expected = Result.of(old != null);
        break;
      case CAS:
        boolean swap = Objects.equals(old, op.expected());
        next = swap ? new State(op.value()) : state;
        expected = Result.of(swap);
        break;
      default:
        throw new IllegalArgumentException("unknown operation " + op);
    }
    if (output.isPresent() && !output.get().equals(expected)) {
      return Optional.empty();
    }
    return Optional.of(next);
  }

  /**
   * Names a part by its key.
   *
   * @param part one part made by {@link #partition}
   * @return {@code key <key>}
   */
  @Override
  public String partName(List<Operation<Op, Result>> part) {
    return part.isEmpty() ? "no key" : "key " + part.get(0).input().key();
  }

  @Override
  public List<List<Operation<Op, Result>>> partition(List<Operation<Op, Result>> history) {
    Map<String, List<Operation<Op, Result>>> byKey = new LinkedHashMap<>();
    for (Operation<Op, Result> op : history) {
      byKey.computeIfAbsent(op.input().key(), k -> new ArrayList<>()).add(op);
    }
    return new ArrayList<>(byKey.values());
  }
}
