package dev.weft.chan;

/**
 * Thrown by a send on a closed channel, by a receive on a channel that is closed and drained, and
 * by closing a channel twice (where Go would panic).
 *
 * <p>If the channel was closed with {@link SendChannel#close(Throwable)}, the cause of this
 * exception is the throwable given there, so a pipeline stage can report why its input ended.
 */
public final class ChannelClosedException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what was attempted
   * @param cause why the channel was closed, or null if it was closed normally
   */
  public ChannelClosedException(String message, Throwable cause) {
    super(message, cause);
  }
}
