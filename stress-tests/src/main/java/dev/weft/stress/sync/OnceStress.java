package dev.weft.stress.sync;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;

import dev.weft.sync.Once;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * Once: two racing callers; the body increments a plain counter. Each caller then reads it: both
 * must see exactly one run (1), never 0 (returned before the body finished) or 2 (ran twice).
 */
@JCStressTest
@Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "the body ran once, before both calls returned")
@State
public class OnceStress {
  private final Once once = new Once();
  private int runs;

  private void body() {
    runs++;
  }

  @Actor
  public void first(II_Result r) {
    once.run(this::body);
    r.r1 = runs;
  }

  @Actor
  public void second(II_Result r) {
    once.run(this::body);
    r.r2 = runs;
  }
}
