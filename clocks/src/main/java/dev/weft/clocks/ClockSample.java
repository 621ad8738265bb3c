package dev.weft.clocks;

/**
 * One round of a clock-synchronisation exchange, as in NTP (Mills, RFC 5905): the client sends a
 * request at {@code t0} by its clock, the server receives it at {@code t1} and replies at {@code
 * t2} by the server's clock, and the client receives the reply at {@code t3} by its clock. Units
 * are the caller's (milliseconds, nanoseconds, ...), the same for all four.
 *
 * {@snippet :
 * ClockSample sample = new ClockSample(t0, t1, t2, t3);
 * long serverMinusClient = sample.offset();     // add to the client's clock to get the server's
 * long uncertainty = sample.roundTripDelay() / 2;
 * }
 *
 * <p>If the message took time {@code d1} to reach the server and {@code d2} to come back, and the
 * server's clock is ahead of the client's by θ, then {@code t1 = t0 + θ + d1} and {@code t3 = t2 -
 * θ + d2}, so {@link #offset()} = θ + (d1 - d2) / 2 and {@link #roundTripDelay()} = d1 + d2. The
 * offset is exact when the two paths take equally long and in any case within {@code
 * roundTripDelay() / 2} of θ; hence a sample with a shorter round trip pins the offset down more
 * tightly ({@link ClockSync#best}). Since both one-way delays are non-negative, θ lies in [{@link
 * #minOffset()}, {@link #maxOffset()}] = [{@code t2 - t3}, {@code t1 - t0}], an interval {@code
 * roundTripDelay()} wide centred on {@code offset()}.
 *
 * <p>The arithmetic is exact: a difference or sum that would overflow a {@code long} throws {@link
 * ArithmeticException} rather than wrapping. A sample with a negative round-trip delay (a clock
 * that went backwards during the exchange, or timestamps mixed up) is representable but {@link
 * #isValid() not valid}.
 *
 * @param t0 client's clock when it sent the request (NTP's T1)
 * @param t1 server's clock when it received the request (T2)
 * @param t2 server's clock when it sent the reply (T3)
 * @param t3 client's clock when it received the reply (T4)
 */
public record ClockSample(long t0, long t1, long t2, long t3) {
  /**
   * Returns the estimated offset of the server's clock from the client's: {@code ((t1 - t0) + (t2 -
   * t3)) / 2}, rounded toward zero.
   *
   * @return server minus client, in the caller's unit
   * @throws ArithmeticException if the computation overflows
   */
  public long offset() {
    return Math.addExact(maxOffset(), minOffset()) / 2;
  }

  /**
   * Returns the round-trip delay: the time the exchange took at the client minus the time the
   * server held the request, {@code (t3 - t0) - (t2 - t1)}.
   *
   * @return the time spent on the network, in the caller's unit
   * @throws ArithmeticException if the computation overflows
   */
  public long roundTripDelay() {
    return Math.subtractExact(Math.subtractExact(t3, t0), Math.subtractExact(t2, t1));
  }

  /**
   * Returns the least the true offset can be: {@code t2 - t3}, reached if the reply arrived
   * instantly.
   *
   * @return the lower bound of the server's offset from the client, in the caller's unit
   * @throws ArithmeticException if the computation overflows
   */
  public long minOffset() {
    return Math.subtractExact(t2, t3);
  }

  /**
   * Returns the most the true offset can be: {@code t1 - t0}, reached if the request arrived
   * instantly.
   *
   * @return the upper bound of the server's offset from the client, in the caller's unit
   * @throws ArithmeticException if the computation overflows
   */
  public long maxOffset() {
    return Math.subtractExact(t1, t0);
  }

  /**
   * Tells whether the sample is plausible: a non-negative round-trip delay and a server that
   * replied no earlier than it received. Invalid samples are skipped by {@link ClockSync}.
   *
   * @return {@code roundTripDelay() >= 0 && t2 >= t1}
   * @throws ArithmeticException if the computation overflows
   */
  public boolean isValid() {
    return roundTripDelay() >= 0 && t2 >= t1;
  }
}
