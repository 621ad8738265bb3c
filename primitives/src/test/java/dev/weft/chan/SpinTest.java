package dev.weft.chan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;

/**
 * Adaptive spinning: spins that fail make later waits on the channel skip spinning, for a while.
 */
class SpinTest {
  private static int spinningWaits(AbstractChannel<?> ch, int waits) {
    int spun = 0;
    for (int i = 0; i < waits; i++) {
      if (Spin.budget(ch) > 0) {
        spun++;
      }
    }
    return spun;
  }

  @Test
  void failuresBackOffAndSuccessesComeBack() {
    assumeTrue(Spin.budget() > 0, "no spinning on a single processor");
    AbstractChannel<?> ch = (AbstractChannel<?>) Channel.make();
    assertEquals(Spin.budget(), Spin.budget(ch), "a fresh channel spins");

    Spin.record(ch, false);
    assertEquals(0, Spin.budget(ch), "one failure skips the next wait");
    assertTrue(Spin.budget(ch) > 0, "then spins again to probe");

    for (int i = 0; i < 10; i++) { // a run of failures: each probe fails again
      Spin.record(ch, false);
    }
    assertEquals(Spin.MAX_SKIP, ch.spinSkip, "skipping is capped");
    assertEquals(1, spinningWaits(ch, Spin.MAX_SKIP + 1), "one probe in MAX_SKIP + 1 waits");

    for (int i = 0; i < 20; i++) { // probes succeed again
      Spin.record(ch, true);
    }
    assertEquals(0, ch.spinBackoff);
    Spin.record(ch, false);
    assertEquals(1, ch.spinSkip, "after successes a failure starts the backoff afresh");
  }

  @Test
  void mostlySuccessfulSpinningGoesOn() {
    assumeTrue(Spin.budget() > 0, "no spinning on a single processor");
    AbstractChannel<?> ch = (AbstractChannel<?>) Channel.make(16);
    int spun = 0;
    for (int i = 0; i < 1_000; i++) {
      if (Spin.budget(ch) > 0) {
        spun++;
        Spin.record(ch, i % 10 != 0); // nine spins in ten succeed
      }
    }
    assertTrue(spun > 800, "spun on " + spun + " of 1000 waits");
  }

  @Test
  void platformThreadsSpinBrieflyWhileBackedOffAndVirtualThreadsDoNot() throws Exception {
    assumeTrue(Spin.budget() > 0, "no spinning on a single processor");
    assertEquals(Spin.BRIEF_NANOS, Spin.brief(), "a platform thread (this test's)");
    assertTrue(Spin.BRIEF_NANOS < Spin.PLATFORM_NANOS / 10, "brief is brief");
    long[] virtual = {-1};
    Thread t = Thread.ofVirtual().start(() -> virtual[0] = Spin.brief());
    assertTrue(t.join(java.time.Duration.ofSeconds(10)), "virtual thread finished");
    assertEquals(0, virtual[0], "a virtual thread parks at once while backed off");
  }

  @Test
  void virtualThreadsCountTheSchedulersCarriers() {
    assertEquals(4, Spin.carriers(null, null, 4), "one carrier per processor by default");
    assertEquals(1, Spin.carriers("1", null, 4), "parallelism sets the carriers");
    assertEquals(8, Spin.carriers("8", null, 2), "more carriers than processors");
    assertEquals(2, Spin.carriers(null, "2", 4), "maxPoolSize caps them");
    assertEquals(1, Spin.carriers("3", "1", 4), "maxPoolSize caps parallelism too");
    assertEquals(4, Spin.carriers("many", null, 4), "an unparsable value counts as unset");
  }

  @Test
  void aVirtualThreadSpinsWithTheDefaultCarriers() throws Exception {
    assumeTrue(Spin.budget() > 0, "no spinning on a single processor");
    assumeTrue(
        System.getProperty("jdk.virtualThreadScheduler.parallelism") == null
            && System.getProperty("jdk.virtualThreadScheduler.maxPoolSize") == null,
        "the default scheduler");
    long[] budget = {-1};
    Thread t = Thread.ofVirtual().start(() -> budget[0] = Spin.budget());
    assertTrue(t.join(java.time.Duration.ofSeconds(10)), "virtual thread finished");
    assertEquals(Spin.VIRTUAL_NANOS, budget[0], "one carrier per processor, so it spins");
  }
}
