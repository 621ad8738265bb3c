package dev.weft.time;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.chan.Channel;
import dev.weft.chan.ReceiveChannel;
import dev.weft.chan.Select;
import dev.weft.testkit.ThreadKind;
import dev.weft.testkit.Workers;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class TimeTest {
  private static final Duration PERIOD = Duration.ofMillis(20);

  @ParameterizedTest
  @EnumSource(ThreadKind.class)
  void afterDeliversOnceAfterTheDelay(ThreadKind kind) throws Exception {
    try (Workers w = new Workers(kind)) {
      w.start(
          "waiter",
          () -> {
            long start = System.nanoTime();
            ReceiveChannel<Instant> t = Timers.after(Duration.ofMillis(30));
            Instant fired = t.receive();
            assertTrue(System.nanoTime() - start >= Duration.ofMillis(30).toNanos());
            assertTrue(fired.isBefore(Instant.now().plusMillis(1)));
            assertEquals(Optional.empty(), t.receive(Duration.ofMillis(60)), "only one value");
            assertTrue(Timers.after(Duration.ZERO).tryReceive().isPresent(), "zero fires at once");
            assertTrue(Timers.after(Duration.ofSeconds(-1)).tryReceive().isPresent());
          });
    }
  }

  @Test
  void afterWorksAsASelectTimeout() throws InterruptedException {
    Channel<String> never = Channel.make();
    String r =
        Select.select(
            never.onReceive(v -> v), Timers.after(Duration.ofMillis(10)).onReceive(t -> "timeout"));
    assertEquals("timeout", r);
  }

  @ParameterizedTest
  @EnumSource(ThreadKind.class)
  void tickerTicksAtItsPeriod(ThreadKind kind) throws Exception {
    try (Workers w = new Workers(kind)) {
      w.start(
          "receiver",
          () -> {
            try (Ticker ticker = Ticker.every(PERIOD)) {
              long start = System.nanoTime();
              List<Instant> ticks = new ArrayList<>();
              for (int i = 0; i < 5; i++) {
                ticks.add(ticker.channel().receive());
              }
              long elapsed = System.nanoTime() - start;
              assertTrue(elapsed >= 4 * PERIOD.toNanos(), "5 ticks take at least 4 periods");
              for (int i = 1; i < ticks.size(); i++) {
                assertTrue(!ticks.get(i).isBefore(ticks.get(i - 1)));
              }
            }
          });
    }
  }

  @Test
  void aSlowReceiverSeesAtMostOneStaleTick() throws InterruptedException {
    try (Ticker ticker = Ticker.every(Duration.ofMillis(5))) {
      // Wait for the first tick rather than assume when it comes: on a loaded machine the timer
      // thread may run late. Once a tick waits in the channel, nothing but a receive removes it.
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (ticker.channel().size() == 0 && System.nanoTime() < deadline) {
        Thread.sleep(1);
      }
      Thread.sleep(60); // about 12 more ticks come and go, none of them kept
      assertEquals(1, ticker.channel().size(), "the channel keeps one tick, and only one");
      assertTrue(ticker.channel().tryReceive().isPresent());
    }
  }

  @Test
  void stopDiscardsThePendingTickAndEndsTicks() throws InterruptedException {
    Ticker ticker = Ticker.every(Duration.ofMillis(5));
    Thread.sleep(30);
    ticker.stop();
    assertTrue(ticker.channel().tryReceive().isEmpty(), "no stale tick after stop");
    assertTrue(ticker.channel().receive(Duration.ofMillis(50)).isEmpty(), "no tick after stop");
    ticker.stop(); // stopping twice is fine
    ticker.reset(Duration.ofMillis(5)); // and a stopped ticker can restart
    assertTrue(ticker.channel().receive(Duration.ofSeconds(5)).isPresent());
    ticker.close();
    assertTrue(ticker.channel().receive(Duration.ofMillis(30)).isEmpty());
  }

  @Test
  void resetChangesThePeriodAndDiscardsThePendingTick() throws InterruptedException {
    try (Ticker ticker = Ticker.every(Duration.ofMillis(5))) {
      Thread.sleep(30);
      ticker.reset(Duration.ofMillis(200));
      assertTrue(ticker.channel().tryReceive().isEmpty(), "no stale tick after reset");
      assertTrue(
          ticker.channel().receive(Duration.ofMillis(100)).isEmpty(), "the new period applies");
      assertTrue(ticker.channel().receive(Duration.ofSeconds(5)).isPresent());
    }
  }

  @Test
  void nonPositivePeriodsAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> Ticker.every(Duration.ZERO));
    assertThrows(IllegalArgumentException.class, () -> Ticker.every(Duration.ofMillis(-1)));
    assertThrows(NullPointerException.class, () -> Ticker.every(null));
    assertThrows(NullPointerException.class, () -> Timers.after(null));
    try (Ticker t = Ticker.every(PERIOD)) {
      assertThrows(IllegalArgumentException.class, () -> t.reset(Duration.ZERO));
    }
  }

  @Test
  void timersAndTickersShareOneSchedulerThread() throws InterruptedException {
    List<Ticker> tickers = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      tickers.add(Ticker.every(Duration.ofMillis(10)));
      Timers.after(Duration.ofMillis(10));
    }
    Thread.sleep(30);
    long schedulerThreads =
        Thread.getAllStackTraces().keySet().stream()
            .filter(t -> t.getName().equals("weft-timer"))
            .count();
    assertEquals(1, schedulerThreads);
    tickers.forEach(Ticker::stop);
  }

  @Test
  void anUnreferencedTickerIsCollectedAndItsTaskEnds() throws InterruptedException {
    int before = Scheduler.queued();
    WeakReference<Ticker> ref = new WeakReference<>(Ticker.every(Duration.ofMillis(2)));
    for (int i = 0; i < 100 && ref.get() != null; i++) {
      System.gc();
      Thread.sleep(10);
    }
    assertNull(ref.get(), "a running ticker nobody references must be collectable");
    for (int i = 0; i < 100 && Scheduler.queued() > before; i++) {
      Thread.sleep(10);
    }
    assertTrue(Scheduler.queued() <= before, "its periodic task cancelled itself");
  }

  @Test
  void holdingOnlyTheChannelKeepsTheTickerRunning() throws InterruptedException {
    ReceiveChannel<Instant> ticks = Ticker.every(Duration.ofMillis(5)).channel();
    for (int i = 0; i < 5; i++) {
      System.gc();
    }
    assertTrue(ticks.receive(Duration.ofSeconds(5)).isPresent());
    assertTrue(ticks.receive(Duration.ofSeconds(5)).isPresent());
  }
}
