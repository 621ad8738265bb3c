package dev.weft.stress.sync;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;

import dev.weft.sync.WaitGroup;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * WaitGroup: await never returns while work is outstanding. The group starts at 2; each actor
 * writes its field, calls done, awaits, then reads the other's field. Returning from await before
 * both done calls, or without seeing what preceded them, shows up as a 0.
 */
@JCStressTest
@Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "each await saw both tasks finished")
@State
public class WaitGroupStress {
  private final WaitGroup group = new WaitGroup();
  private int a;
  private int b;

  public WaitGroupStress() {
    group.add(2);
  }

  @Actor
  public void first(II_Result r) {
    a = 1;
    group.done();
    r.r1 = awaited() ? b : -1;
  }

  @Actor
  public void second(II_Result r) {
    b = 1;
    group.done();
    r.r2 = awaited() ? a : -1;
  }

  /** Actors cannot throw checked exceptions; an interrupt (never expected) reads as -1. */
  private boolean awaited() {
    try {
      group.await();
      return true;
    } catch (InterruptedException e) {
      return false;
    }
  }
}
