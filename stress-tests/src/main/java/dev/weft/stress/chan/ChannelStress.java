package dev.weft.stress.chan;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;

import dev.weft.chan.Channel;
import dev.weft.chan.ChannelClosedException;
import java.util.Optional;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;
import org.openjdk.jcstress.infra.results.II_Result;
import org.openjdk.jcstress.infra.results.I_Result;

/** Channels: sends, receives and closes racing one another. */
public final class ChannelStress {
  private ChannelStress() {}

  /** A non-blocking send of {@code v}: 1 if delivered, 0 if refused, full or closed. */
  static int offer(Channel<Integer> ch, int v) {
    try {
      return ch.trySend(v) ? 1 : 0;
    } catch (ChannelClosedException e) {
      return 0;
    }
  }

  static int take(Channel<Integer> ch) {
    Optional<Integer> v = ch.tryReceive();
    return v.isPresent() ? v.get() : 0;
  }

  /**
   * A non-blocking send races close on a buffered channel: a send that succeeded must leave its
   * value for a receiver, and one refused as closed must leave nothing.
   */
  @JCStressTest
  @Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "sent before the close, received after")
  @Outcome(id = "0, 0", expect = ACCEPTABLE, desc = "refused: the channel was already closed")
  @State
  public static class TrySendVersusClose {
    private final Channel<Integer> ch = Channel.make(1);

    @Actor
    public void sender(II_Result r) {
      r.r1 = offer(ch, 1);
    }

    @Actor
    public void closer() {
      ch.close();
    }

    @Arbiter
    public void drain(II_Result r) {
      r.r2 = take(ch);
    }
  }

  /**
   * A blocking send on an unbuffered channel races a non-blocking receive followed by close: the
   * send returns normally exactly when the receive got its value, and fails otherwise.
   */
  @JCStressTest
  @Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "the receive met the waiting sender")
  @Outcome(id = "0, 0", expect = ACCEPTABLE, desc = "the receive came first; close failed the send")
  @State
  public static class BlockedSendVersusReceiveAndClose {
    private final Channel<Integer> ch = Channel.make();

    @Actor
    public void sender(II_Result r) {
      try {
        ch.send(1);
        r.r1 = 1;
      } catch (ChannelClosedException e) {
        r.r1 = 0;
      } catch (InterruptedException e) {
        r.r1 = -1;
      }
    }

    @Actor
    public void receiverThenCloser(II_Result r) {
      r.r2 = take(ch);
      ch.close();
    }
  }

  /**
   * A non-blocking send races a non-blocking receive on a full buffer of one: no value is lost or
   * invented. r1: the send succeeded; r2: what the receive got; r3: what is left afterwards.
   */
  @JCStressTest
  @Outcome(id = "0, 1, 0", expect = ACCEPTABLE, desc = "the send found the buffer full")
  @Outcome(id = "1, 1, 2", expect = ACCEPTABLE, desc = "the receive made room first")
  @State
  public static class TrySendVersusTryReceive {
    private final Channel<Integer> ch = Channel.make(1);

    public TrySendVersusTryReceive() {
      ch.trySend(1);
    }

    @Actor
    public void sender(III_Result r) {
      r.r1 = ch.trySend(2) ? 1 : 0;
    }

    @Actor
    public void receiver(III_Result r) {
      r.r2 = take(ch);
    }

    @Arbiter
    public void drain(III_Result r) {
      r.r3 = take(ch);
    }
  }

  /** A non-blocking receive spins until it meets a blocked sender; the value arrives intact. */
  @JCStressTest
  @Outcome(id = "7", expect = ACCEPTABLE, desc = "the blocked sender's value was taken once")
  @State
  public static class TryReceiveMeetsBlockedSender {
    private final Channel<Integer> ch = Channel.make();

    @Actor
    public void sender() {
      try {
        ch.send(7);
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    }

    @Actor
    public void receiver(I_Result r) {
      Optional<Integer> v;
      while ((v = ch.tryReceive()).isEmpty()) {
        Thread.onSpinWait();
      }
      r.r1 = v.get();
    }
  }

  /** A non-blocking send spins until it meets a blocked receiver; exactly that value arrives. */
  @JCStressTest
  @Outcome(id = "5", expect = ACCEPTABLE, desc = "the blocked receiver got the value")
  @State
  public static class TrySendMeetsBlockedReceiver {
    private final Channel<Integer> ch = Channel.make();

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
      while (!ch.trySend(5)) {
        Thread.onSpinWait();
      }
    }
  }
}
