package dev.weft.stress.clocks;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;

import dev.weft.clocks.LamportClock;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.JJ_Result;

/** LamportClock: racing events on one clock get distinct times, one after the other. */
public final class LamportClockStress {
  private LamportClockStress() {}

  /** Two concurrent ticks from 0: one gets 1, the other 2; never the same time twice. */
  @JCStressTest
  @Outcome(
      id = {"1, 2", "2, 1"},
      expect = ACCEPTABLE,
      desc = "the ticks took effect one after the other")
  @State
  public static class Ticks {
    private final LamportClock clock = new LamportClock();

    @Actor
    public void first(JJ_Result r) {
      r.r1 = clock.tick();
    }

    @Actor
    public void second(JJ_Result r) {
      r.r2 = clock.send();
    }
  }

  /**
   * A tick races a receive of a message stamped 5. Tick first: 1, then max(1, 5) + 1 = 6. Receive
   * first: 6, then 7. A tick that saw 0 after the receive, or two sixes, would be a lost update.
   */
  @JCStressTest
  @Outcome(id = "1, 6", expect = ACCEPTABLE, desc = "tick, then receive")
  @Outcome(id = "7, 6", expect = ACCEPTABLE, desc = "receive, then tick")
  @State
  public static class TickAndReceive {
    private final LamportClock clock = new LamportClock();

    @Actor
    public void ticker(JJ_Result r) {
      r.r1 = clock.tick();
    }

    @Actor
    public void receiver(JJ_Result r) {
      r.r2 = clock.receive(5);
    }
  }
}
