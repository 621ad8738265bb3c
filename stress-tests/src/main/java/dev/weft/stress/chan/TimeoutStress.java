package dev.weft.stress.chan;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;

import dev.weft.chan.Channel;
import dev.weft.chan.Select;
import java.time.Duration;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * A waiter's timeout racing a partner that completes it: the two must agree. If the partner's
 * non-blocking send reports the value delivered, the waiter must have received it; if the waiter
 * timed out, the send must report failure. "0, 1" would be a lost value.
 */
public final class TimeoutStress {
  private static final Duration BRIEF = Duration.ofNanos(2_000);

  private TimeoutStress() {}

  /** A receive with a timeout of a few microseconds against trySend. */
  @JCStressTest
  @Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "the receive got the value")
  @Outcome(id = "0, 0", expect = ACCEPTABLE_INTERESTING, desc = "timed out; the send found nobody")
  @State
  public static class ReceiveTimeoutVersusTrySend {
    private final Channel<Integer> ch = Channel.make();

    @Actor
    public void receiver(II_Result r) {
      try {
        r.r1 = ch.receive(BRIEF).orElse(0);
      } catch (InterruptedException e) {
        r.r1 = -1;
      }
    }

    @Actor
    public void sender(II_Result r) {
      r.r2 = ch.trySend(1) ? 1 : 0;
    }
  }

  /** A select with a receive clause and a timeout clause against trySend. */
  @JCStressTest
  @Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "the select received the value")
  @Outcome(id = "0, 0", expect = ACCEPTABLE_INTERESTING, desc = "timed out; the send found nobody")
  @State
  public static class SelectTimeoutVersusTrySend {
    private final Channel<Integer> ch = Channel.make();

    @Actor
    public void selector(II_Result r) {
      try {
        r.r1 = Select.select(ch.onReceive(v -> v), Select.onTimeout(BRIEF, () -> 0));
      } catch (InterruptedException e) {
        r.r1 = -1;
      }
    }

    @Actor
    public void sender(II_Result r) {
      r.r2 = ch.trySend(1) ? 1 : 0;
    }
  }
}
