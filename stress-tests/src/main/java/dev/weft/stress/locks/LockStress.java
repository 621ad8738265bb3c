package dev.weft.stress.locks;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;

import dev.weft.sync.locks.BackoffLock;
import dev.weft.sync.locks.ClhLock;
import dev.weft.sync.locks.McsLock;
import dev.weft.sync.locks.TasLock;
import dev.weft.sync.locks.TicketLock;
import dev.weft.sync.locks.TtasLock;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * Mutual exclusion of every spin lock in dev.weft.sync.locks, two actors each.
 *
 * <p>{@code *Exclusion}: both actors lock(), read-increment-write a plain counter, unlock; each
 * must see the other's write or none, never both miss it ("0, 0" is forbidden: both were inside at
 * once, or a write was not published by the unlock).
 *
 * <p>{@code *TimedExclusion}: both actors tryLock with a timeout of a microsecond, so one often
 * gives up while the other holds the lock; for the queue locks that abandons a queue node. The
 * arbiter then checks that the lock is free (1) and not wedged by an abandoned node. Both refused
 * ("-1, -1") is forbidden: a refusal means the other actor held the lock.
 */
public final class LockStress {
  private LockStress() {}

  /** Lock, read-increment-write, unlock; returns the value read. */
  static int increment(Lock lock, int[] counter) {
    lock.lock();
    try {
      int seen = counter[0];
      counter[0] = seen + 1;
      return seen;
    } finally {
      lock.unlock();
    }
  }

  /** The same with a one-microsecond tryLock; -1 if it gave up. */
  static int tryIncrement(Lock lock, int[] counter) {
    try {
      if (!lock.tryLock(1, TimeUnit.MICROSECONDS)) {
        return -1;
      }
    } catch (InterruptedException e) {
      throw new AssertionError("nobody interrupts the actors", e);
    }
    try {
      int seen = counter[0];
      counter[0] = seen + 1;
      return seen;
    } finally {
      lock.unlock();
    }
  }

  /** 1 if the lock is free now (and leaves it free), 0 if not. */
  static int free(Lock lock) {
    if (lock.tryLock()) {
      lock.unlock();
      return 1;
    }
    return 0;
  }

  /** TasLock: lock() excludes. */
  @JCStressTest
  @Outcome(
      id = {"0, 1", "1, 0"},
      expect = ACCEPTABLE,
      desc = "one critical section after the other")
  @State
  public static class TasExclusion {
    private final Lock lock = new TasLock();
    private final int[] counter = new int[1];

    @Actor
    public void first(II_Result r) {
      r.r1 = increment(lock, counter);
    }

    @Actor
    public void second(II_Result r) {
      r.r2 = increment(lock, counter);
    }
  }

  /** TasLock: timed tryLock excludes, and a wait that gives up leaves the lock usable. */
  @JCStressTest
  @Outcome(
      id = {"0, 1, 1", "1, 0, 1"},
      expect = ACCEPTABLE,
      desc = "both entered, one after the other; the lock is free")
  @Outcome(
      id = {"0, -1, 1", "-1, 0, 1"},
      expect = ACCEPTABLE_INTERESTING,
      desc = "one gave up while the other held the lock; the lock is free")
  @State
  public static class TasTimedExclusion {
    private final Lock lock = new TasLock();
    private final int[] counter = new int[1];

    @Actor
    public void first(III_Result r) {
      r.r1 = tryIncrement(lock, counter);
    }

    @Actor
    public void second(III_Result r) {
      r.r2 = tryIncrement(lock, counter);
    }

    @Arbiter
    public void arbiter(III_Result r) {
      r.r3 = free(lock);
    }
  }

  /** TtasLock: lock() excludes. */
  @JCStressTest
  @Outcome(
      id = {"0, 1", "1, 0"},
      expect = ACCEPTABLE,
      desc = "one critical section after the other")
  @State
  public static class TtasExclusion {
    private final Lock lock = new TtasLock();
    private final int[] counter = new int[1];

    @Actor
    public void first(II_Result r) {
      r.r1 = increment(lock, counter);
    }

    @Actor
    public void second(II_Result r) {
      r.r2 = increment(lock, counter);
    }
  }

  /** TtasLock: timed tryLock excludes, and a wait that gives up leaves the lock usable. */
  @JCStressTest
  @Outcome(
      id = {"0, 1, 1", "1, 0, 1"},
      expect = ACCEPTABLE,
      desc = "both entered, one after the other; the lock is free")
  @Outcome(
      id = {"0, -1, 1", "-1, 0, 1"},
      expect = ACCEPTABLE_INTERESTING,
      desc = "one gave up while the other held the lock; the lock is free")
  @State
  public static class TtasTimedExclusion {
    private final Lock lock = new TtasLock();
    private final int[] counter = new int[1];

    @Actor
    public void first(III_Result r) {
      r.r1 = tryIncrement(lock, counter);
    }

    @Actor
    public void second(III_Result r) {
      r.r2 = tryIncrement(lock, counter);
    }

    @Arbiter
    public void arbiter(III_Result r) {
      r.r3 = free(lock);
    }
  }

  /** BackoffLock: lock() excludes. */
  @JCStressTest
  @Outcome(
      id = {"0, 1", "1, 0"},
      expect = ACCEPTABLE,
      desc = "one critical section after the other")
  @State
  public static class BackoffExclusion {
    private final Lock lock = new BackoffLock();
    private final int[] counter = new int[1];

    @Actor
    public void first(II_Result r) {
      r.r1 = increment(lock, counter);
    }

