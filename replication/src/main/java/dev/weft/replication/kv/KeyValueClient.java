package dev.weft.replication.kv;

import java.util.concurrent.TimeoutException;

/**
 * The key-value interface every replicated service of weft offers its applications, whatever
 * replicates it: Raft (the key-value example), primary-backup, or chain replication. A client has
 * an id and numbers its requests, and retries a request with the same number until a server
 * answers, so that each request takes effect at most once and gets the answer of its first
 * execution.
 *
 * <p>Every operation is linearizable. One request at a time: implementations are not meant to be
 * shared between threads (use one client per thread).
 */
public interface KeyValueClient {
  /**
   * Reads a key.
   *
   * @param key the key
   * @return its value, or null if absent
   * @throws TimeoutException if no server answered in time (nothing was changed)
   * @throws InterruptedException if interrupted while waiting
   */
  String get(String key) throws TimeoutException, InterruptedException;

  /**
   * Sets a key.
   *
   * @param key the key
   * @param value its new value
   * @throws TimeoutException if no answer came in time (the write may or may not take effect)
   * @throws InterruptedException if interrupted while waiting
   */
  void put(String key, String value) throws TimeoutException, InterruptedException;

  /**
   * Appends to a key's value (an absent key counts as empty).
   *
   * @param key the key
   * @param value what to append
   * @throws TimeoutException if no answer came in time (the append may or may not take effect)
   * @throws InterruptedException if interrupted while waiting
   */
  void append(String key, String value) throws TimeoutException, InterruptedException;

  /**
   * Removes a key.
   *
   * @param key the key
   * @return whether it was there
   * @throws TimeoutException if no answer came in time (the delete may or may not take effect)
   * @throws InterruptedException if interrupted while waiting
   */
  boolean delete(String key) throws TimeoutException, InterruptedException;

  /**
   * Sets a key if its value is {@code expected}.
   *
   * @param key the key
   * @param expected the value it must have (null: absent)
   * @param value the new value
   * @return whether it was set
   * @throws TimeoutException if no answer came in time (the set may or may not take effect)
   * @throws InterruptedException if interrupted while waiting
   */
  boolean compareAndSet(String key, String expected, String value)
      throws TimeoutException, InterruptedException;
}
