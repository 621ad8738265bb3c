package dev.weft.testkit.lin;

import java.util.Objects;

/**
 * One operation of a concurrent history: who invoked what, when it was invoked and when it
 * returned, and what it returned.
 *
 * <p>An operation whose outcome is unknown (it timed out, or its client crashed) has {@link
 * #UNKNOWN} as its return time and no output: it may have taken effect at any moment after its
 * invocation, or not at all. That is the only way to say "unknown": a completed operation must have
 * an output, so that a recording bug (a response recorded as null) is refused where it happens
 * instead of being read as "any output". An operation with nothing to return records a value that
 * says so (for example {@link KeyValueModel.Result#done()}).
 *
 * <p>{@link #toString()} shows the output through the input when the input is a {@link ShowsOutput}
 * (as {@link KeyValueModel.Op} is, so that a read of a missing key prints differently from a read
 * of the text {@code "true"}).
 *
 * @param client who invoked it; operations of one client must not overlap
 * @param input what was invoked
 * @param output what it returned; null exactly when the outcome is unknown
 * @param call when it was invoked
 * @param ret when it returned, or {@link #UNKNOWN}
 * @param <I> the input type
 * @param <O> the output type
 */
public record Operation<I, O>(int client, I input, O output, long call, long ret) {
  /** The return time of an operation whose outcome is unknown. */
  public static final long UNKNOWN = Long.MAX_VALUE;

  /**
   * Validates the operation.
   *
   * @param client who invoked it
   * @param input what was invoked
   * @param output what it returned
   * @param call when it was invoked
   * @param ret when it returned, or {@link #UNKNOWN}
   * @throws NullPointerException if {@code input} is null, or {@code output} is null for a
   *     completed operation (use {@link #unknown} for an unknown outcome)
   * @throws IllegalArgumentException if {@code ret} is before {@code call}, or an unknown outcome
   *     carries an output
   */
  public Operation {
    Objects.requireNonNull(input, "input");
    if (ret < call) {
      throw new IllegalArgumentException("returned (" + ret + ") before invoked (" + call + ")");
    }
    if (ret != UNKNOWN && output == null) {
      throw new NullPointerException(
          "a completed operation needs an output (client "
              + client
              + ", "
              + input
              + "); record an unknown outcome with Operation.unknown or History.Call.unknown");
    }
    if (ret == UNKNOWN && output != null) {
      throw new IllegalArgumentException(
          "an operation whose outcome is unknown has no output, but " + input + " has " + output);
    }
  }

  /**
   * Makes an operation that completed.
   *
   * @param client who invoked it
   * @param input what was invoked
   * @param output what it returned, not null
   * @param call when it was invoked
   * @param ret when it returned
   * @param <I> the input type
   * @param <O> the output type
   * @return the operation
   * @throws NullPointerException if {@code input} or {@code output} is null
   * @throws IllegalArgumentException if {@code ret} is before {@code call} or is {@link #UNKNOWN}
   */
  public static <I, O> Operation<I, O> of(int client, I input, O output, long call, long ret) {
    if (ret == UNKNOWN) {
      throw new IllegalArgumentException("a completed operation needs a return time");
    }
    return new Operation<>(client, input, output, call, ret);
  }

  /**
   * Makes an operation whose outcome is unknown.
   *
   * @param client who invoked it
   * @param input what was invoked
   * @param call when it was invoked
   * @param <I> the input type
   * @param <O> the output type
   * @return the operation
   */
  public static <I, O> Operation<I, O> unknown(int client, I input, long call) {
    return new Operation<>(client, input, null, call, UNKNOWN);
  }

  /**
   * Reports whether the outcome is known.
   *
   * @return true if the operation returned
   */
  public boolean known() {
    return ret != UNKNOWN;
  }

  @Override
  public String toString() {
    return "client "
        + client
        + ": "
        + input
        + " -> "
        + (known() ? showOutput() : "?")
        + " ["
        + call
        + ", "
        + (known() ? String.valueOf(ret) : "unknown")
        + "]";
  }

  @SuppressWarnings("unchecked")
  private String showOutput() {
    return input instanceof ShowsOutput<?> shows
        ? ((ShowsOutput<O>) shows).showOutput(output)
        : String.valueOf(output);
  }
}
