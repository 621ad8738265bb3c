package dev.weft.clocks;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * A hybrid logical clock (HLC): timestamps that respect causality like a Lamport clock, stay close
 * to physical time, and fit in 64 bits (Kulkarni, Demirbas, Madappa, Avva and Leone, "Logical
 * Physical Clocks", OPODIS 2014).
 *
 * {@snippet :
 * HybridLogicalClock clock = new HybridLogicalClock(System::currentTimeMillis, 500);
 * HybridTimestamp sent = clock.now();          // local or send event; put it on the message
 * ...
 * HybridTimestamp received = clock.update(message.timestamp()); // receive event
 * }
 *
 * <p>A timestamp is a wall-clock part {@code l} (milliseconds) and a counter {@code c}. {@link
 * #now()} and {@link #update(HybridTimestamp)} follow the paper's rules, so with physical time
 * {@code pt}:
 *
 * <ul>
 *   <li>if event <i>e</i> happened before <i>f</i>, then {@code ts(e) < ts(f)};
 *   <li>{@code l >= pt} at every event: the wall part never lags the local physical clock;
 *   <li>{@code l - pt <= ε} when all physical clocks are within ε of each other: the wall part is
 *       never further ahead of physical time than the clocks are apart;
 *   <li>the counter is bounded: it only grows while {@code l} stays the same, and it resets when
 *       physical time moves past {@code l}.
 * </ul>
 *
 * <p><b>Peers too far ahead.</b> {@code update} rejects a remote timestamp whose wall part is more
 * than {@code maxOffsetMillis} ahead of the local physical clock with {@link ClockOffsetException}
 * and leaves the clock unchanged; otherwise one faulty clock would pull every clock it talks to
 * into the future. Choose {@code maxOffsetMillis} above the synchronisation error of your physical
 * clocks (NTP: tens to hundreds of milliseconds).
 *
 * <p><b>Counter overflow.</b> The counter has 16 bits. If an event would make it 65536, the clock
 * instead carries into the wall part: the event gets {@code (l + 1, 0)}. Timestamps stay strictly
 * increasing and no call ever waits, but {@code l} may then run ahead of physical time by up to one
 * millisecond per 65,536 events that arrive within one millisecond, beyond the bound above, until
 * physical time catches up. {@link HybridClockListener#logicalOverflow} reports each carry. (One
 * thread calling {@code now()} in a tight loop on a fast machine can cause this; a real workload
 * rarely does.)
 *
 * <p><b>Backwards physical clock.</b> If the physical clock steps back, timestamps keep increasing:
 * {@code l} holds its value and the counter advances (and carries, if the step is long and the
 * clock busy) until physical time passes {@code l} again. {@link
 * HybridClockListener#physicalClockBackwards} reports the step.
 *
 * <p><b>Threads.</b> Thread-safe and lock-free. Each call is linearizable: concurrent calls never
 * return the same timestamp, and a call that starts after another returned gets a larger one. The
 * physical clock is read once per call (twice when it appears to have gone backwards) and may be
 * called from any thread.
 */
public final class HybridLogicalClock {
  /*
   * Implementation overview. The state is the latest timestamp issued, packed into one long
   * (48 bits of l, 16 of c; HybridTimestamp.pack), and every call is one compare-and-set loop on
   * it. The paper's rules
   *
   *   send/local:  l' = max(l, pt);        c' = l' == l ? c + 1 : 0
   *   receive m:   l' = max(l, l_m, pt);   c' = l' == l == l_m ? max(c, c_m) + 1
   *                                             : l' == l ? c + 1 : l' == l_m ? c_m + 1 : 0
   *
   * collapse, on packed words, to one expression with floor = 0 for now() and the remote's packed
   * word for update():
   *
   *   next = pt > max(l, l_m) ? pt << 16 : max(state, floor) + 1
   *
   * because when the wall parts tie, the larger packed word has the larger counter, and when one is
   * larger its own counter is the one to advance. The "+ 1" on a packed word carries a counter of
   * 65535 into l: that is the overflow policy (docs/adr/0005-hlc-counter-overflow.md).
   *
   * Differences from the paper: the paper's processes are sequential; here concurrent callers share
   * one clock, and the CAS makes their calls a sequence. The offset check for update() reads pt
   * once, before the loop, and throws before touching the state. Backwards steps are detected
   * against lastPhysical, the largest reading seen, which threads update racily (a lost update only
   * lowers it); a reading below it is re-read before being reported, so a thread descheduled
   * between reading the clock and comparing cannot report a step that did not happen: the re-read
   * follows the reading that set lastPhysical, and a physical clock that did not step back cannot
   * return less.
   */
  private static final VarHandle STATE;
  private static final VarHandle LAST_PHYSICAL;

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      STATE = lookup.findVarHandle(HybridLogicalClock.class, "state", long.class);
      LAST_PHYSICAL = lookup.findVarHandle(HybridLogicalClock.class, "lastPhysical", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private static final long LOGICAL_MASK = HybridTimestamp.MAX_LOGICAL;
  private static final int LOGICAL_BITS = HybridTimestamp.LOGICAL_BITS;

  private final LongSupplier physicalMillis;
  private final long maxOffsetMillis;
  private final HybridClockListener listener;

  // The packed latest timestamp. Volatile reads, compare-and-set writes: sequentially consistent.
  private volatile long state;

  // The largest physical reading seen, a hint for backwards detection (see overview). Volatile so
  // that the re-read argument holds; written racily.
  private volatile long lastPhysical;

  /**
   * Creates a clock at {@code (0, 0)} that reads physical time from {@code physicalMillis} and
   * reports nothing.
   *
   * @param physicalMillis the physical clock, in milliseconds since the epoch, for example {@code
   *     System::currentTimeMillis}; it must return values in [0, 2<sup>48</sup>)
   * @param maxOffsetMillis how far ahead of the physical clock a remote timestamp may be; {@link
   *     Long#MAX_VALUE} accepts any
   * @throws IllegalArgumentException if {@code maxOffsetMillis} is negative
   */
  public HybridLogicalClock(LongSupplier physicalMillis, long maxOffsetMillis) {
    this(physicalMillis, maxOffsetMillis, HybridClockListener.none());
  }

  /**
   * Creates a clock at {@code (0, 0)} that reads physical time from {@code physicalMillis} and
   * reports unusual events to {@code listener}.
   *
   * @param physicalMillis the physical clock, in milliseconds since the epoch; it must return
   *     values in [0, 2<sup>48</sup>)
   * @param maxOffsetMillis how far ahead of the physical clock a remote timestamp may be; {@link
   *     Long#MAX_VALUE} accepts any
   * @param listener receives reports of backwards steps, rejected peers and counter overflows
   * @throws IllegalArgumentException if {@code maxOffsetMillis} is negative
   */
  public HybridLogicalClock(
      LongSupplier physicalMillis, long maxOffsetMillis, HybridClockListener listener) {
    this.physicalMillis = Objects.requireNonNull(physicalMillis, "physicalMillis");
    this.listener = Objects.requireNonNull(listener, "listener");
    if (maxOffsetMillis < 0) {
      throw new IllegalArgumentException("maximum offset must not be negative: " + maxOffsetMillis);
    }
    this.maxOffsetMillis = maxOffsetMillis;
  }

  /**
   * Returns a clock on {@link System#currentTimeMillis()} that logs unusual events through {@link
   * HybridClockListener#logging()}.
   *
   * @param maxOffsetMillis how far ahead of the physical clock a remote timestamp may be
   * @return a new clock
   * @throws IllegalArgumentException if {@code maxOffsetMillis} is negative
   */
  public static HybridLogicalClock systemClock(long maxOffsetMillis) {
    return new HybridLogicalClock(
        System::currentTimeMillis, maxOffsetMillis, HybridClockListener.logging());
  }

  /**
   * Records a local or send event and returns its timestamp: {@code (pt, 0)} if the physical clock
   * has passed the latest timestamp, otherwise the latest timestamp with its counter advanced.
   *
   * @return a timestamp greater than every one this clock returned before
   * @throws IllegalStateException if the physical clock returns a value outside [0,
   *     2<sup>48</sup>), or in the year 10889 when the clock runs out of timestamps
   */
  public HybridTimestamp now() {
    return HybridTimestamp.unpack(advance(physical(), 0));
  }

  /**
   * Records the receipt of a message stamped {@code remote} and returns the receive event's
   * timestamp, which is greater than {@code remote} and than every timestamp this clock returned
   * before.
   *
   * @param remote the timestamp the message carried
   * @return the receive event's timestamp
   * @throws ClockOffsetException if {@code remote}'s wall part is more than the maximum offset
   *     ahead of the physical clock; the clock is unchanged
   * @throws IllegalStateException if the physical clock returns a value outside [0, 2<sup>48</sup>)
   */
  public HybridTimestamp update(HybridTimestamp remote) {
    long pt = physical();
    if (remote.wallMillis() - pt > maxOffsetMillis) {
      ClockOffsetException rejection = new ClockOffsetException(remote, pt, maxOffsetMillis);
      listener.peerRejected(rejection);
      throw rejection;
    }
    return HybridTimestamp.unpack(advance(pt, remote.pack()));
  }

  private long advance(long pt, long floor) {
    long current = state;
    while (true) {
      long base = Long.compareUnsigned(current, floor) >= 0 ? current : floor;
      long next;
      boolean carried;
      if (pt > base >>> LOGICAL_BITS) {
        next = pt << LOGICAL_BITS;
        carried = false;
      } else if (base == -1L) {
        throw new IllegalStateException(
            "hybrid logical clock exhausted at " + HybridTimestamp.unpack(base));
      } else {
        next = base + 1; // a counter of 65535 carries into the wall part
        carried = (next & LOGICAL_MASK) == 0;
      }
      long witness = (long) STATE.compareAndExchange(this, current, next);
      if (witness == current) {
        if (carried) {
          listener.logicalOverflow(HybridTimestamp.unpack(next));
        }
        return next;
      }
      current = witness;
    }
  }

  private long physical() {
    long pt = physicalMillis.getAsLong();
    checkRange(pt);
    long last = lastPhysical;
    if (pt > last) {
      lastPhysical = pt; // racy: may lower it a little after a concurrent larger write; harmless
    } else if (pt < last) {
      pt = physicalMillis.getAsLong(); // see overview: rules out a stale first reading
      checkRange(pt);
      if (pt < last) {
        // Only the thread that lowers lastPhysical reports, so one step is reported once.
        if (LAST_PHYSICAL.compareAndSet(this, last, pt)) {
          listener.physicalClockBackwards(last, pt);
        }
      } else if (pt > last) {
        lastPhysical = pt;
      }
    }
    return pt;
  }

  private static void checkRange(long pt) {
    if (pt >>> (Long.SIZE - LOGICAL_BITS) != 0) {
      throw new IllegalStateException(
          "physical clock returned " + pt + " ms, outside [0, 2^48) ms since the epoch");
    }
  }

  /**
   * Returns the latest timestamp this clock issued, without recording an event; {@code (0, 0)}
   * before the first.
   *
   * @return the latest timestamp
   */
  public HybridTimestamp current() {
    return HybridTimestamp.unpack(state);
  }

  /**
   * Returns the maximum offset given at construction.
   *
   * @return milliseconds a remote timestamp may be ahead of the physical clock
   */
  public long maxOffsetMillis() {
    return maxOffsetMillis;
  }

  @Override
  public String toString() {
    return "HybridLogicalClock[latest=" + current() + ", maxOffset=" + maxOffsetMillis + "ms]";
  }
}
