package dev.weft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.weft.chan.Channel;
import dev.weft.chan.Select;
import dev.weft.sync.ErrGroup;
import dev.weft.sync.Guard;
import dev.weft.sync.Mutex;
import dev.weft.sync.Once;
import dev.weft.sync.RWMutex;
import dev.weft.sync.WaitGroup;
import dev.weft.testkit.ThreadKind;
import dev.weft.testkit.Workers;
import dev.weft.time.Ticker;
import dev.weft.time.Timers;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.LockSupport;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingStream;
import org.junit.jupiter.api.Test;

/**
 * Every blocking method parks a waiting virtual thread without pinning its carrier. Checked with
 * JDK Flight Recorder's {@code jdk.VirtualThreadPinned} event at a zero threshold; a control case
 * that really pins shows that the recorder would see it.
 */
class NoPinningTest {
  /**
   * A blocking scenario: {@code setup} runs on the test thread and makes {@code block} wait when a
   * virtual thread runs it; {@code release}, on the test thread again, lets it finish.
   */
  private record Scenario(String name, Runnable setup, Workers.Body block, Runnable release) {}

  @Test
  void theControlCaseIsSeenSoTheCheckCanFail() throws Exception {
    List<RecordedEvent> pinned = recordPinning(List.of(pinsInClassInitializer()));
    assertFalse(pinned.isEmpty(), "parking inside a class initializer pins; JFR must report it");
  }

  @Test
  void blockingPrimitivesDoNotPin() throws Exception {
    List<RecordedEvent> pinned = recordPinning(scenarios());
    assertEquals(List.of(), pinned.stream().map(NoPinningTest::describe).toList());
  }

  private static List<Scenario> scenarios() {
    Mutex mutex = new Mutex();
    RWMutex rw = new RWMutex();
    Guard[] held = new Guard[1];
    WaitGroup wg = new WaitGroup();
    Once once = new Once();
    CountDownLatch onceStarted = new CountDownLatch(1);
    CountDownLatch onceRelease = new CountDownLatch(1);
    ErrGroup limited = ErrGroup.withLimit(1);
    CountDownLatch slotRelease = new CountDownLatch(1);
    Channel<Integer> unbuffered = Channel.make();
    Channel<Integer> other = Channel.make();
    return List.of(
        new Scenario(
            "Mutex.lock",
            () -> held[0] = mutex.lock(),
            () -> mutex.lock().close(),
            () -> held[0].close()),
        new Scenario(
            "Mutex.lockInterruptibly",
            () -> held[0] = mutex.lock(),
            () -> mutex.lockInterruptibly().close(),
            () -> held[0].close()),
        new Scenario(
            "Mutex.tryLock(timeout)",
            () -> held[0] = mutex.lock(),
            () -> mutex.tryLock(Duration.ofSeconds(10)).orElseThrow().close(),
            () -> held[0].close()),
        new Scenario(
            "RWMutex.readLock",
            () -> held[0] = rw.writeLock(),
            () -> rw.readLock().close(),
            () -> held[0].close()),
        new Scenario(
            "RWMutex.writeLock",
            () -> held[0] = rw.readLock(),
            () -> rw.writeLock().close(),
            () -> held[0].close()),
        new Scenario("WaitGroup.await", () -> wg.add(1), wg::await, wg::done),
        new Scenario(
            "Once.run waiting for the body",
            () ->
                Thread.ofVirtual()
                    .start(
                        () ->
                            once.run(
                                () -> {
                                  onceStarted.countDown();
                                  awaitQuietly(onceRelease);
                                })),
            () -> {
              onceStarted.await();
              once.run(() -> {});
            },
            onceRelease::countDown),
        new Scenario(
            "ErrGroup.go at its limit",
            () -> limited.go(slotRelease::await),
            () -> limited.go(() -> {}),
            slotRelease::countDown),
        new Scenario("Channel.receive", () -> {}, unbuffered::receive, () -> send(unbuffered, 1)),
        new Scenario("Channel.send", () -> {}, () -> unbuffered.send(2), () -> take(unbuffered)),
        new Scenario(
            "Channel.receive(timeout)",
            () -> {},
            () -> unbuffered.receive(Duration.ofSeconds(10)).orElseThrow(),
            () -> send(unbuffered, 3)),
        new Scenario(
            "Select.select",
            () -> {},
            () -> Select.select(unbuffered.onReceive(v -> v), other.onSend(1, () -> 0)),
            () -> send(unbuffered, 4)),
        new Scenario(
            "Select.onTimeout",
            () -> {},
            () -> Select.select(Select.onTimeout(Duration.ofMillis(50), () -> 0)),
            () -> {}),
        new Scenario(
            "Timers.after",
            () -> {},
            () -> Timers.after(Duration.ofMillis(50)).receive(),
            () -> {}),
        new Scenario(
            "Ticker channel",
            () -> {},
            () -> {
              try (Ticker t = Ticker.every(Duration.ofMillis(50))) {
                t.channel().receive();
              }
            },
            () -> {}));
  }

  private static void send(Channel<Integer> ch, int v) {
    try {
      ch.send(v);
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  private static void take(Channel<Integer> ch) {
    try {
      ch.receive();
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  private static Scenario pinsInClassInitializer() {
    return new Scenario(
        "control: park in <clinit>", () -> {}, ParksWhileInitialising::touch, () -> {});
  }

  /** Parks for a moment inside its static initializer, which pins a virtual thread. */
  static final class ParksWhileInitialising {
    static {
      LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
    }

    static void touch() {}
  }

  private static List<RecordedEvent> recordPinning(List<Scenario> scenarios) throws Exception {
    List<RecordedEvent> pinned = new CopyOnWriteArrayList<>();
    try (RecordingStream rs = new RecordingStream()) {
      rs.enable("jdk.VirtualThreadPinned").withThreshold(Duration.ZERO).withStackTrace();
      rs.onEvent("jdk.VirtualThreadPinned", pinned::add);
      rs.startAsync();
      for (Scenario s : scenarios) {
        s.setup().run();
        try (Workers w = new Workers(ThreadKind.VIRTUAL)) {
          Thread t = w.start(s.name(), s.block());
          if (!s.name().startsWith("control")) {
            Workers.awaitBlocked(t);
          }
          s.release().run();
        }
      }
      rs.stop(); // waits until the recorded events have been delivered
    }
    return pinned;
  }

  private static String describe(RecordedEvent e) {
    return e.getThread() + " pinned at " + e.getStackTrace();
  }
}
