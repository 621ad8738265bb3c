package dev.weft.chan.lincheck;

import dev.weft.chan.Channel;
import dev.weft.chan.ChannelClosedException;
import org.jetbrains.lincheck.datastructures.Operation;

/**
 * A weft channel wrapped for Lincheck: each operation reports its outcome as a string, as {@link
 * ChannelSpec} does. One subclass per capacity, because Lincheck makes a fresh instance with the
 * no-argument constructor for every run.
 */
public abstract class ChannelUnderTest {
  private final Channel<Integer> ch;

  ChannelUnderTest(int capacity) {
    this.ch = Channel.make(capacity);
  }

  @Operation(blocking = true)
  public String send(int v) {
    try {
      ch.send(v);
      return "ok";
    } catch (ChannelClosedException e) {
      return "closed";
    } catch (InterruptedException e) {
      return "interrupted";
    }
  }

  @Operation(blocking = true)
  public String receive() {
    try {
      return String.valueOf(ch.receive());
    } catch (ChannelClosedException e) {
      return "closed";
    } catch (InterruptedException e) {
      return "interrupted";
    }
  }

  @Operation
  public String trySend(int v) {
    try {
      return ch.trySend(v) ? "ok" : "full";
    } catch (ChannelClosedException e) {
      return "closed";
    }
  }

  @Operation
  public String tryReceive() {
    return ch.tryReceive().map(String::valueOf).orElse("empty");
  }

  @Operation
  public String close() {
    try {
      ch.close();
      return "ok";
    } catch (ChannelClosedException e) {
      return "closed";
    }
  }

  /** Capacity 0. */
  public static final class Unbuffered extends ChannelUnderTest {
    public Unbuffered() {
      super(0);
    }
  }

  /** Capacity 1. */
  public static final class One extends ChannelUnderTest {
    public One() {
      super(1);
    }
  }

  /** Capacity 2. */
  public static final class Two extends ChannelUnderTest {
    public Two() {
      super(2);
    }
  }
}
