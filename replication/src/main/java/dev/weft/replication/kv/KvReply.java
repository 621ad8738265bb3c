package dev.weft.replication.kv;

import java.util.Objects;

/**
 * A server's answer to a {@link KvRequest}: the request took effect (once, however often it was
 * retried) with this result.
 *
 * @param client the client that asked
 * @param seq the number of the request answered
 * @param result what the operation returned
 */
public record KvReply(long client, long seq, KvResult result) {
  /**
   * Checks the components.
   *
   * @param client the client that asked
   * @param seq the request number
   * @param result the result
   * @throws NullPointerException if {@code result} is null
   */
  public KvReply {
    Objects.requireNonNull(result, "result");
  }

  @Override
  public String toString() {
    return "reply c" + client + "#" + seq + " " + result;
  }
}
