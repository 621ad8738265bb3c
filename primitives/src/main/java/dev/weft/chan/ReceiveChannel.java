package dev.weft.chan;

import java.time.Duration;
import java.util.Iterator;
import java.util.Optional;
import java.util.function.Function;

/**
 * The receiving side of a {@link Channel}.
 *
 * <p>Actions in a thread before it sends a value happen-before the receive that gets that value
 * returns; closing a channel happens-before a receive that reports it closed.
 *
 * @param <T> the type of the values
 */
public interface ReceiveChannel<T> extends Iterable<T> {
  /**
   * Receives the next value, waiting until there is one.
   *
   * @return the value
   * @throws ChannelClosedException once the channel is closed and every buffered value has been
   *     received; its cause is the one given to {@link SendChannel#close(Throwable)}, if any
   * @throws InterruptedException if interrupted while waiting; nothing was taken
   */
  T receive() throws InterruptedException;

  /**
   * Receives the next value, or learns that there will be none: Go's {@code v, ok := <-ch}.
   *
   * @return the value, or empty exactly when the channel is closed and drained
   * @throws InterruptedException if interrupted while waiting; nothing was taken
   */
  Optional<T> receiveOrClosed() throws InterruptedException;

  /**
   * Receives a value if one is ready now, without waiting.
   *
   * @return the value, or empty if none is ready now (whether or not the channel is closed; use
   *     {@link #isClosedForReceive()} to tell)
   */
  Optional<T> tryReceive();

  /**
   * Receives the next value, waiting at most {@code timeout}.
   *
   * @param timeout how long to wait at most; zero or negative means do not wait
   * @return the value, or empty on timeout
   * @throws ChannelClosedException if the channel is closed and drained
   * @throws InterruptedException if interrupted while waiting; nothing was taken
   */
  Optional<T> receive(Duration timeout) throws InterruptedException;

  /**
   * Returns how many values are buffered now (Go's {@code len}); for monitoring, not for
   * synchronisation.
   *
   * @return the number of buffered values
   */
  int size();

  /**
   * Reports whether the channel is closed and has no buffered values left, so every receive will
   * report it closed.
   *
   * @return true once closed and drained
   */
  boolean isClosedForReceive();

  /**
   * Iterates over the values as they arrive, like Go's {@code for v := range ch}: {@code hasNext}
   * waits for the next value and returns false once the channel is closed and drained. If the
   * thread is interrupted while {@code hasNext} waits, it throws {@link
   * java.util.concurrent.CancellationException} (with the {@link InterruptedException} as cause)
   * and leaves the thread's interrupt status set; nothing was taken.
   *
   * @return a single-use iterator that receives from this channel
   */
  @Override
  Iterator<T> iterator();

  /**
   * Makes a select clause that receives a value from this channel and passes it to {@code then}. A
   * value is taken if and only if this clause is the one the select completes. If the channel is
   * closed and drained, the clause is ready and the select throws {@link ChannelClosedException}.
   *
   * @param then maps the value to the select's result
   * @param <R> the select's result type
   * @return the clause
   */
  <R> SelectClause<R> onReceive(Function<? super T, ? extends R> then);

  /**
   * Makes a select clause with Go's semantics for a receive case: ready when a value is, or when
   * the channel is closed and drained, in which case {@code then} gets {@link Optional#empty()}.
   *
   * @param then maps the value, or empty for closed, to the select's result
   * @param <R> the select's result type
   * @return the clause
   */
  <R> SelectClause<R> onReceiveOrClosed(Function<Optional<T>, ? extends R> then);
}
