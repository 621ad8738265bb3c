package dev.weft.chan;

import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;

/** The clause kinds a select understands. */
abstract sealed class Clause<R> implements SelectClause<R>
    permits Clause.Send, Clause.Receive, Clause.Default, Clause.Timeout {

  /** Sends {@code value} on {@code channel}, then returns {@code then.get()}. */
  static final class Send<R> extends Clause<R> {
    final ChanImpl<?> channel;
    final Object value;
    final Supplier<? extends R> then;

    Send(ChanImpl<?> channel, Object value, Supplier<? extends R> then) {
      this.channel = channel;
      this.value = value;
      this.then = Objects.requireNonNull(then, "then");
    }
  }

  /**
   * Receives from {@code channel} and returns {@code then.apply(item)}, where the item may be
   * {@link ChanImpl#CLOSED}; unless {@code orClosed}, a closed channel throws instead.
   */
  static final class Receive<R> extends Clause<R> {
    final ChanImpl<?> channel;
    final boolean orClosed;
    final Function<Object, ? extends R> then;

    Receive(ChanImpl<?> channel, boolean orClosed, Function<Object, ? extends R> then) {
      this.channel = channel;
      this.orClosed = orClosed;
      this.then = then;
    }

    R complete(Object item) {
      if (item == ChanImpl.CLOSED && !orClosed) {
        throw channel.closedException("receive from closed channel in select");
      }
      return then.apply(item);
    }
  }

  /** Go's {@code default:}. */
  static final class Default<R> extends Clause<R> {
    final Supplier<? extends R> then;

    Default(Supplier<? extends R> then) {
      this.then = Objects.requireNonNull(then, "then");
    }
  }

  /** Go's {@code case <-time.After(d):}, measured from the start of the select. */
  static final class Timeout<R> extends Clause<R> {
    final long nanos;
    final Supplier<? extends R> then;

    Timeout(long nanos, Supplier<? extends R> then) {
      this.nanos = nanos;
      this.then = Objects.requireNonNull(then, "then");
    }
  }
}
