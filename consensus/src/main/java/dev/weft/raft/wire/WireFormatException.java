package dev.weft.raft.wire;

import java.io.Serial;

/**
 * Bytes given to {@link EnvelopeCodec} to decode are not an envelope or message in its format:
 * truncated, with trailing bytes, of an unknown version or kind, with a length beyond the input, a
 * boolean or failure code out of range, or an id that is not UTF-8. The message says what and at
 * which byte offset.
 */
public final class WireFormatException extends IllegalArgumentException {
  @Serial private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what is wrong, and where
   */
  public WireFormatException(String message) {
    super(message);
  }
}
