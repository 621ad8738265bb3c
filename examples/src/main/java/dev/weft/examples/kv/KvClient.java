package dev.weft.examples.kv;

import dev.weft.raft.NotLeaderException;
import dev.weft.raft.server.ProposalDroppedException;
import dev.weft.raft.server.RaftServer;
import dev.weft.raft.server.ServerClosedException;
import dev.weft.replication.kv.KeyValueClient;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * A client of the replicated map, for servers in this JVM. On its first request it registers a
 * session with the map (which gives it a session id no other client has); then it numbers its
 * requests in that session, sends each to the server it believes leads, and retries with the same
 * number on another server when an attempt fails or times out, so that the map's deduplication
 * makes every request take effect at most once. If the session has expired (the client was idle
 * longer than the map's session timeout), the request fails with {@link SessionExpiredException}
 * and the next one registers a new session. One request at a time (not thread-safe; use one client
 * per thread). It is the Raft service's {@link KeyValueClient}, the interface that primary-backup
 * and chain replication serve too.
 */
public final class KvClient implements KeyValueClient {
  private final Function<String, RaftServer> servers;
  private final List<String> ids;
  private final Duration attemptTimeout;
  private final Duration deadline;
  private long session = -1;
  private long seq;
  private String target;
  private int next;

  /**
   * Creates a client.
   *
   * @param servers the servers of the cluster
   * @param attemptTimeout how long one attempt waits before trying another server
   * @param deadline how long a request may take in all before it fails
   * @throws IllegalArgumentException if there are no servers
   */
  public KvClient(List<RaftServer> servers, Duration attemptTimeout, Duration deadline) {
    this(ids(servers), byId(servers)::get, attemptTimeout, deadline);
  }

  /**
   * Creates a client that looks servers up by id on every attempt, so that it follows servers that
   * are restarted (a new {@link RaftServer} under the same id).
   *
   * @param ids the ids of the cluster's servers
   * @param servers the running server with an id, or null while it is down
   * @param attemptTimeout how long one attempt waits before trying another server
   * @param deadline how long a request may take in all before it fails
   * @throws IllegalArgumentException if there are no servers
   */
  public KvClient(
      List<String> ids,
      Function<String, RaftServer> servers,
      Duration attemptTimeout,
      Duration deadline) {
    if (ids.isEmpty()) {
      throw new IllegalArgumentException("no servers");
    }
    this.ids = List.copyOf(ids);
    this.servers = Objects.requireNonNull(servers, "servers");
    this.attemptTimeout = Objects.requireNonNull(attemptTimeout, "attemptTimeout");
    this.deadline = Objects.requireNonNull(deadline, "deadline");
    this.target = this.ids.get(0);
  }

  private static List<String> ids(List<RaftServer> servers) {
    return servers.stream().map(RaftServer::id).toList();
  }

  private static Map<String, RaftServer> byId(List<RaftServer> servers) {
    Map<String, RaftServer> m = new LinkedHashMap<>();
    for (RaftServer s : servers) {
      m.put(s.id(), s);
    }
    return m;
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
   * Runs one request to completion, registering a session first if there is none, and retrying as
   * the class comment says.
   *
   * @param kind the operation (not {@link KvCommand.Kind#REGISTER})
   * @param key the key
   * @param value the value, for put, append and cas
   * @param expected the expected value, for cas
   * @return the result
   * @throws TimeoutException if no answer came within the deadline
   * @throws SessionExpiredException if the session expired; whether the request took effect is
   *     unknown (an earlier attempt may have), and the next request registers a new session
   * @throws InterruptedException if interrupted
   */
  public KvResult execute(KvCommand.Kind kind, String key, String value, String expected)
      throws TimeoutException, InterruptedException {
    if (kind == KvCommand.Kind.REGISTER) {
      throw new IllegalArgumentException("the client registers by itself");
    }
    long end = System.nanoTime() + deadline.toNanos();
    if (session < 0) {
      byte[] id = send(KvCommand.register(System.currentTimeMillis()).encode(), end);
      session = ByteBuffer.wrap(id).getLong();
      seq = 0;
    }
    KvCommand c =
        new KvCommand(session, ++seq, System.currentTimeMillis(), kind, key, value, expected);
    try {
      return KvResult.decode(send(c.encode(), end));
    } catch (SessionExpiredException e) {
      session = -1;
      throw e;
    }
  }

  /** Submits {@code command} until a server answers it, retrying elsewhere, until {@code end}. */
  private byte[] send(byte[] command, long end) throws TimeoutException, InterruptedException {
    for (int attempt = 0; System.nanoTime() - end < 0; attempt++) {
      if (attempt > 1) {
        Thread.sleep(1); // hints can chase each other while an election settles
      }
      RaftServer server = servers.apply(target);
      if (server == null) {
        target = ids.get(next++ % ids.size()); // down: try another
        continue;
      }
      try {
        return server.submit(command).get(attemptTimeout.toNanos(), TimeUnit.NANOSECONDS);
      } catch (ExecutionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof NotLeaderException n
            && n.leader() != null
            && ids.contains(n.leader())
            && !n.leader().equals(target)) {
          target = n.leader();
          continue;
        }
        if (!(cause instanceof NotLeaderException
                || cause instanceof ProposalDroppedException
                || cause instanceof ServerClosedException
                || cause instanceof TimeoutException)
            && cause instanceof RuntimeException refusal) {
          throw refusal; // the map refused the command (an expired session, say): do not retry
        }
        Thread.sleep(5); // no leader known yet, or the server is gone: let an election finish
      } catch (TimeoutException e) {
        // the command may still be applied; the retry below carries the same number
      }
      target = ids.get(next++ % ids.size());
    }
    throw new TimeoutException("request " + seq + " of session " + session + " not answered");
  }

  /**
   * The server this client will try first.
   *
   * @return a server id
   */
  public String target() {
    return target;
  }

  /**
   * The client's session, once registered.
   *
   * @return the session id the map gave it, or -1 before the first request
   */
  public long session() {
    return session;
  }
}
