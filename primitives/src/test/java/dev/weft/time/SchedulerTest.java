package dev.weft.time;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The timer thread's queue: order, cancellation, wake-ups and periods. */
class SchedulerTest {
  /** Records its own firing; the target is a strongly held object, so it is never collected. */
  private static final class Probe extends Scheduler.Task<Object> {
    final List<Probe> fired;
    final CountDownLatch done;

    Probe(Object target, long period, List<Probe> fired, CountDownLatch done) {
      super(target, period);
      this.fired = fired;
      this.done = done;
    }

    @Override
    void run(Object target) {
      fired.add(this); // under Scheduler.LOCK
      done.countDown();
    }
  }

  private static void schedule(Scheduler.Task<?> t, long delayNanos) {
    Scheduler.LOCK.lock();
    try {
      Scheduler.scheduleLocked(t, delayNanos);
    } finally {
      Scheduler.LOCK.unlock();
    }
  }

  /**
   * Cancels {@code t} if it is still queued and says whether it was; a one-shot task that has
   * already fired has left the queue (tasks fire under the same lock, so the answer is exact).
   */
  private static boolean cancelIfQueued(Scheduler.Task<?> t) {
    Scheduler.LOCK.lock();
    try {
      boolean queued = t.index >= 0;
      Scheduler.cancelLocked(t);
      return queued;
    } finally {
      Scheduler.LOCK.unlock();
    }
  }

  @Test
  void tasksFireInDeadlineOrderAndCancelledOnesNever() throws InterruptedException {
    long seed = Long.getLong("weft.seed", System.nanoTime());
    System.out.println("SchedulerTest seed " + seed + " (replay with -Dweft.seed=" + seed + ")");
    Random random = new Random(seed);
    Object target = new Object();
    List<Probe> fired = Collections.synchronizedList(new ArrayList<>());
    List<Probe> kept = new ArrayList<>();
    List<Probe> all = new ArrayList<>();
    int n = 300;
    CountDownLatch done = new CountDownLatch(n);
    for (int i = 0; i < n; i++) {
      long delay = TimeUnit.MILLISECONDS.toNanos(5 + random.nextInt(60));
      Probe p = new Probe(target, 0, fired, done);
      schedule(p, delay);
      all.add(p);
    }
    for (Probe p : all) {
      // On a slow machine the earliest deadlines can pass while the rest are being scheduled: a
      // task that fired before its cancel is a kept task, not a cancelled one.
      if (random.nextInt(3) == 0 && cancelIfQueued(p)) {
        done.countDown();
      } else {
        kept.add(p);
      }
    }
    assertTrue(done.await(10, TimeUnit.SECONDS), "every kept task fired");
    synchronized (fired) {
      assertEquals(kept.size(), fired.size(), "kept tasks fire once, cancelled ones never");
      assertTrue(fired.containsAll(kept));
      for (int i = 1; i < fired.size(); i++) {
        assertTrue(
            fired.get(i).deadline - fired.get(i - 1).deadline >= 0, "fired in deadline order");
      }
    }
  }

  @Test
  void anEarlierTaskWakesTheThreadFromALongerSleep() throws InterruptedException {
    Object target = new Object();
    List<Probe> fired = Collections.synchronizedList(new ArrayList<>());
    CountDownLatch done = new CountDownLatch(1);
    Probe far = new Probe(target, 0, fired, new CountDownLatch(1));
    schedule(far, TimeUnit.SECONDS.toNanos(30));
    Thread.sleep(20); // let the timer thread go to sleep until the far deadline
    long start = System.nanoTime();
    schedule(new Probe(target, 0, fired, done), TimeUnit.MILLISECONDS.toNanos(10));
    assertTrue(done.await(5, TimeUnit.SECONDS), "the near task fired, not after the far one");
    assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(10));
    cancelIfQueued(far);
    assertEquals(-1, far.index, "a cancelled task leaves the queue at once");
  }

  @Test
  void aPeriodicTaskRepeatsUntilCancelled() throws InterruptedException {
    Object target = new Object();
    List<Probe> fired = Collections.synchronizedList(new ArrayList<>());
    CountDownLatch three = new CountDownLatch(3);
    Probe p = new Probe(target, TimeUnit.MILLISECONDS.toNanos(5), fired, three);
    schedule(p, TimeUnit.MILLISECONDS.toNanos(5));
    assertTrue(three.await(5, TimeUnit.SECONDS));
    cancelIfQueued(p);
    int after = fired.size();
    Thread.sleep(30);
    assertEquals(after, fired.size(), "no run after the cancel returned");
  }

  @Test
  void aFailingTaskIsCancelledAndTheThreadGoesOn() throws InterruptedException {
    Object target = new Object();
    Scheduler.Task<Object> failing =
        new Scheduler.Task<>(target, TimeUnit.MILLISECONDS.toNanos(1)) {
          @Override
          void run(Object t) {
            throw new IllegalStateException("planted failure, logged by the scheduler");
          }
        };
    schedule(failing, 0);
    List<Probe> fired = Collections.synchronizedList(new ArrayList<>());
    CountDownLatch done = new CountDownLatch(1);
    schedule(new Probe(target, 0, fired, done), TimeUnit.MILLISECONDS.toNanos(20));
    assertTrue(done.await(5, TimeUnit.SECONDS), "the thread survived the failure");
    assertEquals(-1, failing.index, "the failing periodic task was cancelled");
  }

  @Test
  void aLatePeriodicTaskKeepsItsPhaseAndDropsMissedRuns() {
    long period = 10;
    assertEquals(110, Scheduler.next(100, period, 105), "on time: one period on");
    assertEquals(140, Scheduler.next(100, period, 135), "late by more than a period: skip ahead");
    assertEquals(120, Scheduler.next(100, period, 110), "due exactly now: the next one");
    long near = Long.MAX_VALUE - 5; // nanoTime may wrap: arithmetic by differences
    assertEquals(near + 10, Scheduler.next(near, period, near + 1));
  }
}
