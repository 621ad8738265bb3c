package dev.weft.testkit.lin;

import java.util.Objects;

/**
 * One operation of a concurrent history: who invoked what, when it was invoked and when it
 * returned, and what it returned.
 *
 * <p>An operation whose outcome is unknown (it timed out, or its client crashed) has {@link
 * #UNKNOWN} as its return time: it may have taken effect at any moment after its invocation, or not
 * at all, and its output is ignored.
 *
 * @param client who invoked it; operations of one client must not overlap
 * @param input what was invoked
 * @param output what it returned; ignored if the outcome is unknown
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
   */
  public Operation {
    Objects.requireNonNull(input, "input");
    if (ret < call) {
      throw new IllegalArgumentException("returned (" + ret + ") before invoked (" + call + ")");
    }
  }

  /**
   * Makes an operation that completed.
   *
   * @param client who invoked it
   * @param input what was invoked
   * @param output what it returned
   * @param call when it was invoked
   * @param ret when it returned
   * @param <I> the input type
   * @param <O> the output type
   * @return the operation
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
        + (known() ? " -> " + output : " -> ?")
        + " ["
        + call
        + ", "
        + (known() ? String.valueOf(ret) : "unknown")
        + "]";
  }
}
