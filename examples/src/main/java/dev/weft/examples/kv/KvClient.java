package dev.weft.examples.kv;

import dev.weft.raft.NotLeaderException;
import dev.weft.raft.TransferInProgressException;
import dev.weft.raft.server.ProposalDroppedException;
import dev.weft.raft.server.RaftServer;
import dev.weft.raft.server.ServerClosedException;
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
 * per thread). It is the Raft service's {@link dev.weft.replication.kv.KeyValueClient}, the
 * interface that primary-backup and chain replication serve too; its session handling is {@link
 * SessionKvClient}'s.
 */
public final class KvClient extends SessionKvClient {
  private final Function<String, RaftServer> servers;
  private final List<String> ids;
  private final Duration attemptTimeout;
  private String target;
  private int next;

  /**
   * Creates a client.
   *
   * @param servers the servers of the cluster
   * @param attemptTimeout how long one attempt waits before trying another server
   * @param deadline how long a request may take in all before it fails
   * @throws IllegalArgumentException if there are no servers, or {@code deadline} is not positive
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
   * @throws IllegalArgumentException if there are no servers, or {@code deadline} is not positive
   */
  public KvClient(
      List<String> ids,
      Function<String, RaftServer> servers,
      Duration attemptTimeout,
      Duration deadline) {
    super(deadline);
    if (ids.isEmpty()) {
      throw new IllegalArgumentException("no servers");
    }
    this.ids = List.copyOf(ids);
    this.servers = Objects.requireNonNull(servers, "servers");
    this.attemptTimeout = Objects.requireNonNull(attemptTimeout, "attemptTimeout");
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
   * Submits {@code command} (or, for a {@code read}, reads with it: by the leader, or by a follower
   * at the read index the leader gives) until a server answers it, retrying elsewhere, until {@code
   * end}.
   */
  @Override
  protected byte[] send(byte[] command, long end, boolean read)
      throws TimeoutException, InterruptedException {
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
        return (read ? server.read(command) : server.submit(command))
            .get(attemptTimeout.toNanos(), TimeUnit.NANOSECONDS);
      } catch (ExecutionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof NotLeaderException n
            && n.leader() != null
            && ids.contains(n.leader())
            && !n.leader().equals(target)) {
          target = n.leader();
          continue;
        }
        if (cause instanceof TransferInProgressException t && ids.contains(t.target())) {
          target = t.target(); // leadership is moving there
          Thread.sleep(1);
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
    throw unanswered();
  }

  /**
   * The server this client will try first.
   *
   * @return a server id
   */
  public String target() {
    return target;
  }
}
