package dev.weft.replication.kv;

import java.util.Objects;

/**
 * One operation on one key. Its values are checked against its kind: put, append and
 * compare-and-set need a {@code value}; get and delete take none; only compare-and-set takes an
 * {@code expected} value (null there means "the key must be absent").
 *
 * @param kind what it does
 * @param key the key
 * @param value the value to put or append, or the new value of a compare-and-set; else null
 * @param expected the value a compare-and-set expects (null: absent); else null
 */
public record KvOp(Kind kind, String key, String value, String expected) {
  /** The operations of the map. */
  public enum Kind {
    /** Reads a key. */
    GET,
    /** Sets a key. */
    PUT,
    /** Appends to a key's value (an absent key counts as empty). */
    APPEND,
    /** Removes a key; reports whether it was there. */
    DELETE,
    /** Sets a key only if its value equals {@code expected}; reports whether it did. */
    CAS
  }

  /**
   * Checks the operation.
   *
   * @param kind what it does
   * @param key the key
   * @param value the value, for put, append and compare-and-set
   * @param expected the expected value, for compare-and-set
   * @throws NullPointerException if {@code kind} or {@code key} is null, or {@code value} is null
   *     for put, append or compare-and-set
   * @throws IllegalArgumentException if a get or a delete has a value, or an operation other than
   *     compare-and-set has an expected value
   */
  public KvOp {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(key, "key");
    boolean takesValue = kind == Kind.PUT || kind == Kind.APPEND || kind == Kind.CAS;
    if (takesValue && value == null) {
      throw new NullPointerException(kind + " of key " + key + " needs a value");
    }
    if (!takesValue && value != null) {
      throw new IllegalArgumentException(kind + " of key " + key + " takes no value: " + value);
    }
    if (kind != Kind.CAS && expected != null) {
      throw new IllegalArgumentException(
          kind + " of key " + key + " takes no expected value: " + expected);
    }
  }

  /**
   * A get.
   *
   * @param key the key
   * @return the operation
   */
  public static KvOp get(String key) {
    return new KvOp(Kind.GET, key, null, null);
  }

  /**
   * A put.
   *
   * @param key the key
   * @param value the new value
   * @return the operation
   */
  public static KvOp put(String key, String value) {
    return new KvOp(Kind.PUT, key, value, null);
  }

  /**
   * An append.
   *
   * @param key the key
   * @param value what to append
   * @return the operation
   */
  public static KvOp append(String key, String value) {
    return new KvOp(Kind.APPEND, key, value, null);
  }

  /**
   * A delete.
   *
   * @param key the key
   * @return the operation
   */
  public static KvOp delete(String key) {
    return new KvOp(Kind.DELETE, key, null, null);
  }

  /**
   * A compare-and-set.
   *
   * @param key the key
   * @param expected the value the key must hold (null: absent)
   * @param value the new value
   * @return the operation
   */
  public static KvOp cas(String key, String expected, String value) {
    return new KvOp(Kind.CAS, key, value, expected);
  }

  /**
   * Tells whether the operation only reads (a get), so that a scheme may serve it without an
   * update: from the tail, or from any clean replica under CRAQ.
   *
   * @return true for a get
   */
  public boolean isRead() {
    return kind == Kind.GET;
  }

  @Override
  public String toString() {
    return switch (kind) {
      case GET -> "get(" + key + ")";
      case DELETE -> "delete(" + key + ")";
      case PUT -> "put(" + key + ", " + value + ")";
      case APPEND -> "append(" + key + ", " + value + ")";
      case CAS -> "cas(" + key + ", " + expected + " -> " + value + ")";
    };
  }
}
