package dev.weft.replication.kv;

import java.util.Objects;

/**
 * A client's request: who asks ({@code client}), its request number ({@code seq}, the same on every
 * retry) and what.
 *
 * @param client the client's id, unique among clients and never reused by a restarted client
 * @param seq the client's request number, from 1, increasing by one per request
 * @param op the operation
 */
public record KvRequest(long client, long seq, KvOp op) {
  /**
   * Checks the components.
   *
   * @param client the client's id
   * @param seq the request number
   * @param op the operation
   * @throws IllegalArgumentException if {@code seq} is below 1
   * @throws NullPointerException if {@code op} is null
   */
  public KvRequest {
    Objects.requireNonNull(op, "op");
    if (seq < 1) {
      throw new IllegalArgumentException("request numbers start at 1: " + seq);
    }
  }

  @Override
  public String toString() {
    return "c" + client + "#" + seq + " " + op;
  }
}