    @Actor
    public void second(II_Result r) {
      r.r2 = increment(lock, counter);
    }
  }

  /** BackoffLock: timed tryLock excludes, and a wait that gives up leaves the lock usable. */
  @JCStressTest
  @Outcome(
      id = {"0, 1, 1", "1, 0, 1"},
      expect = ACCEPTABLE,
      desc = "both entered, one after the other; the lock is free")
  @Outcome(
      id = {"0, -1, 1", "-1, 0, 1"},
      expect = ACCEPTABLE_INTERESTING,
      desc = "one gave up while the other held the lock; the lock is free")
  @State
  public static class BackoffTimedExclusion {
    private final Lock lock = new BackoffLock();
    private final int[] counter = new int[1];

    @Actor
    public void first(III_Result r) {
      r.r1 = tryIncrement(lock, counter);
    }

    @Actor
    public void second(III_Result r) {
      r.r2 = tryIncrement(lock, counter);
    }

    @Arbiter
    public void arbiter(III_Result r) {
      r.r3 = free(lock);
    }
  }

  /** TicketLock: lock() excludes. */
  @JCStressTest
  @Outcome(
      id = {"0, 1", "1, 0"},
      expect = ACCEPTABLE,
      desc = "one critical section after the other")
  @State
  public static class TicketExclusion {
    private final Lock lock = new TicketLock();
    private final int[] counter = new int[1];

    @Actor
    public void first(II_Result r) {
      r.r1 = increment(lock, counter);
    }

    @Actor
    public void second(II_Result r) {
      r.r2 = increment(lock, counter);
    }
  }

  /** TicketLock: timed tryLock excludes, and a wait that gives up leaves the lock usable. */
  @JCStressTest
  @Outcome(
      id = {"0, 1, 1", "1, 0, 1"},
      expect = ACCEPTABLE,
      desc = "both entered, one after the other; the lock is free")
  @Outcome(
      id = {"0, -1, 1", "-1, 0, 1"},
      expect = ACCEPTABLE_INTERESTING,
      desc = "one gave up while the other held the lock; the lock is free")
  @State
  public static class TicketTimedExclusion {
    private final Lock lock = new TicketLock();
    private final int[] counter = new int[1];

    @Actor
    public void first(III_Result r) {
      r.r1 = tryIncrement(lock, counter);
    }

    @Actor
    public void second(III_Result r) {
      r.r2 = tryIncrement(lock, counter);
    }

    @Arbiter
    public void arbiter(III_Result r) {
      r.r3 = free(lock);
    }
  }

  /** McsLock: lock() excludes. */
  @JCStressTest
  @Outcome(
      id = {"0, 1", "1, 0"},
      expect = ACCEPTABLE,
      desc = "one critical section after the other")
  @State
  public static class McsExclusion {
    private final Lock lock = new McsLock();
    private final int[] counter = new int[1];

    @Actor
    public void first(II_Result r) {
      r.r1 = increment(lock, counter);
    }

    @Actor
    public void second(II_Result r) {
      r.r2 = increment(lock, counter);
    }
  }

  /** McsLock: timed tryLock excludes, and a wait that gives up leaves the lock usable. */
  @JCStressTest
  @Outcome(
      id = {"0, 1, 1", "1, 0, 1"},
      expect = ACCEPTABLE,
      desc = "both entered, one after the other; the lock is free")
  @Outcome(
      id = {"0, -1, 1", "-1, 0, 1"},
      expect = ACCEPTABLE_INTERESTING,
      desc = "one gave up while the other held the lock; the lock is free")
  @State
  public static class McsTimedExclusion {
    private final Lock lock = new McsLock();
    private final int[] counter = new int[1];

    @Actor
    public void first(III_Result r) {
      r.r1 = tryIncrement(lock, counter);
    }

    @Actor
    public void second(III_Result r) {
      r.r2 = tryIncrement(lock, counter);
    }

    @Arbiter
    public void arbiter(III_Result r) {
      r.r3 = free(lock);
    }
  }

  /** ClhLock: lock() excludes. */
  @JCStressTest
  @Outcome(
      id = {"0, 1", "1, 0"},
      expect = ACCEPTABLE,
      desc = "one critical section after the other")
  @State
  public static class ClhExclusion {
    private final Lock lock = new ClhLock();
    private final int[] counter = new int[1];

    @Actor
    public void first(II_Result r) {
      r.r1 = increment(lock, counter);
    }

    @Actor
    public void second(II_Result r) {
      r.r2 = increment(lock, counter);
    }
  }

  /** ClhLock: timed tryLock excludes, and a wait that gives up leaves the lock usable. */
  @JCStressTest
  @Outcome(
      id = {"0, 1, 1", "1, 0, 1"},
      expect = ACCEPTABLE,
      desc = "both entered, one after the other; the lock is free")
  @Outcome(
      id = {"0, -1, 1", "-1, 0, 1"},
      expect = ACCEPTABLE_INTERESTING,
      desc = "one gave up while the other held the lock; the lock is free")
  @State
  public static class ClhTimedExclusion {
    private final Lock lock = new ClhLock();
    private final int[] counter = new int[1];

    @Actor
    public void first(III_Result r) {
      r.r1 = tryIncrement(lock, counter);
    }

    @Actor
    public void second(III_Result r) {
      r.r2 = tryIncrement(lock, counter);
    }

    @Arbiter
    public void arbiter(III_Result r) {
      r.r3 = free(lock);
    }
  }
}
