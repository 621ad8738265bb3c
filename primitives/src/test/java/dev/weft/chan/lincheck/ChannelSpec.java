package dev.weft.chan.lincheck;

import java.util.ArrayDeque;

/**
 * The sequential specification of a channel for Lincheck, one subclass per capacity.
 *
 * <p>Each operation returns what the real one reports, as a string ("ok", "closed", a value,
 * "full", "empty"), or {@link #BLOCKED} when, run alone at that point, the real operation would
 * wait. No real operation returns {@code BLOCKED}, so the verifier must find a linearization in
 * which every operation that completed could complete where it is placed: a blocked receive after
 * the send that fed it, a blocked send after the receive that made room, and so on.
 *
 * <p>An unbuffered channel has no buffer in which a send could wait; here a completed send leaves
 * its value "pending" for the receive that took it, and {@code close} is impossible while a value
 * is pending. Every scenario closes the channel, so a send that completed must be matched by a
 * receive before the close; a send that was still waiting at the close is ordered after it and
 * reports "closed". That makes the specification exact for completed histories.
 */
public abstract class ChannelSpec {
  /** The result of an operation that would wait here. */
  public static final String BLOCKED = "<blocked>";

  private final int capacity;
  private final ArrayDeque<Integer> buffer = new ArrayDeque<>();
  private boolean closed;

  ChannelSpec(int capacity) {
    this.capacity = capacity;
  }

  public String send(int v) {
    if (closed) {
      return "closed";
    }
    if (capacity == 0 || buffer.size() < capacity) {
      buffer.add(v); // for capacity 0: pending until received
      return "ok";
    }
    return BLOCKED;
  }

  public String receive() {
    if (!buffer.isEmpty()) {
      return String.valueOf(buffer.poll());
    }
    return closed ? "closed" : BLOCKED;
  }

  public String trySend(int v) {
    if (closed) {
      return "closed";
    }
    if (buffer.size() < capacity) {
      buffer.add(v);
      return "ok";
    }
    return "full";
  }

  public String tryReceive() {
    return buffer.isEmpty() ? "empty" : String.valueOf(buffer.poll());
  }

  public String close() {
    if (closed) {
      return "closed";
    }
    if (capacity == 0 && !buffer.isEmpty()) {
      return BLOCKED; // a completed rendezvous send must be received before the close
    }
    closed = true;
    return "ok";
  }

  /** Capacity 0. */
  public static final class Unbuffered extends ChannelSpec {
    public Unbuffered() {
      super(0);
    }
  }

  /** Capacity 1. */
  public static final class One extends ChannelSpec {
    public One() {
      super(1);
    }
  }

  /** Capacity 2. */
  public static final class Two extends ChannelSpec {
    public Two() {
      super(2);
    }
  }
}
