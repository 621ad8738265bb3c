package dev.weft.stress.sync;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;

import dev.weft.sync.Guard;
import dev.weft.sync.Mutex;
import java.util.Optional;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/** Mutex: mutual exclusion for lock(), and tryLock() never enters a held mutex. */
public final class MutexStress {
  private MutexStress() {}

  /** Two lockers each read-increment-write a plain counter; each must see the other's write. */
  @JCStressTest
  @Outcome(
      id = {"0, 1", "1, 0"},
      expect = ACCEPTABLE,
      desc = "one critical section after the other")
  @State
  public static class Exclusion {
    private final Mutex mutex = new Mutex();
    private int counter;

    private int increment() {
      try (Guard g = mutex.lock()) {
        int seen = counter;
        counter = seen + 1;
        return seen;
      }
    }

    @Actor
    public void first(II_Result r) {
      r.r1 = increment();
    }

    @Actor
    public void second(II_Result r) {
      r.r2 = increment();
    }
  }

  /**
   * Two threads try once each: -1 is a refused tryLock. Both inside at once ("0, 0") or both
   * refused ("-1, -1", each refused because the other held it, so one must have held it) are
   * forbidden.
   */
  @JCStressTest
  @Outcome(
      id = {"0, 1", "1, 0"},
      expect = ACCEPTABLE,
      desc = "both entered, one after the other")
  @Outcome(
      id = {"0, -1", "-1, 0"},
      expect = ACCEPTABLE_INTERESTING,
      desc = "one was refused while the other held the mutex")
  @State
  public static class TryLock {
    private final Mutex mutex = new Mutex();
    private int counter;

    private int tryIncrement() {
      Optional<Guard> g = mutex.tryLock();
      if (g.isEmpty()) {
        return -1;
      }
      try (Guard held = g.get()) {
        int seen = counter;
        counter = seen + 1;
        return seen;
      }
    }

    @Actor
    public void first(II_Result r) {
      r.r1 = tryIncrement();
    }

    @Actor
    public void second(II_Result r) {
      r.r2 = tryIncrement();
    }
  }
}
