package dev.weft.stress.chan;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;

import dev.weft.chan.Channel;
import dev.weft.chan.Select;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/** Two selects competing for the same channels: exactly one commits per value. */
public final class SelectStress {
  private SelectStress() {}

  static int select(Channel<Integer> a, Channel<Integer> b) {
    try {
      return Select.select(a.onReceive(v -> v), b.onReceive(v -> v));
    } catch (InterruptedException e) {
      return -1;
    }
  }

  /** Channels a and b hold one value each; two receiving selects must take one value each. */
  @JCStressTest
  @Outcome(
      id = {"1, 2", "2, 1"},
      expect = ACCEPTABLE,
      desc = "each select took a different value")
  @State
  public static class ReceivingSelectsTakeDistinctValues {
    private final Channel<Integer> a = Channel.make(1);
    private final Channel<Integer> b = Channel.make(1);

    public ReceivingSelectsTakeDistinctValues() {
      a.trySend(1);
      b.trySend(2);
    }

    @Actor
    public void first(II_Result r) {
      r.r1 = select(a, b);
    }

    @Actor
    public void second(II_Result r) {
      r.r2 = select(b, a);
    }
  }

  /**
   * Channels a and b have room for one value each; two sending selects must each deliver exactly
   * one value, into different channels. The arbiter reads what a and b hold.
   */
  @JCStressTest
  @Outcome(
      id = {"1, 2", "2, 1"},
      expect = ACCEPTABLE,
      desc = "one value in each channel")
  @State
  public static class SendingSelectsFillDistinctSlots {
    private final Channel<Integer> a = Channel.make(1);
    private final Channel<Integer> b = Channel.make(1);

    private void offer(int v) {
      try {
        Select.select(a.onSend(v, () -> 0), b.onSend(v, () -> 0));
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    }

    @Actor
    public void first() {
      offer(1);
    }

    @Actor
    public void second() {
      offer(2);
    }

    @Arbiter
    public void check(II_Result r) {
      r.r1 = a.tryReceive().orElse(0);
      r.r2 = b.tryReceive().orElse(0);
      if (a.size() + b.size() != 0) {
        r.r1 = -1; // a value too many
      }
    }
  }

  /**
   * On one unbuffered channel, each select offers to send its id and to receive. They must pair up,
   * one sending and the other receiving (0 marks "sent"); a select must never receive its own id,
   * and never both send or both receive.
   */
  @JCStressTest
  @Outcome(id = "0, 1", expect = ACCEPTABLE, desc = "first sent 1, second received it")
  @Outcome(id = "2, 0", expect = ACCEPTABLE, desc = "second sent 2, first received it")
  @State
  public static class SelectsPairUpAndNeverMatchThemselves {
    private final Channel<Integer> c = Channel.make();

    private int sendOrReceive(int id) {
      try {
        return Select.select(c.onSend(id, () -> 0), c.onReceive(v -> v));
      } catch (InterruptedException e) {
        return -1;
      }
    }

    @Actor
    public void first(II_Result r) {
      r.r1 = sendOrReceive(1);
    }

    @Actor
    public void second(II_Result r) {
      r.r2 = sendOrReceive(2);
    }
  }
}
