package dev.weft.testkit.lin;

import java.util.List;
import java.util.Optional;

/**
 * A sequential specification: the states of an object and what each operation does to them.
 *
 * <p>Implementations must be deterministic and side-effect free, and their states must be values
 * ({@code equals} and {@code hashCode} by content, for example records), because the checker
 * memoizes the states it has seen.
 *
 * @param <S> the state type
 * @param <I> the operation input type
 * @param <O> the operation output type
 */
public interface Model<S, I, O> {
  /**
   * Returns the state before any operation.
   *
   * @return the initial state
   */
  S initial();

  /**
   * Applies one operation to a state.
   *
   * @param state the state before the operation
   * @param input the operation
   * @param output what the operation returned, or empty if its outcome is unknown
   * @return the state after the operation, or empty if, from {@code state}, the operation could not
   *     have returned {@code output}. With an unknown output the result must be present.
   */
  Optional<S> step(S state, I input, Optional<O> output);

  /**
   * Splits a history into independent parts that can be checked separately (for a key-value store,
   * one part per key: linearizability is compositional). The default keeps one part.
   *
   * @param history the whole history
   * @return the parts, which together hold every operation once
   */
  default List<List<Operation<I, O>>> partition(List<Operation<I, O>> history) {
    return List.of(history);
  }

  /**
   * Names a part made by {@link #partition}, for reports: a verdict that could not be reached says
   * which part it was (a key-value model names the key). The default names none.
   *
   * @param part one of the parts
   * @return a short name, or null to let the checker number the part
   */
  default String partName(List<Operation<I, O>> part) {
    return null;
  }
}
