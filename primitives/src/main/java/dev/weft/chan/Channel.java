package dev.weft.chan;

/**
 * A Go-style channel: a typed conduit between threads, unbuffered (every send waits for a receiver)
 * or buffered, which can be closed and used in a {@link Select#select select}.
 *
 * {@snippet :
 * Channel<String> lines = Channel.make(16);
 * Thread.ofVirtual().start(() -> {
 *   try (var in = Files.newBufferedReader(path)) {
 *     for (String line; (line = in.readLine()) != null; ) {
 *       lines.send(line);
 *     }
 *     lines.close();
 *   } catch (IOException e) {
 *     lines.close(e);                  // receivers see e as the cause
 *   }
 * });
 * for (String line : lines) {          // Go's for line := range lines
 *   process(line);
 * }
 * }
 *
 * <p>Values are received in the order they were sent by each sender (FIFO per sender, and FIFO
 * overall for one sender and any number of receivers). Null values are rejected. Every method is
 * safe to call from any thread, platform or virtual; blocking methods park, so a waiting virtual
 * thread does not pin its carrier.
 *
 * @param <T> the type of the values
 */
public interface Channel<T> extends SendChannel<T>, ReceiveChannel<T> {
  /**
   * Makes an unbuffered channel, Go's {@code make(chan T)}: a send waits until a receiver takes the
   * value.
   *
   * @param <T> the type of the values
   * @return the channel
   */
  static <T> Channel<T> make() {
    return new RendezvousChannel<>();
  }

  /**
   * Makes a channel with a buffer of {@code capacity} values, Go's {@code make(chan T, capacity)};
   * {@code 0} makes an unbuffered channel.
   *
   * @param capacity the buffer size, at least 0
   * @param <T> the type of the values
   * @return the channel
   * @throws IllegalArgumentException if {@code capacity} is negative
   */
  static <T> Channel<T> make(int capacity) {
    if (capacity < 0) {
      throw new IllegalArgumentException("negative channel capacity: " + capacity);
    }
    return capacity == 0 ? new RendezvousChannel<>() : new RingChannel<>(capacity);
  }

  /**
   * Makes a channel whose buffer grows as needed, so that a send never waits. Go has no such
   * channel; it suits producers that must never block, at the price of unbounded memory if
   * receivers fall behind. Its {@link #capacity()} is {@link Integer#MAX_VALUE}.
   *
   * @param <T> the type of the values
   * @return the channel
   */
  static <T> Channel<T> unlimited() {
    return new LockChannel<>();
  }
}
