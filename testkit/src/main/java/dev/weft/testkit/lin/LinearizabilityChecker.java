package dev.weft.testkit.lin;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * Decides whether a concurrent history is linearizable with respect to a sequential {@link Model}
 * (Herlihy and Wing, ACM TOPLAS 1990), and if not, says where it fails.
 *
 * {@snippet :
 * LinearizabilityChecker.Result result = LinearizabilityChecker.check(new KeyValueModel(), history);
 * assertTrue(result.linearizable(), result.describe());
 * }
 *
 * <p>A history is linearizable if every operation can be given a point, between its invocation and
 * its return, at which it appears to happen, so that the sequence of operations in that order is a
 * legal run of the model with the outputs that were observed. Operations whose outcome is unknown
 * may be placed anywhere after their invocation, including after everything else (that is, they may
 * also not have happened).
 *
 * <h2>Algorithm</h2>
 *
 * <p>The search of Wing and Gong ("Testing and verifying concurrent objects", JPDC 1993) with the
 * memoization of Lowe ("Testing for linearizability", Concurrency and Computation 2017), as in the
 * Porcupine and Knossos checkers. The history is a list of call and return entries in time order.
 * The search walks it: at a call entry it tries to linearize that operation next (apply it to the
 * model; if the output matches and the pair (set of operations linearized, model state) has not
 * been seen before, remove the operation's entries and start again from the front); at a return
 * entry it has met an operation that must already have happened, so it backtracks to the last
 * choice. The cache of (set, state) pairs is what keeps this from being exponential in practice.
 * The model's {@link Model#partition partition} splits the history first (P-compositionality, Horn
 * and Kroening 2015); each part is searched alone.
 *
 * <p><b>Limits.</b> The search has a budget of steps (default {@value #DEFAULT_BUDGET} per part),
 * and may be given a wall-clock deadline and a way to cancel it ({@link Limits}); interrupting the
 * checking thread cancels it too (the interrupt stays set). A part the search could not decide is
 * reported as {@link Verdict#UNKNOWN}, never as linearizable, and the result names that part (for
 * {@link KeyValueModel}, its key) and says which limit stopped it.
 *
 * {@snippet :
 * var limits = LinearizabilityChecker.Limits.defaults().withTimeout(Duration.ofSeconds(10));
 * var result = LinearizabilityChecker.check(new KeyValueModel(), history, limits);
 * if (result.verdict() == Verdict.UNKNOWN) {
 *   System.out.println(result.reason());   // "key k3 (412 operations): the deadline of PT10S passed"
 * }
 * }
 */
public final class LinearizabilityChecker {
  /** Default search budget per part, in steps. */
  public static final long DEFAULT_BUDGET = 50_000_000L;

  private LinearizabilityChecker() {}

  /** The outcome of a check. */
  public enum Verdict {
    /** Every part has a linearization. */
    LINEARIZABLE,
    /** Some part has none. */
    NOT_LINEARIZABLE,
    /** The budget ran out before a part was decided (and no part was found not linearizable). */
    UNKNOWN
  }

  /**
   * How long a check may search: a budget of steps per part, an optional wall-clock timeout for the
   * whole check, and an optional cancellation signal (polled during the search, as is the checking
   * thread's interrupt status).
   *
   * @param stepsPerPart the most search steps per part, at least 1
   * @param timeout how long the whole check may take, or null for no deadline
   * @param cancelled returns true once the check should stop; never null ({@code () -> false} for
   *     none)
   */
  public record Limits(long stepsPerPart, Duration timeout, BooleanSupplier cancelled) {
    /**
     * Validates the limits.
     *
     * @param stepsPerPart the most search steps per part
     * @param timeout the deadline for the whole check, or null
     * @param cancelled the cancellation signal
     * @throws IllegalArgumentException if {@code stepsPerPart} is below 1 or {@code timeout} is
     *     negative
     * @throws NullPointerException if {@code cancelled} is null
     */
    public Limits {
      if (stepsPerPart < 1) {
        throw new IllegalArgumentException("stepsPerPart must be at least 1: " + stepsPerPart);
      }
      if (timeout != null && timeout.isNegative()) {
        throw new IllegalArgumentException("negative timeout: " + timeout);
      }
      Objects.requireNonNull(cancelled, "cancelled");
    }

    /**
     * The default budget of {@value LinearizabilityChecker#DEFAULT_BUDGET} steps per part, no
     * deadline, no cancellation beyond interrupts.
     *
     * @return the defaults
     */
    public static Limits defaults() {
      return new Limits(DEFAULT_BUDGET, null, () -> false);
    }

    /**
     * These limits with another step budget per part.
     *
     * @param steps the most search steps per part, at least 1
     * @return new limits
     * @throws IllegalArgumentException if {@code steps} is below 1
     */
    public Limits withStepsPerPart(long steps) {
      return new Limits(steps, timeout, cancelled);
    }

    /**
     * These limits with a deadline for the whole check, counted from the start of {@code check}.
     *
     * @param timeout how long the check may take
     * @return new limits
     * @throws NullPointerException if {@code timeout} is null
     * @throws IllegalArgumentException if {@code timeout} is negative
     */
    public Limits withTimeout(Duration timeout) {
      return new Limits(stepsPerPart, Objects.requireNonNull(timeout, "timeout"), cancelled);
    }

    /**
     * These limits with a cancellation signal, polled every few thousand steps.
     *
     * @param cancelled returns true once the check should stop
     * @return new limits
     * @throws NullPointerException if {@code cancelled} is null
     */
    public Limits withCancellation(BooleanSupplier cancelled) {
      return new Limits(stepsPerPart, timeout, cancelled);
    }
  }

  /**
   * What a check found.
   *
   * @param verdict the outcome
   * @param parts how many independent parts the history was split into
   * @param failedPart the operations of the first part without a linearization, or empty
   * @param longestPrefix for that part, the longest sequence of its operations that could be
   *     linearized, in linearization order
   * @param stuck for that part, the operations that could not be placed after that prefix: each
   *     returned before some operation still to be placed, or produced an output the model refuses
   * @param undecidedPart for {@link Verdict#UNKNOWN}, the operations of the first part the search
   *     could not decide; else empty
   * @param reason for {@link Verdict#UNKNOWN}, which part was undecided (named by {@link
   *     Model#partName}, for a key-value model its key) and which limit stopped the search; else
   *     null
   */
  public record Result(
      Verdict verdict,
      int parts,
      List<Operation<?, ?>> failedPart,
      List<Operation<?, ?>> longestPrefix,
      List<Operation<?, ?>> stuck,
      List<Operation<?, ?>> undecidedPart,
      String reason) {

    /**
     * Copies the lists.
     *
     * @param verdict the outcome
     * @param parts how many parts the history was split into
     * @param failedPart the first part without a linearization
     * @param longestPrefix the longest linearizable prefix found in it
     * @param stuck the operations that could not follow it
     * @param undecidedPart the first part that could not be decided
     * @param reason why it could not, or null
     */
    public Result {
      Objects.requireNonNull(verdict, "verdict");
      failedPart = List.copyOf(failedPart);
      longestPrefix = List.copyOf(longestPrefix);
      stuck = List.copyOf(stuck);
      undecidedPart = List.copyOf(undecidedPart);
    }

    /**
     * A result with no undecided part (the form before deadlines were added).
     *
     * @param verdict the outcome
     * @param parts how many parts the history was split into
     * @param failedPart the first part without a linearization
     * @param longestPrefix the longest linearizable prefix found in it
     * @param stuck the operations that could not follow it
     */
    public Result(
        Verdict verdict,
        int parts,
        List<Operation<?, ?>> failedPart,
        List<Operation<?, ?>> longestPrefix,
        List<Operation<?, ?>> stuck) {
      this(verdict, parts, failedPart, longestPrefix, stuck, List.of(), null);
    }

    /**
     * Reports whether the history is linearizable.
     *
     * @return true only for {@link Verdict#LINEARIZABLE}
     */
    public boolean linearizable() {
      return verdict == Verdict.LINEARIZABLE;
    }

    /**
     * Describes the result for a test failure message: the verdict and, if a part failed, its
     * operations, the longest linearizable prefix, and the operations that could not follow it.
     *
     * @return a multi-line description
     */
    public String describe() {
      StringBuilder out = new StringBuilder(verdict + " (" + parts + " parts)");
      if (verdict == Verdict.UNKNOWN && reason != null) {
        out.append(": undecided: ").append(reason);
      }
      if (verdict == Verdict.NOT_LINEARIZABLE) {
        out.append("\ncounterexample: no linearization of these ")
            .append(failedPart.size())
            .append(" operations:");
        failedPart.forEach(op -> out.append("\n  ").append(op));
        out.append("\nlongest linearizable prefix (").append(longestPrefix.size()).append("):");
        longestPrefix.forEach(op -> out.append("\n  ").append(op));
        out.append("\nafter which none of these can come next:");
        stuck.forEach(op -> out.append("\n  ").append(op));
      }
      return out.toString();
    }
  }

  /**
   * Checks a history with the default budget.
   *
   * @param model the sequential specification
   * @param history the operations, in any order
   * @param <S> the state type
   * @param <I> the input type
   * @param <O> the output type
   * @return the result, with a counterexample if the history is not linearizable
   */
  public static <S, I, O> Result check(Model<S, I, O> model, List<Operation<I, O>> history) {
    return check(model, history, DEFAULT_BUDGET);
  }

  /**
   * Checks a history with a search budget per part.
   *
   * @param model the sequential specification
   * @param history the operations, in any order
   * @param budget the most search steps per part
   * @param <S> the state type
   * @param <I> the input type
   * @param <O> the output type
   * @return the result, with a counterexample if the history is not linearizable
   */
  public static <S, I, O> Result check(
      Model<S, I, O> model, List<Operation<I, O>> history, long budget) {
    return check(model, history, Limits.defaults().withStepsPerPart(budget));
  }

  /**
   * Checks a history within {@code limits}: a step budget per part, a deadline for the whole check,
   * a cancellation signal. Parts are searched one after the other; a part that runs out of steps is
   * undecided and the search goes on with the next (a later part may still show the history not
   * linearizable); once the deadline has passed or the check is cancelled (or the thread
   * interrupted), the search stops and the result is {@link Verdict#UNKNOWN} unless a part was
   * already found not linearizable.
   *
   * @param model the sequential specification
   * @param history the operations, in any order
   * @param limits how long the search may go on
   * @param <S> the state type
   * @param <I> the input type
   * @param <O> the output type
   * @return the result, with a counterexample if the history is not linearizable, or the undecided
   *     part and the reason if the limits stopped the search
   */
  public static <S, I, O> Result check(
      Model<S, I, O> model, List<Operation<I, O>> history, Limits limits) {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(history, "history");
    Objects.requireNonNull(limits, "limits");
    long start = System.nanoTime();
    Stop stop = new Stop(limits, start);
    List<List<Operation<I, O>>> parts = model.partition(history);
    List<Operation<?, ?>> undecided = null;
    String reason = null;
    for (int p = 0; p < parts.size(); p++) {
      List<Operation<I, O>> part = parts.get(p);
      Search<S, I, O> search = new Search<>(model, part, limits.stepsPerPart(), stop);
      Verdict v = search.run();
      if (v == Verdict.NOT_LINEARIZABLE) {
        return new Result(
            v,
            parts.size(),
            List.copyOf(part),
            search.longestPrefix(),
            search.stuckAfterLongest(),
            List.of(),
            null);
      }
      if (v == Verdict.UNKNOWN && undecided == null) {
        undecided = List.copyOf(part);
        String name = model.partName(part);
        reason =
            (name != null ? name : "part " + (p + 1) + " of " + parts.size())
                + " ("
                + part.size()
                + " operations): "
                + stop.why(limits)
                + (stop.stopped() && p + 1 < parts.size()
                    ? "; " + (parts.size() - p - 1) + " later parts not searched"
                    : "");
      }
      if (stop.stopped()) {
        break;
      }
    }
    if (undecided != null) {
      return new Result(
          Verdict.UNKNOWN, parts.size(), List.of(), List.of(), List.of(), undecided, reason);
    }
    return new Result(Verdict.LINEARIZABLE, parts.size(), List.of(), List.of(), List.of());
  }

  /**
   * The deadline and cancellation state shared by the searches of one check. A search asks {@link
   * #poll} every {@value #POLL_EVERY} steps; once a limit strikes, every later poll says stop.
   */
  private static final class Stop {
    static final int POLL_EVERY = 4096;
    private final long deadline;
    private final boolean hasDeadline;
    private final BooleanSupplier cancelled;
    private String struck; // which limit stopped the check; null while none has

    Stop(Limits limits, long start) {
      this.hasDeadline = limits.timeout() != null;
      this.deadline = hasDeadline ? start + saturatedNanos(limits.timeout()) : 0;
      this.cancelled = limits.cancelled();
    }

    private static long saturatedNanos(Duration d) {
      try {
        return d.toNanos();
      } catch (ArithmeticException e) {
        return Long.MAX_VALUE / 2;
      }
    }

    boolean poll() {
      if (struck == null) {
        if (Thread.currentThread().isInterrupted()) {
          struck = "the checking thread was interrupted";
        } else if (cancelled.getAsBoolean()) {
          struck = "the check was cancelled";
        } else if (hasDeadline && System.nanoTime() - deadline >= 0) {
          struck = "the deadline passed";
        }
      }
      return struck != null;
    }

    boolean stopped() {
      return struck != null;
    }

    String why(Limits limits) {
      if (struck == null) {
        return "the budget of " + limits.stepsPerPart() + " steps per part ran out";
      }
      return struck.equals("the deadline passed")
          ? "the deadline of " + limits.timeout() + " passed"
          : struck;
    }
  }

  /** One entry of the doubly-linked history: an operation's call or return. */
  private static final class Entry {
    final int op;
    final boolean call;
    final long time;
    Entry match; // the call's return, or the return's call
    Entry prev;
    Entry next;

    Entry(int op, boolean call, long time) {
      this.op = op;
      this.call = call;
      this.time = time;
    }
  }

  /** A memoized search position. */
  private record Seen<S>(BitSet linearized, S state) {}

  /** The search over one part. */
  private static final class Search<S, I, O> {
    private final Model<S, I, O> model;
    private final List<Operation<I, O>> ops;
    private final long budget;
    private final Stop stop;
    private final Entry head = new Entry(-1, false, Long.MIN_VALUE); // sentinel
    private int[] longest = new int[0];

    Search(Model<S, I, O> model, List<Operation<I, O>> ops, long budget, Stop stop) {
      this.model = model;
      this.ops = ops;
      this.budget = budget;
      this.stop = stop;
      List<Entry> entries = new ArrayList<>(2 * ops.size());
      for (int i = 0; i < ops.size(); i++) {
        Operation<I, O> op = ops.get(i);
        Entry c = new Entry(i, true, op.call());
        Entry r = new Entry(i, false, op.ret());
        c.match = r;
        r.match = c;
        entries.add(c);
        entries.add(r);
      }
      // Time order; at equal times calls first, so that operations that touch are concurrent.
      entries.sort(
          Comparator.comparingLong((Entry e) -> e.time).thenComparing(e -> e.call ? 0 : 1));
      Entry last = head;
      for (Entry e : entries) {
        last.next = e;
        e.prev = last;
        last = e;
      }
    }

    Verdict run() {
      S state = model.initial();
      BitSet linearized = new BitSet(ops.size());
      Set<Seen<S>> cache = new HashSet<>();
      ArrayDeque<Entry> calls = new ArrayDeque<>();
      ArrayDeque<S> states = new ArrayDeque<>();
      Entry entry = head.next;
      long steps = 0;
      while (head.next != null) {
        if (++steps > budget || (steps % Stop.POLL_EVERY == 0 || steps == 1) && stop.poll()) {
          return Verdict.UNKNOWN;
        }
        if (entry.call) {
          Operation<I, O> op = ops.get(entry.op);
          Optional<S> next =
              model.step(
                  state, op.input(), op.known() ? Optional.of(op.output()) : Optional.empty());
          if (next.isPresent()) {
            BitSet after = (BitSet) linearized.clone();
            after.set(entry.op);
            if (cache.add(new Seen<>(after, next.get()))) {
              calls.push(entry);
              states.push(state);
              state = next.get();
              linearized = after;
              lift(entry);
              if (calls.size() > longest.length) {
                remember(calls);
              }
              entry = head.next;
              continue;
            }
          }
          entry = entry.next;
        } else {
          if (calls.isEmpty()) {
            return Verdict.NOT_LINEARIZABLE;
          }
          Entry undo = calls.pop();
          state = states.pop();
          linearized = (BitSet) linearized.clone();
          linearized.clear(undo.op);
          unlift(undo);
          entry = undo.next;
        }
      }
      return Verdict.LINEARIZABLE;
    }

    private void lift(Entry call) {
      call.prev.next = call.next;
      if (call.next != null) {
        call.next.prev = call.prev;
      }
      Entry ret = call.match;
      ret.prev.next = ret.next;
      if (ret.next != null) {
        ret.next.prev = ret.prev;
      }
    }

    private void unlift(Entry call) {
      Entry ret = call.match;
      ret.prev.next = ret;
      if (ret.next != null) {
        ret.next.prev = ret;
      }
      call.prev.next = call;
      if (call.next != null) {
        call.next.prev = call;
      }
    }

    private void remember(ArrayDeque<Entry> calls) {
      int[] seq = new int[calls.size()];
      int i = seq.length;
      for (Entry e : calls) { // the stack iterates newest first
        seq[--i] = e.op;
      }
      longest = seq;
    }

    List<Operation<?, ?>> longestPrefix() {
      List<Operation<?, ?>> out = new ArrayList<>();
      for (int i : longest) {
        out.add(ops.get(i));
      }
      return out;
    }

    /**
     * The operations not in the longest prefix whose call comes before the earliest return among
     * them: the candidates that could have come next, none of which could.
     */
    List<Operation<?, ?>> stuckAfterLongest() {
      BitSet done = new BitSet();
      for (int i : longest) {
        done.set(i);
      }
      long earliestReturn = Long.MAX_VALUE;
      for (int i = 0; i < ops.size(); i++) {
        if (!done.get(i)) {
          earliestReturn = Math.min(earliestReturn, ops.get(i).ret());
        }
      }
      List<Operation<?, ?>> out = new ArrayList<>();
      for (int i = 0; i < ops.size(); i++) {
        if (!done.get(i) && ops.get(i).call() <= earliestReturn) {
          out.add(ops.get(i));
        }
      }
      return out;
    }
  }
}
