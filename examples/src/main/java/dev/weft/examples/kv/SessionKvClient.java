package dev.weft.examples.kv;

import dev.weft.replication.kv.KeyValueClient;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeoutException;

/**
 * The part of a key-value client that is the same whatever carries its requests: the session with
 * the replicated map (after Ongaro's thesis, §6.3) and the numbering of requests in it. On its
 * first request a client registers a session (the map gives it an id no other client has); then it
 * numbers its requests in that session, and a subclass's {@link #send} delivers each, retrying on
 * whichever server it likes with the same bytes, so that the map's deduplication makes every
 * request take effect at most once. If the session has expired (the client was idle longer than the
 * map's session timeout), the request fails with {@link SessionExpiredException} and the next one
 * registers a new session.
 *
 * <p>{@link KvClient} sends to servers in its own JVM, and the gRPC module's client to nodes in
 * other processes. One request at a time: not thread-safe; use one client per thread.
 */
public abstract class SessionKvClient implements KeyValueClient {
  private final Duration deadline;
  private long session = -1;
  private long seq;

  /**
   * Creates a client with no session yet.
   *
   * @param deadline how long a request may take in all before it fails
   * @throws IllegalArgumentException if {@code deadline} is not positive
   */
  protected SessionKvClient(Duration deadline) {
    this.deadline = positive(deadline, "deadline");
  }

  /**
   * Checks that a duration is positive.
   *
   * @param d the duration
   * @param what its name, for the error
   * @return {@code d}
   * @throws IllegalArgumentException if it is zero or negative
   */
  protected static Duration positive(Duration d, String what) {
    Objects.requireNonNull(d, what);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(what + " must be positive: " + d);
    }
    return d;
  }

  /**
   * Reads a key.
   *
   * @param key the key
   * @return its value, or null if absent
   * @throws TimeoutException if no server answered within the deadline (nothing was changed)
   * @throws InterruptedException if interrupted
   */
  @Override
  public String get(String key) throws TimeoutException, InterruptedException {
    return execute(KvCommand.Kind.GET, key, null, null).value();
  }

  /**
   * Sets a key.
   *
   * @param key the key
   * @param value its new value
   * @throws TimeoutException if no answer came within the deadline (the write may or may not have
   *     taken effect)
   * @throws InterruptedException if interrupted
   */
  @Override
  public void put(String key, String value) throws TimeoutException, InterruptedException {
    execute(KvCommand.Kind.PUT, key, value, null);
  }

  /**
   * Appends to a key's value.
   *
   * @param key the key
   * @param value what to append
   * @throws TimeoutException if no answer came within the deadline (see {@link #put})
   * @throws InterruptedException if interrupted
   */
  @Override
  public void append(String key, String value) throws TimeoutException, InterruptedException {
    execute(KvCommand.Kind.APPEND, key, value, null);
  }

  /**
   * Removes a key.
   *
   * @param key the key
   * @return whether it was there
   * @throws TimeoutException if no answer came within the deadline (see {@link #put})
   * @throws InterruptedException if interrupted
   */
  @Override
  public boolean delete(String key) throws TimeoutException, InterruptedException {
    return execute(KvCommand.Kind.DELETE, key, null, null).ok();
  }

  /**
   * Sets a key if its value is {@code expected}.
   *
   * @param key the key
   * @param expected the value it must have (null: absent)
   * @param value the new value
   * @return whether it was set
   * @throws TimeoutException if no answer came within the deadline (see {@link #put})
   * @throws InterruptedException if interrupted
   */
  @Override
  public boolean compareAndSet(String key, String expected, String value)
      throws TimeoutException, InterruptedException {
    return execute(KvCommand.Kind.CAS, key, value, expected).ok();
  }

  /**
   * Runs one request to completion, registering a session first if there is none.
   *
   * @param kind the operation (not {@link KvCommand.Kind#REGISTER})
   * @param key the key
   * @param value the value, for put, append and cas
   * @param expected the expected value, for cas (null: absent)
   * @return the map's result
   * @throws TimeoutException if no answer came within the deadline (a write may or may not have
   *     taken effect)
   * @throws SessionExpiredException if the session expired; whether the request took effect is
   *     unknown (an earlier attempt may have), and the next request registers a new session
   * @throws IllegalArgumentException if the arguments do not make a command
   * @throws InterruptedException if interrupted
   */
  public final KvResult execute(KvCommand.Kind kind, String key, String value, String expected)
      throws TimeoutException, InterruptedException {
    if (kind == KvCommand.Kind.REGISTER) {
      throw new IllegalArgumentException("the client registers by itself");
    }
    long end = System.nanoTime() + deadline.toNanos();
    if (session < 0) {
      byte[] id = send(KvCommand.register(System.currentTimeMillis()).encode(), end, false);
      session = ByteBuffer.wrap(id).getLong();
      seq = 0;
    }
    KvCommand c =
        new KvCommand(session, ++seq, System.currentTimeMillis(), kind, key, value, expected);
    try {
      // a get may be served without the log (ReadIndex, thesis 6.4) where the carrier can
      return KvResult.decode(send(c.encode(), end, kind == KvCommand.Kind.GET));
    } catch (SessionExpiredException e) {
      session = -1;
      throw e;
    }
  }

  /**
   * Delivers an encoded command to the cluster and returns the map's answer, retrying (with the
   * same bytes) on failures that a retry may get past, until {@code end}.
   *
   * @param command the encoded command
   * @param end the deadline, on {@link System#nanoTime()}'s scale
   * @param read whether the command only reads (it may be served without a log entry)
   * @return the map's encoded answer
   * @throws TimeoutException if no answer came by {@code end}; say so with {@link #unanswered}
   * @throws SessionExpiredException if the map refused the command for an expired session
   * @throws InterruptedException if interrupted
   */
  protected abstract byte[] send(byte[] command, long end, boolean read)
      throws TimeoutException, InterruptedException;

  /**
   * The exception a {@link #send} throws when its deadline passes.
   *
   * @return a timeout naming the request and the session
   */
  protected final TimeoutException unanswered() {
    return new TimeoutException(
        "request " + seq + " of session " + session + " not answered within " + deadline);
  }

  /**
   * The client's session with the map, once registered.
   *
   * @return the session id the map gave it, or -1 before the first request
   */
  public final long session() {
    return session;
  }

  /**
   * The number of the client's last request in its session.
   *
   * @return the number (0 before the first)
   */
  public final long sequence() {
    return seq;
  }
}
