package dev.weft.testkit.lin;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/**
 * Records a concurrent history for {@link LinearizabilityChecker}: each operation's invocation and
 * response times, and its result. Thread-safe: many client threads may record at once.
 *
 * {@snippet :
 * History<KeyValueModel.Op, KeyValueModel.Result> history = new History<>(System::nanoTime);
 * var call = history.invoke(client, KeyValueModel.Op.put("x", "1"));
 * try {
 *   kv.put("x", "1");
 *   call.ok(KeyValueModel.Result.done());
 * } catch (TimeoutException e) {
 *   call.unknown();                       // it may or may not have happened
 * }
 * }
 *
 * <p>The clock must be the same for every thread and never run backwards: {@link System#nanoTime}
 * in real time, or a simulation's virtual clock. An invocation is stamped before the operation
 * starts and a response after it ends, so the recorded interval always contains the real one.
 * Operations that never get a response count as unknown.
 *
 * @param <I> the input type
 * @param <O> the output type
 */
public final class History<I, O> {
  private final LongSupplier clock;
  private final ConcurrentLinkedQueue<Call> calls = new ConcurrentLinkedQueue<>();

  /**
   * Creates an empty history.
   *
   * @param clock the time source for invocations and responses
   */
  public History(LongSupplier clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Records an invocation; call it just before the operation starts.
   *
   * @param client who invokes it
   * @param input what is invoked
   * @return the handle on which to record the response
   */
  public Call invoke(int client, I input) {
    Call c = new Call(client, Objects.requireNonNull(input, "input"), clock.getAsLong());
    calls.add(c);
    return c;
  }

  /**
   * Returns the operations recorded so far, in invocation order; those without a response are
   * unknown.
   *
   * @return the history
   */
  public List<Operation<I, O>> operations() {
    List<Operation<I, O>> out = new ArrayList<>();
    for (Call c : calls) {
      out.add(c.operation());
    }
    out.sort(Comparator.comparingLong(Operation::call));
    return out;
  }

  /** One recorded invocation, awaiting its response. */
  public final class Call {
    private final int client;
    private final I input;
    private final long call;
    private final AtomicReference<Operation<I, O>> done = new AtomicReference<>();

    private Call(int client, I input, long call) {
      this.client = client;
      this.input = input;
      this.call = call;
    }

    /**
     * Records that the operation returned {@code output}; call it just after it returns.
     *
     * @param output the result, not null (an operation with nothing to return records a value that
     *     says so; an operation whose result is not known records {@link #unknown()})
     * @throws NullPointerException if {@code output} is null
     * @throws IllegalStateException if a response was already recorded
     */
    public void ok(O output) {
      Objects.requireNonNull(output, "output (record an unknown outcome with unknown())");
      finish(Operation.of(client, input, output, call, Math.max(call, clock.getAsLong())));
    }

    /**
     * Records that the outcome is unknown (a timeout, a lost connection): the operation may have
     * taken effect or not.
     *
     * @throws IllegalStateException if a response was already recorded
     */
    public void unknown() {
      finish(Operation.unknown(client, input, call));
    }

    private void finish(Operation<I, O> op) {
      if (!done.compareAndSet(null, op)) {
        throw new IllegalStateException("response already recorded for " + done.get());
      }
    }

    Operation<I, O> operation() {
      Operation<I, O> d = done.get();
      return d != null ? d : Operation.unknown(client, input, call);
    }
  }
}
