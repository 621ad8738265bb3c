package dev.weft.raft.server;

import dev.weft.raft.RaftMessage;
import java.util.Objects;

/**
 * What one server sends another over a {@link Transport}: a Raft message, or a proposal forwarded
 * from a follower to its leader and the leader's answer. Immutable; a transport may drop, delay,
 * duplicate or reorder envelopes, and a server copes with all of it.
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
   * @param id the follower's number for this request, echoed in the {@link ForwardReply}
   * @param command the command
   */
  record Forward(String from, String to, long id, byte[] command) implements Envelope {
    /**
     * Checks the components.
     *
     * @param from the follower
     * @param to the leader it believes in
     * @param id the follower's number for this request
     * @param command the command
     * @throws NullPointerException if a component is null
     */
    public Forward {
      Objects.requireNonNull(from, "from");
      Objects.requireNonNull(to, "to");
      Objects.requireNonNull(command, "command");
    }
  }

  /**
   * The leader's answer to a {@link Forward}: the result of the applied command, or why it failed.
   *
   * @param from the server that answers
   * @param to the follower that forwarded
   * @param id the number of the request answered
   * @param result the state machine's result when {@code failure} is null (may be null)
   * @param failure null on success; otherwise what went wrong, one of {@link Failure}
   * @param leader on {@link Failure#NOT_LEADER}, the leader the answering server knows of, or null
   */
  record ForwardReply(
      String from, String to, long id, byte[] result, Failure failure, String leader)
      implements Envelope {
    /**
     * Checks the components.
     *
     * @param from the server that answers
     * @param to the follower that forwarded
     * @param id the number of the request answered
     * @param result the result (may be null)
     * @param failure null on success, else why it failed
     * @param leader the known leader on {@code NOT_LEADER}, or null
     * @throws NullPointerException if {@code from} or {@code to} is null
     */
    public ForwardReply {
      Objects.requireNonNull(from, "from");
      Objects.requireNonNull(to, "to");
    }
  }

  /** Why a forwarded proposal failed. */
  enum Failure {
    /** The addressee is not the leader. */
    NOT_LEADER,
    /** The entry was replaced by another leader's entry at its index; it will never apply. */
    DROPPED,
    /** The addressee is shutting down. */
    SHUT_DOWN
  }
}
