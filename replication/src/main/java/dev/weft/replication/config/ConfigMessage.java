package dev.weft.replication.config;

import java.util.Objects;

/**
 * What clients and the members of the configuration service say to each other (the members' Raft
 * messages travel beside these as {@link dev.weft.raft.RaftMessage}s). Immutable values; a network
 * may lose, duplicate, delay or reorder them.
 */
public sealed interface ConfigMessage {
  /**
   * A client's request: a linearizable get, or a test-and-set. Retries carry the same {@code seq},
   * and the register answers a retry with the result of the first execution.
   *
   * @param client the client's id, never reused by another client or a restarted one
   * @param seq the client's request number, from 1
   * @param testAndSet false for a get
   * @param expected for a test-and-set, the version the register must be at
   * @param next for a test-and-set, the new value; empty for a get. Copied on construction; do not
   *     change the array the accessor returns
   */
  record Request(long client, long seq, boolean testAndSet, long expected, byte[] next)
      implements ConfigMessage {
    /**
     * Checks the components.
     *
     * @param client the client's id
     * @param seq the request number
     * @param testAndSet false for a get
     * @param expected the version expected
     * @param next the new value
     * @throws IllegalArgumentException if {@code seq} is below 1
     * @throws NullPointerException if {@code next} is null
     */
    public Request {
      next = next.clone();
      if (seq < 1) {
        throw new IllegalArgumentException("request numbers start at 1: " + seq);
      }
    }

    @Override
    public String toString() {
      return "config c"
          + client
          + "#"
          + seq
          + (testAndSet ? " testAndSet(v" + expected + ", " + next.length + " bytes)" : " get");
    }
  }

  /**
   * The answer to a {@link Request}: for a get, {@code ok} is true; for a test-and-set, whether it
   * set. {@code current} is the register after the request.
   *
   * @param client the client that asked
   * @param seq the number of the request answered
   * @param ok whether a test-and-set set (true for a get)
   * @param current the register's contents after the request
   */
  record Reply(long client, long seq, boolean ok, Versioned current) implements ConfigMessage {
    /**
     * Checks the components.
     *
     * @param client the client
     * @param seq the request number
     * @param ok the outcome
     * @param current the contents
     * @throws NullPointerException if {@code current} is null
     */
    public Reply {
      Objects.requireNonNull(current, "current");
    }

    @Override
    public String toString() {
      return "config reply c"
          + client
          + "#"
          + seq
          + (ok ? " " : " failed ")
          + "v"
          + current.version();
    }
  }

  /**
   * The member asked is not the Raft leader; try {@code leader}, if known.
   *
   * @param client the client that asked
   * @param seq the number of the request refused
   * @param leader the leader this member knows of, or null
   */
  record NotLeader(long client, long seq, String leader) implements ConfigMessage {
    @Override
    public String toString() {
      return "not leader c" + client + "#" + seq + " leader " + leader;
    }
  }

  /**
   * Asks to be told once the register passes a version: the member answers with {@link Changed} as
   * soon as it has applied a later version (at once if it already has). Any member answers, leader
   * or not: what it reports is committed. A member keeps one watch per sender; clients send it
   * again now and then, since the member, the watch or the answer may be lost.
   *
   * @param after the version the watcher has
   */
  record Watch(long after) implements ConfigMessage {
    @Override
    public String toString() {
      return "watch after v" + after;
    }
  }

  /**
   * The register has passed the version a {@link Watch} named.
   *
   * @param current the register's committed contents at this member
   */
  record Changed(Versioned current) implements ConfigMessage {
    /**
     * Checks the component.
     *
     * @param current the contents
     * @throws NullPointerException if {@code current} is null
     */
    public Changed {
      Objects.requireNonNull(current, "current");
    }

    @Override
    public String toString() {
      return "changed to v" + current.version();
    }
  }
}
