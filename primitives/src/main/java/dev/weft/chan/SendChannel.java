package dev.weft.chan;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * The sending side of a {@link Channel}.
 *
 * <p>Values may not be null. Actions in a thread before it sends a value happen-before the receive
 * that gets that value returns.
 *
 * @param <T> the type of the values
 */
public interface SendChannel<T> {
  /**
   * Sends {@code value}, waiting until a receiver takes it (unbuffered channel) or there is room in
   * the buffer.
   *
   * @param value the value, not null
   * @throws ChannelClosedException if the channel is closed before or while this call waits; the
   *     value was not delivered
   * @throws InterruptedException if the thread is interrupted before the value is delivered; the
   *     value was not delivered. (If the interrupt arrives just as a receiver takes the value, the
   *     send completes and returns with the thread's interrupt status set.)
   */
  void send(T value) throws InterruptedException;

  /**
   * Sends {@code value} if that is possible now, without waiting: a receiver is waiting, or the
   * buffer has room.
   *
   * @param value the value, not null
   * @return true if the value was delivered or buffered; false if the send would have to wait
   * @throws ChannelClosedException if the channel is closed
   */
  boolean trySend(T value);

  /**
   * Sends {@code value}, waiting at most {@code timeout}.
   *
   * @param value the value, not null
   * @param timeout how long to wait at most; zero or negative means do not wait
   * @return true if the value was delivered or buffered; false on timeout, and then it was not
   * @throws ChannelClosedException if the channel is closed before or while this call waits
   * @throws InterruptedException if the thread is interrupted before the value is delivered
   */
  boolean send(T value, Duration timeout) throws InterruptedException;

  /**
   * Closes the channel. Receivers get every value already buffered, then see the channel closed;
   * senders blocked now, and every later send, fail with {@link ChannelClosedException}.
   *
   * @throws ChannelClosedException if the channel is already closed (Go panics here)
   */
  void close();

  /**
   * Closes the channel as {@link #close()} does, recording {@code cause} as the reason: every
   * {@link ChannelClosedException} that the closing causes, or that later operations throw, has it
   * as its cause.
   *
   * @param cause why the channel is closed
   * @throws ChannelClosedException if the channel is already closed
   */
  void close(Throwable cause);

  /**
   * Reports whether the channel has been closed. A closed channel may still hold buffered values.
   *
   * @return true once closed
   */
  boolean isClosed();

  /**
   * Returns the buffer's capacity: 0 for an unbuffered channel, {@link Integer#MAX_VALUE} for an
   * unlimited one.
   *
   * @return the capacity
   */
  int capacity();

  /**
   * Makes a select clause that sends {@code value} on this channel and then runs {@code then}. The
   * value is delivered if and only if this clause is the one the select completes. If the channel
   * is closed, the select throws {@link ChannelClosedException}.
   *
   * @param value the value to send, not null
   * @param then what the select returns when this clause is chosen
   * @param <R> the select's result type
   * @return the clause
   */
  <R> SelectClause<R> onSend(T value, Supplier<? extends R> then);
}
