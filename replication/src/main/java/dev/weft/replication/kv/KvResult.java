package dev.weft.replication.kv;

/**
 * What an operation returned: for a get, the value read (null if the key is absent); for a
 * compare-and-set, whether it set; for a delete, whether the key was there; for put and append,
 * {@code ok} is true.
 *
 * @param value the value a get read, else null
 * @param ok false for a compare-and-set that did not set or a delete of an absent key
 */
public record KvResult(String value, boolean ok) {
  /** The result of a put or an append. */
  public static final KvResult DONE = new KvResult(null, true);

  @Override
  public String toString() {
    return value != null ? '"' + value + '"' : ok ? "ok" : "false";
  }
}
