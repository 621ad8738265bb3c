package dev.weft.stress.chan;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;

import dev.weft.chan.Channel;
import dev.weft.chan.ChannelClosedException;
import dev.weft.chan.Select;
import java.time.Duration;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * The hand-offs of the rendezvous (a list without a lock): partners completing a waiter without a
 * lock while its select cancels on a timeout, and a close racing a hand-off. In every test a value
 * is delivered exactly when its sender reports it delivered; any other outcome is a lost or
 * invented value.
 *
 * <p>jcstress schedules two actors on two processors; where a race needs a third party, a virtual
 * thread started with the state plays it and the arbiter joins it.
 */
public final class RendezvousStress {
  /** Short enough that a select's timeout often races its completion. */
  private static final Duration BRIEF = Duration.ofNanos(2_000);

  /** Long enough that a partner usually arrives, short enough to keep the test fast. */
  private static final Duration PATIENT = Duration.ofNanos(200_000);

  /** How long an arbiter waits for a third party; every party's operations end far sooner. */
  private static final Duration JOIN = Duration.ofSeconds(10);

  /** A third party's result when it did not finish within {@link #JOIN}: a forbidden outcome. */
  static final int STUCK = -9;

  private RendezvousStress() {}

  /** Waits up to {@link #JOIN} for {@code t}; false if it is still running. */
  static boolean joined(Thread t) {
    try {
      return t.join(JOIN);
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  static int selectReceive(Channel<Integer> ch) {
    try {
      return Select.select(ch.onReceive(v -> v), Select.onTimeout(BRIEF, () -> 0));
    } catch (InterruptedException e) {
      return -1;
    }
  }

  static int timedSend(Channel<Integer> ch, int v) {
    try {
      return ch.send(v, PATIENT) ? 1 : 0;
    } catch (InterruptedException e) {
      return -1;
    }
  }

  static int timedReceive(Channel<Integer> ch) {
    try {
      return ch.receive(PATIENT).orElse(0);
    } catch (InterruptedException e) {
      return -1;
    }
  }

  /**
   * A third party in a race: a virtual thread, started with the state, that sends 1 (its result: 1
   * delivered, 0 failed as closed) or receives (its result: the value, 0 for closed or timed out);
   * the arbiter joins it.
   */
  static final class Party {
    private final Thread thread;
    private volatile int result = -1;

    private Party(Channel<Integer> ch, boolean send, boolean timed) {
      thread =
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      if (send) {
                        ch.send(1);
                        result = 1;
                      } else {
                        result = timed ? timedReceive(ch) : ch.receiveOrClosed().orElse(0);
                      }
                    } catch (ChannelClosedException e) {
                      result = 0;
                    } catch (InterruptedException e) {
                      result = -1;
                    }
                  });
    }

    static Party sender(Channel<Integer> ch) {
      return new Party(ch, true, false);
    }

    static Party receiver(Channel<Integer> ch, boolean timed) {
      return new Party(ch, false, timed);
    }

