package dev.weft.raft;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * One entry of the replicated log: its position, the term of the leader that created it, what kind
 * of entry it is, and its data.
 *
 * <p>Most entries are {@linkplain Kind#COMMAND commands} for the application's state machine; the
 * three-argument constructor makes one. The leader of each term starts it with a command entry
 * whose data is empty (the no-op of Raft §8, which lets it commit entries of earlier terms).
 * Entries of kind {@link Kind#MEMBERSHIP} carry a {@link Membership} (the group's configuration)
 * for the core itself. A state machine applies exactly the entries for which {@link #isCommand()}
 * is true (the same as {@code !isEmpty()}); an empty command proposed by the application is skipped
 * like a no-op.
 *
 * <p><b>Ownership of the data.</b> An entry holds the array it is given, and {@link #data()}
 * returns that same array, as etcd's raft does: neither copies, because a command crosses the core,
 * the storage, the network and the state machine on every replica and a copy at each step would
 * cost more than the rest of the path. The rule that keeps the entry immutable: whoever makes an
 * entry gives up the array (never changes it afterwards), and whoever reads {@code data()} only
 * reads it (copy it to keep a changed version). Equality compares the data's contents, and {@link
 * #toString()} shows at most 16 bytes of it, in hexadecimal.
 *
 * @param index the entry's position in the log, from 1
 * @param term the term in which a leader created it, from 1
 * @param kind what the entry carries
 * @param data the command; empty for a leader's no-op; an encoded {@link Membership} for a
 *     membership entry
 */
public record LogEntry(long index, long term, Kind kind, byte[] data) {
  private static final int SHOWN_BYTES = 16;

  /** What an entry carries. */
  public enum Kind {
    /** A command for the application's state machine (or, with empty data, a no-op). */
    COMMAND,
    /**
     * A new configuration of the group ({@link Membership#encode()}), used by the core once the
     * entry is committed and applied. Never handed to a state machine.
     */
    MEMBERSHIP
  }

  /**
   * Makes an entry that holds {@code data} itself (not a copy): do not change the array afterwards.
   *
   * @param index the entry's position in the log
   * @param term the term in which a leader created it
   * @param kind what the entry carries
   * @param data the command, or the encoded membership; kept, not copied
   * @throws NullPointerException if {@code kind} or {@code data} is null
   */
  public LogEntry {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(data, "data");
  }

  /**
   * Creates a command entry.
   *
   * @param index the entry's position in the log
   * @param term the term in which a leader created it
   * @param data the command; empty for a leader's no-op; kept, not copied
   * @throws NullPointerException if {@code data} is null
   */
  public LogEntry(long index, long term, byte[] data) {
    this(index, term, Kind.COMMAND, data);
  }

  /**
   * Creates a membership entry.
   *
   * @param index the entry's position in the log
   * @param term the term in which a leader created it
   * @param membership the configuration it carries
   * @return the entry
   * @throws NullPointerException if {@code membership} is null
   */
  public static LogEntry membership(long index, long term, Membership membership) {
    return new LogEntry(index, term, Kind.MEMBERSHIP, membership.encode());
  }

  /**
   * Returns the entry's data: the array it holds, not a copy. Read it; never change it.
   *
   * @return the entry's own array
   */
  @Override
  public byte[] data() {
    return data;
  }

  /**
   * Returns the size of the command in bytes, without copying it.
   *
   * @return the data's length
   */
  public int size() {
    return data.length;
  }

  /**
   * Tells whether the entry carries no command for the state machine: a leader's no-op, an empty
   * proposal, or a {@link Kind#MEMBERSHIP} entry.
   *
   * @return true unless {@link #isCommand()}
   */
  public boolean isEmpty() {
    return !isCommand();
  }

  /**
   * Tells whether a state machine applies this entry: a command with data.
   *
   * @return true for a {@link Kind#COMMAND} entry whose data is not empty
   */
  public boolean isCommand() {
    return kind == Kind.COMMAND && data.length > 0;
  }

  /**
   * Tells whether this entry's data equals {@code other}, without copying it.
   *
   * @param other the bytes to compare with
   * @return true if they have the same length and contents
   */
  public boolean dataEquals(byte[] other) {
    return Arrays.equals(data, other);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LogEntry e
        && e.index == index
        && e.term == term
        && e.kind == kind
        && Arrays.equals(e.data, data);
  }

  @Override
  public int hashCode() {
    return ((Long.hashCode(index) * 31 + Long.hashCode(term)) * 31 + kind.ordinal()) * 31
        + Arrays.hashCode(data);
  }

  @Override
  public String toString() {
    if (kind == Kind.MEMBERSHIP) {
      return index + "/" + term + " membership";
    }
    String shown =
        HexFormat.of().formatHex(data, 0, Math.min(data.length, SHOWN_BYTES))
            + (data.length > SHOWN_BYTES ? "..+" + (data.length - SHOWN_BYTES) : "");
    return index + "/" + term + (data.length == 0 ? "" : ":" + shown);
  }
}
