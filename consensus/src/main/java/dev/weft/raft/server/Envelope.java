package dev.weft.raft.server;

import dev.weft.raft.RaftMessage;
import java.util.Objects;

/**
 * What one server sends another over a {@link Transport}: the wire form of the driver's traffic. A
 * Raft message, or a proposal that a follower forwards to its leader and the leader's answer.
 * Immutable (the arrays are the sender's and must not be changed); a transport may drop, delay,
 * duplicate or reorder envelopes, and a server copes with all of it.
 *
 * <p>A transport between processes needs a byte form: {@code dev.weft.raft.wire.EnvelopeCodec}
 * encodes every envelope, and every {@link RaftMessage}, in a versioned binary format, and decodes
 * untrusted bytes safely. The interface is sealed, so that the codec (and {@link Replica}) must say
 * what they do with every kind.
 *
 * <p><b>Forwarding.</b> A follower numbers its forwards ({@link Forward#id()}) and stamps them with
 * a random {@link Forward#incarnation()} drawn when the server starts, so that the forwards of a
 * restarted server (whose numbers start again at 0) are never taken for its predecessor's. The
 * leader ignores a forward it has seen (same sender, incarnation and id) among its last 4,096, and
 * answers each one it takes with a {@link ForwardReply} carrying the same incarnation and id; the
 * follower accepts an answer only from the server it forwarded to, for its own incarnation.
 */
public sealed interface Envelope {
  /**
   * The sender's id.
   *
   * @return the id of the server that sent the envelope
   */
  String from();

  /**
   * The addressee's id.
   *
   * @return the id of the server the envelope is for
   */
  String to();

  /**
   * A message of the Raft protocol.
   *
   * @param message the message; its {@code from} and {@code to} are the envelope's
   */
  record Raft(RaftMessage message) implements Envelope {
    /**
     * Wraps a message.
     *
     * @param message the message
     * @throws NullPointerException if {@code message} is null
     */
    public Raft {
      Objects.requireNonNull(message, "message");
    }

    @Override
    public String from() {
      return message.from();
    }

    @Override
    public String to() {
      return message.to();
    }
  }

  /**
   * A command a follower forwards to the server it believes is the leader.
   *
   * @param from the follower
   * @param to the leader it believes in
   * @param incarnation the follower's random number for this run of it, echoed in the answer
   * @param id the follower's number for this request in this incarnation, echoed in the answer
   * @param command the command
   */
  record Forward(String from, String to, long incarnation, long id, byte[] command)
      implements Envelope {
    /**
     * Checks the components.
     *
     * @param from the follower
     * @param to the leader it believes in
     * @param incarnation the follower's number for this run of it
     * @param id the follower's number for this request
     * @param command the command
     * @throws NullPointerException if a component is null
     */
    public Forward {
      Objects.requireNonNull(from, "from");
      Objects.requireNonNull(to, "to");
      Objects.requireNonNull(command, "command");
    }

    @Override
    public String toString() {
      return "Forward[" + from + "->" + to + " #" + id + ", " + command.length + " bytes]";
    }
  }

  /**
   * The leader's answer to a {@link Forward}: the result of the applied command, or why it failed.
   *
   * @param from the server that answers
   * @param to the follower that forwarded
   * @param incarnation the incarnation of the forward answered
   * @param id the number of the forward answered
   * @param result the state machine's result when {@code failure} is null (may be null)
   * @param failure null on success; otherwise what went wrong
   * @param leader on {@link Failure#NOT_LEADER}, the leader the answering server knows of, or null
   * @param index on {@link Failure#REJECTED}, the index of the command's entry; else 0
   * @param term on {@link Failure#REJECTED}, the term of the command's entry; else 0
   */
  record ForwardReply(
      String from,
      String to,
      long incarnation,
      long id,
      byte[] result,
      Failure failure,
      String leader,
      long index,
      long term)
      implements Envelope {
    /**
     * Checks the components.
     *
     * @param from the server that answers
     * @param to the follower that forwarded
     * @param incarnation the incarnation of the forward answered
     * @param id the number of the forward answered
     * @param result the result (may be null)
     * @param failure null on success, else why it failed
     * @param leader the known leader on {@code NOT_LEADER}, or null
     * @param index the entry's index on {@code REJECTED}
     * @param term the entry's term on {@code REJECTED}
     * @throws NullPointerException if {@code from} or {@code to} is null
     */
    public ForwardReply {
      Objects.requireNonNull(from, "from");
      Objects.requireNonNull(to, "to");
    }

    @Override
    public String toString() {
      return "ForwardReply["
          + from
          + "->"
          + to
          + " #"
          + id
          + (failure == null ? " applied" : " " + failure)
          + (failure == Failure.REJECTED ? " at " + index + "/" + term : "")
          + "]";
    }
  }

  /** Why a forwarded proposal failed. */
  enum Failure {
    /** The addressee is not the leader. */
    NOT_LEADER,
    /** The entry was replaced by another leader's entry at its index; it will never apply. */
    DROPPED,
    /** The addressee is shutting down. */
    SHUT_DOWN,
    /**
     * The state machine refused the command (threw) when the entry at {@link ForwardReply#index()}
     * was applied. The follower fails its future with the exception its own state machine throws
     * for that entry (every replica refuses a command the same way).
     */
    REJECTED
  }
}