    int result() {
      return joined(thread) ? result : STUCK;
    }
  }

  /** A sender meets a receiving select whose timeout is expiring. r1: the select; r2: the send. */
  @JCStressTest
  @Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "the select received the value")
  @Outcome(
      id = "0, 0",
      expect = ACCEPTABLE_INTERESTING,
      desc = "the select timed out; the send did too")
  @State
  public static class SendMeetsCancellingSelect {
    private final Channel<Integer> ch = Channel.make();

    @Actor
    public void selector(II_Result r) {
      r.r1 = selectReceive(ch);
    }

    @Actor
    public void sender(II_Result r) {
      r.r2 = timedSend(ch, 1);
    }
  }

  /** A receiver meets a sending select whose timeout is expiring. r1: the select; r2: received. */
  @JCStressTest
  @Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "the select's value was received")
  @Outcome(
      id = "0, 0",
      expect = ACCEPTABLE_INTERESTING,
      desc = "the select timed out; the receive did too")
  @State
  public static class ReceiveMeetsCancellingSelect {
    private final Channel<Integer> ch = Channel.make();

    @Actor
    public void selector(II_Result r) {
      try {
        r.r1 = Select.select(ch.onSend(1, () -> 1), Select.onTimeout(BRIEF, () -> 0));
      } catch (InterruptedException e) {
        r.r1 = -1;
      }
    }

    @Actor
    public void receiver(II_Result r) {
      r.r2 = timedReceive(ch);
    }
  }

  /**
   * A sender with a plain receiver and a receiving select with an expiring timeout as candidates:
   * the value reaches exactly one of them, and only if the send reports it delivered. r1: the
   * select; r2: the send; r3: the plain receiver (a virtual thread).
   */
  @JCStressTest
  @Outcome(id = "1, 1, 0", expect = ACCEPTABLE, desc = "the select took the value")
  @Outcome(id = "0, 1, 1", expect = ACCEPTABLE, desc = "the plain receiver took it")
  @Outcome(id = "0, 0, 0", expect = ACCEPTABLE_INTERESTING, desc = "everyone timed out")
  @State
  public static class SenderChoosesBetweenReceiverAndCancellingSelect {
    private final Channel<Integer> ch = Channel.make();
    private final Party receiver = Party.receiver(ch, true);

    @Actor
    public void selector(III_Result r) {
      r.r1 = selectReceive(ch);
    }

    @Actor
    public void sender(III_Result r) {
      r.r2 = timedSend(ch, 1);
    }

    @Arbiter
    public void plainReceiver(III_Result r) {
      r.r3 = receiver.result();
    }
  }

  /**
   * A close races a non-blocking send to a receiver that waits (a virtual thread): the receiver
   * gets the value exactly when the send reports it delivered, and sees the channel closed
   * otherwise. r1: the send; r2: the receiver (0 for closed).
   */
  @JCStressTest
  @Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "the hand-off came before the close")
  @Outcome(id = "0, 0", expect = ACCEPTABLE, desc = "the close came first, or nobody waited yet")
  @State
  public static class CloseRacesHandOffToReceiver {
    private final Channel<Integer> ch = Channel.make();
    private final Party receiver = Party.receiver(ch, false);

    @Actor
    public void sender(II_Result r) {
      r.r1 = ChannelStress.offer(ch, 1);
    }

    @Actor
    public void closer() {
      ch.close();
    }

    @Arbiter
    public void after(II_Result r) {
      r.r2 = receiver.result();
    }
  }

  /**
   * A close races a non-blocking receive from a sender that waits (a virtual thread): the send
   * returns normally exactly when the receive took its value, and fails as closed otherwise. r1:
   * the receive; r2: the sender (1 delivered, 0 failed as closed).
   */
  @JCStressTest
  @Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "the hand-off came before the close")
  @Outcome(id = "0, 0", expect = ACCEPTABLE, desc = "the close came first, or nobody waited yet")
  @State
  public static class CloseRacesHandOffFromSender {
    private final Channel<Integer> ch = Channel.make();
    private final Party sender = Party.sender(ch);

    @Actor
    public void receiver(II_Result r) {
      r.r1 = ch.tryReceive().orElse(0);
    }

    @Actor
    public void closer() {
      ch.close();
    }

    @Arbiter
    public void after(II_Result r) {
      r.r2 = sender.result();
    }
  }

  /**
   * Once a close has returned, no hand-off completes: a receive started after it reports the
   * channel closed, even while a sender that waited before the close is still being woken, and
   * while another receive races the close for that sender. r1: the receive after the close (0 for
   * closed); r2: the waiting sender (a virtual thread); r3: the racing receive.
   */
  @JCStressTest
  @Outcome(id = "0, 0, 0", expect = ACCEPTABLE, desc = "the close failed the sender")
  @Outcome(id = "0, 1, 1", expect = ACCEPTABLE, desc = "the racing receive took the value first")
  @State
  public static class NoHandOffAfterClose {
    private final Channel<Integer> ch = Channel.make();
    private final Party sender = Party.sender(ch);

    @Actor
    public void closerThenReceiver(III_Result r) {
      ch.close();
      try {
        r.r1 = ch.receiveOrClosed().orElse(0);
      } catch (InterruptedException e) {
        r.r1 = -1;
      }
    }

    @Actor
    public void racingReceiver(III_Result r) {
      r.r3 = ch.tryReceive().orElse(0);
    }

    @Arbiter
    public void after(III_Result r) {
      r.r2 = sender.result();
    }
  }

  /**
   * Two receivers append to an empty list at once while a sender (a virtual thread) sends 1 and
   * then 2, each with a timeout: whichever receiver appends first becomes the list's head in the
   * second step of its append, and the other links after it or completes the sender. Every value
   * delivered is received once, by one receiver, and a receiver gets a value only if the sender
   * counted it delivered. r1, r2: what each receiver got (0: timed out); r3: values delivered.
   */
  @JCStressTest
  @Outcome(
      id = {"1, 2, 2", "2, 1, 2"},
      expect = ACCEPTABLE,
      desc = "both values, one each")
  @Outcome(
      id = {"1, 0, 1", "0, 1, 1", "2, 0, 1", "0, 2, 1"},
      expect = ACCEPTABLE_INTERESTING,
      desc = "one value delivered; the other send and one receive timed out")
  @Outcome(id = "0, 0, 0", expect = ACCEPTABLE_INTERESTING, desc = "everyone timed out")
  @State
  public static class ReceiversAppendToEmptyList {
    private final Channel<Integer> ch = Channel.make();
    private volatile int delivered =
        -1; // before the sender starts: field initialisers run in order
    private final Thread sender =
        Thread.ofVirtual()
            .start(
                () -> {
                  delivered = timedSend(ch, 1) + timedSend(ch, 2);
                });

    @Actor
    public void first(III_Result r) {
      r.r1 = timedReceive(ch);
    }

    @Actor
    public void second(III_Result r) {
      r.r2 = timedReceive(ch);
    }

    @Arbiter
    public void after(III_Result r) {
      r.r3 = joined(sender) ? delivered : STUCK;
    }
  }
}
