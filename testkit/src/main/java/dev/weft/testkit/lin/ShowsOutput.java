package dev.weft.testkit.lin;

/**
 * An operation input that knows how to print its own output, for counterexamples: the same output
 * value can mean different things for different operations (a key-value result with no value is
 * "the key is absent" for a read and "done" for a write), and only the operation knows which.
 *
 * <p>{@link Operation#toString()} uses it when the input implements it; otherwise it prints the
 * output's {@code toString}.
 *
 * @param <O> the output type
 */
@FunctionalInterface
public interface ShowsOutput<O> {
  /**
   * Describes what this operation returned.
   *
   * @param output the operation's output, never null
   * @return a short, unambiguous description
   */
  String showOutput(O output);
}
