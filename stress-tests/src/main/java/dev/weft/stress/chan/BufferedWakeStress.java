package dev.weft.stress.chan;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;

import dev.weft.chan.Channel;
import java.util.Optional;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;
import org.openjdk.jcstress.infra.results.I_Result;

/**
 * Buffered channels park waiters beside a lock-free ring, and a partner's operation must wake them:
 * a lost wake-up leaves an actor parked for good, which jcstress reports as a hang.
 */
public final class BufferedWakeStress {
  private BufferedWakeStress() {}

  /** A blocking receive on an empty buffer races a non-blocking send. */
  @JCStressTest
  @Outcome(id = "5", expect = ACCEPTABLE, desc = "the receiver got the value")
  @State
  public static class ReceiverWokenBySend {
    private final Channel<Integer> ch = Channel.make(1);

    @Actor
    public void receiver(I_Result r) {
      try {
        r.r1 = ch.receive();
      } catch (InterruptedException e) {
        r.r1 = -1;
      }
    }

    @Actor
    public void sender() {
      if (!ch.trySend(5)) {
        throw new AssertionError("an empty buffer refused a value");
      }
    }
  }

  /**
   * A blocking send on a full buffer races a non-blocking receive that makes room: the sender must
   * be woken, and both values must come out, in order.
   */
  @JCStressTest
  @Outcome(id = "1, 2", expect = ACCEPTABLE, desc = "the first value, then the woken sender's")
  @State
  public static class SenderWokenByReceive {
    private final Channel<Integer> ch = Channel.make(1);

    public SenderWokenByReceive() {
      ch.trySend(1);
    }

    @Actor
    public void sender() {
      try {
        ch.send(2);
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    }

    @Actor
    public void receiver(II_Result r) {
      Optional<Integer> v;
      while ((v = ch.tryReceive()).isEmpty()) {
        Thread.onSpinWait();
      }
      r.r1 = v.get();
    }

    @Arbiter
    public void rest(II_Result r) {
      r.r2 = ch.tryReceive().orElse(0);
    }
  }
}
