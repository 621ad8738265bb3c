package dev.weft.time;

import dev.weft.chan.Channel;
import dev.weft.chan.ReceiveChannel;
import dev.weft.chan.SelectClause;
import java.lang.ref.Reference;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * The receive side of a ticker's or timer's channel. It keeps its owner strongly reachable, so that
 * a caller holding only the channel keeps the ticker running (Go's {@code t.C} does the same),
 * while the scheduler holds the owner only weakly. Select clauses made here capture this object for
 * the same reason.
 */
final class TickerChannel implements ReceiveChannel<Instant> {
  private final Channel<Instant> ticks;
  private final Object owner; // only to keep it reachable; null for timers

  TickerChannel(Channel<Instant> ticks, Object owner) {
    this.ticks = ticks;
    this.owner = owner;
  }

  @Override
  public Instant receive() throws InterruptedException {
    return ticks.receive();
  }

  @Override
  public Optional<Instant> receiveOrClosed() throws InterruptedException {
    return ticks.receiveOrClosed();
  }

  @Override
  public Optional<Instant> tryReceive() {
    return ticks.tryReceive();
  }

  @Override
  public Optional<Instant> receive(Duration timeout) throws InterruptedException {
    return ticks.receive(timeout);
  }

  @Override
  public int size() {
    return ticks.size();
  }

  @Override
  public boolean isClosedForReceive() {
    return ticks.isClosedForReceive();
  }

  @Override
  public Iterator<Instant> iterator() {
    return ticks.iterator();
  }

  @Override
  public <R> SelectClause<R> onReceive(Function<? super Instant, ? extends R> then) {
    Objects.requireNonNull(then, "then");
    return ticks.onReceive(
        v -> {
          Reference.reachabilityFence(this); // a waiting select keeps the owner alive
          return then.apply(v);
        });
  }

  @Override
  public <R> SelectClause<R> onReceiveOrClosed(Function<Optional<Instant>, ? extends R> then) {
    Objects.requireNonNull(then, "then");
    return ticks.onReceiveOrClosed(
        v -> {
          Reference.reachabilityFence(this);
          return then.apply(v);
        });
  }

  @Override
  public String toString() {
    return "TickerChannel[" + ticks + "]";
  }
}
