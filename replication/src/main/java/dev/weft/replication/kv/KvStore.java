package dev.weft.replication.kv;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The map every replica of a scheme holds: string keys and values, and a session per client that
 * makes retried requests take effect at most once.
 *
 * <p><b>Deduplication.</b> Each client numbers its requests 1, 2, 3, ... and has one outstanding at
 * a time, reusing the number when it retries. The store keeps, per client, the number and result of
 * the last request it executed. A request with that number is a retry: it is not executed again and
 * gets the stored result (the answer of its first execution). A lower number is a retry the client
 * no longer waits for: {@link #apply} returns null and changes nothing. Since the sessions are part
 * of the replicated state (forwarded with each update, copied by state transfer), every replica
 * deduplicates alike, and a request retried at a new primary or a new head after a failure gets the
 * result it had.
 *
 * <p><b>Determinism.</b> {@link #apply} depends only on the store and the request, so replicas that
 * apply the same requests in the same order hold equal stores and compute equal results.
 *
 * <p><b>Memory.</b> One session per client id ever seen (its last request number and result); a
 * service with unbounded client churn would expire sessions deterministically, which this store
 * does not.
 *
 * <p>Not thread-safe: it belongs to one core.
 */
public final class KvStore {
  /**
   * A client's session: its last executed request and that request's result.
   *
   * @param seq the request number
   * @param result what it returned
   */
  public record Session(long seq, KvResult result) {}

  /**
   * An immutable copy of a store, for state transfer.
   *
   * @param data the keys and values
   * @param sessions the sessions, by client id
   */
  public record Image(SortedMap<String, String> data, Map<Long, Session> sessions) {
    /**
     * Copies the maps.
     *
     * @param data the keys and values
     * @param sessions the sessions
     */
    public Image {
      data = Collections.unmodifiableSortedMap(new TreeMap<>(data));
      sessions = Map.copyOf(sessions);
    }

    @Override
    public String toString() {
      return "image of " + data.size() + " keys, " + sessions.size() + " sessions";
    }
  }

  private final TreeMap<String, String> data = new TreeMap<>();
  private final Map<Long, Session> sessions = new HashMap<>();
  private long executed;
  private long duplicates;

  /** Creates an empty store. */
  public KvStore() {}

  /**
   * Creates a store holding a copy of {@code image}.
   *
   * @param image the state to start from
   * @return a new store
   */
  public static KvStore of(Image image) {
    KvStore s = new KvStore();
    s.data.putAll(image.data());
    s.sessions.putAll(image.sessions());
    return s;
  }

  /**
   * Executes a client's request, or recognises a retry.
   *
   * @param request the request
   * @return its result (the stored one for a retry), or null for a stale retry of a request older
   *     than the client's last
   */
  public KvResult apply(KvRequest request) {
    Objects.requireNonNull(request, "request");
    Session s = sessions.get(request.client());
    if (s != null && request.seq() <= s.seq()) {
      duplicates++;
      return request.seq() == s.seq() ? s.result() : null;
    }
    KvResult result = execute(request.op());
    sessions.put(request.client(), new Session(request.seq(), result));
    executed++;
    return result;
  }

  private KvResult execute(KvOp op) {
    String current = data.get(op.key());
    return switch (op.kind()) {
      case GET -> new KvResult(current, true);
      case PUT -> {
        data.put(op.key(), op.value());
        yield KvResult.DONE;
      }
      case APPEND -> {
        data.put(op.key(), current == null ? op.value() : current + op.value());
        yield KvResult.DONE;
      }
      case DELETE -> new KvResult(null, data.remove(op.key()) != null);
      case CAS -> {
        if (Objects.equals(current, op.expected())) {
          data.put(op.key(), op.value());
          yield KvResult.DONE;
        }
        yield new KvResult(null, false);
      }
    };
  }

  /**
   * Reads a key without a session (a query served from a tail or a clean replica).
   *
   * @param key the key
   * @return its value, or null if absent
   */
  public String read(String key) {
    return data.get(Objects.requireNonNull(key, "key"));
  }

  /**
   * Tells whether a client's request was already executed here.
   *
   * @param client the client's id
   * @param seq the request number
   * @return true if this store's session for the client is at {@code seq} or beyond
   */
  public boolean executed(long client, long seq) {
    Session s = sessions.get(client);
    return s != null && s.seq() >= seq;
  }

  /**
   * Copies the whole state, for state transfer.
   *
   * @return an immutable image
   */
  public Image image() {
    return new Image(data, sessions);
  }

  /**
   * How many requests this store executed (retries not counted).
   *
   * @return the count
   */
  public long executedCount() {
    return executed;
  }

  /**
   * How many retries this store recognised and did not execute again.
   *
   * @return the count
   */
  public long duplicates() {
    return duplicates;
  }

  /**
   * The number of keys.
   *
   * @return the map's size
   */
  public int size() {
    return data.size();
  }

  @Override
  public String toString() {
    return "KvStore" + data;
  }
}
