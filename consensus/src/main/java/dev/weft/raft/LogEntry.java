package dev.weft.raft;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * One entry of the replicated log: its position, the term of the leader that created it, and the
 * command for the state machine.
 *
 * <p>The leader of each term starts it with an entry whose data is empty (the no-op of Raft §8,
 * which lets it commit entries of earlier terms); a state machine should skip entries with empty
 * data. An empty command proposed by the application looks the same and is skipped the same way.
 *
 * <p>Immutable: the constructor and {@link #data()} copy the array. Equality compares the data's
 * contents, and {@link #toString()} shows at most 16 bytes of it, in hexadecimal.
 *
 * @param index the entry's position in the log, from 1
 * @param term the term in which a leader created it, from 1
 * @param data the command; empty for a leader's no-op
 */
public record LogEntry(long index, long term, byte[] data) {
  private static final int SHOWN_BYTES = 16;

  /**
   * Copies {@code data}.
   *
   * @param index the entry's position in the log
   * @param term the term in which a leader created it
   * @param data the command; empty for a leader's no-op
   * @throws NullPointerException if {@code data} is null
   */
  public LogEntry {
    data = data.clone();
  }

  /**
   * Returns a copy of the command.
   *
   * @return a new array with the entry's data
   */
  @Override
  public byte[] data() {
    return data.clone();
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
   * Tells whether the entry carries no command (a leader's no-op, or an empty proposal).
   *
   * @return true if the data is empty
   */
  public boolean isEmpty() {
    return data.length == 0;
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
        && Arrays.equals(e.data, data);
  }

  @Override
  public int hashCode() {
    return (Long.hashCode(index) * 31 + Long.hashCode(term)) * 31 + Arrays.hashCode(data);
  }

  @Override
  public String toString() {
    String shown =
        HexFormat.of().formatHex(data, 0, Math.min(data.length, SHOWN_BYTES))
            + (data.length > SHOWN_BYTES ? "..+" + (data.length - SHOWN_BYTES) : "");
    return index + "/" + term + (data.length == 0 ? "" : ":" + shown);
  }
}
