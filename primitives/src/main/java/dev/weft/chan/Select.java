package dev.weft.chan;

import dev.weft.internal.Durations;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Go's {@code select}: waits until one of several channel operations can proceed, completes exactly
 * that one, and runs its continuation.
 *
 * {@snippet :
 * String outcome = Select.select(
 *     results.onReceive(r -> "result " + r),
 *     errors.onReceive(e -> "error " + e),
 *     quit.onSend("stop", () -> "asked to stop"),
 *     Select.onTimeout(Duration.ofSeconds(1), () -> "timed out"));
 * }
 *
 * <p>Semantics, as in Go:
 *
 * <ul>
 *   <li>Exactly one clause completes: a send clause's value is delivered if and only if that clause
 *       is chosen, and a receive clause takes a value only if chosen.
 *   <li>Among clauses ready at the same time the choice is uniformly random ({@link #select});
 *       {@link #selectOrdered} instead picks the first ready clause in argument order.
 *   <li>The same channel may appear in several clauses, for sending and receiving; a select never
 *       matches its own send with its own receive.
 *   <li>A receive clause is ready when the channel is closed and drained: {@link
 *       ReceiveChannel#onReceiveOrClosed} then yields {@code Optional.empty()}, {@link
 *       ReceiveChannel#onReceive} makes the select throw {@link ChannelClosedException}. A send
 *       clause on a closed channel makes the select throw {@link ChannelClosedException} (Go
 *       panics).
 *   <li>With {@link #onDefault} the select never blocks; with {@link #onTimeout} it waits at most
 *       that long (the earliest timeout wins if there are several).
 * </ul>
 *
 * <p>If the thread is interrupted while the select waits, it throws {@link InterruptedException}
 * and no clause has completed. Continuations run on the selecting thread after the operation, with
 * no lock held.
 */
public final class Select {
  private Select() {}

  /**
   * Waits until one clause can proceed, completes it, and returns its continuation's result. Among
   * clauses ready together, one is chosen uniformly at random.
   *
   * @param clauses at least one clause; at most one {@link #onDefault}
   * @param <R> the result type
   * @return the chosen clause's continuation's result
   * @throws InterruptedException if interrupted while waiting; no clause completed
   * @throws ChannelClosedException if the chosen clause sends on, or receives (with {@code
   *     onReceive}) from, a closed channel
   * @throws IllegalArgumentException if there are no clauses or more than one default
   */
  @SafeVarargs
  @SuppressWarnings("varargs") // the array is only read, never stored or exposed
  public static <R> R select(SelectClause<? extends R>... clauses) throws InterruptedException {
    return new SelectRun<R>(clauses, false).run();
  }

  /**
   * Like {@link #select}, but when several clauses are ready the first in argument order wins, for
   * callers who want priority (for example, a quit channel checked before work).
   *
   * @param clauses at least one clause; at most one {@link #onDefault}
   * @param <R> the result type
   * @return the chosen clause's continuation's result
   * @throws InterruptedException if interrupted while waiting; no clause completed
   * @throws ChannelClosedException as for {@link #select}
   * @throws IllegalArgumentException if there are no clauses or more than one default
   */
  @SafeVarargs
  @SuppressWarnings("varargs") // the array is only read, never stored or exposed
  public static <R> R selectOrdered(SelectClause<? extends R>... clauses)
      throws InterruptedException {
    return new SelectRun<R>(clauses, true).run();
  }

  /**
   * Like {@link #select(SelectClause...)}, for a set of clauses built at run time (Go's {@code
   * reflect.Select}).
   *
   * @param clauses at least one clause; at most one {@link #onDefault}
   * @param <R> the result type
   * @return the chosen clause's continuation's result
   * @throws InterruptedException if interrupted while waiting; no clause completed
   * @throws ChannelClosedException as for {@link #select(SelectClause...)}
   * @throws IllegalArgumentException if there are no clauses or more than one default
   */
  public static <R> R select(List<? extends SelectClause<? extends R>> clauses)
      throws InterruptedException {
    return new SelectRun<R>(toArray(clauses), false).run();
  }

  /**
   * Like {@link #selectOrdered(SelectClause...)}, for a list of clauses built at run time.
   *
   * @param clauses at least one clause; at most one {@link #onDefault}
   * @param <R> the result type
   * @return the chosen clause's continuation's result
   * @throws InterruptedException if interrupted while waiting; no clause completed
   * @throws ChannelClosedException as for {@link #select(SelectClause...)}
   * @throws IllegalArgumentException if there are no clauses or more than one default
   */
  public static <R> R selectOrdered(List<? extends SelectClause<? extends R>> clauses)
      throws InterruptedException {
    return new SelectRun<R>(toArray(clauses), true).run();
  }

  @SuppressWarnings("unchecked")
  private static <R> SelectClause<? extends R>[] toArray(
      List<? extends SelectClause<? extends R>> clauses) {
    Objects.requireNonNull(clauses, "clauses");
    return clauses.toArray((SelectClause<? extends R>[]) new SelectClause<?>[0]);
  }

  /**
   * Go's {@code default:} case: chosen when no other clause is ready, so the select never blocks.
   *
   * @param then the result of the select when chosen
   * @param <R> the result type
   * @return the clause
   */
  public static <R> SelectClause<R> onDefault(Supplier<? extends R> then) {
    return new Clause.Default<>(then);
  }

  /**
   * Go's {@code case <-time.After(timeout):}: chosen when no other clause has become ready within
   * {@code timeout} of the select's start. A zero or negative timeout behaves like a default.
   *
   * @param timeout how long the select may wait
   * @param then the result of the select when chosen
   * @param <R> the result type
   * @return the clause
   */
  public static <R> SelectClause<R> onTimeout(Duration timeout, Supplier<? extends R> then) {
    Objects.requireNonNull(timeout, "timeout");
    return new Clause.Timeout<>(Durations.toNanos(timeout), then);
  }
}
