package dev.weft.clocks;

/**
 * Thrown when bytes given to a clock value's decoder ({@code fromBytes} or {@code readFrom}) are
 * not a valid encoding: a wrong format version or kind, a truncated value, trailing bytes,
 * malformed varints or UTF-8, or values out of range. The message says what was wrong and {@link
 * #offset()} where.
 */
public final class ClockDecodingException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  /** The byte offset, from the start of the encoded value, where decoding failed. */
  private final int offset;

  /**
   * Creates the exception.
   *
   * @param message what was wrong
   * @param offset the byte offset, from the start of the encoded value, where decoding failed
   */
  public ClockDecodingException(String message, int offset) {
    super(message + " (at byte " + offset + ")");
    this.offset = offset;
  }

  /**
   * Returns where decoding failed.
   *
   * @return the byte offset from the start of the encoded value
   */
  public int offset() {
    return offset;
  }
}
