package dev.weft.testkit.sim;

import java.util.Objects;

/**
 * Runs a randomized check over many seeds, or over the one seed named by the system property
 * {@value #SEED_PROPERTY}, and on failure names the seed and the command that replays it.
 *
 * {@snippet :
 * long ran = Seeds.run(1_000, "mvn -pl consensus -am verify -Dtest=MyTest -Dweft.seed={seed}",
 *     seed -> checkOneRun(new Simulation(seed)));
 * }
 */
public final class Seeds {
  /** The system property that replays one seed: {@code -Dweft.seed=1234}. */
  public static final String SEED_PROPERTY = "weft.seed";

  /** One run of a randomized check. */
  @FunctionalInterface
  public interface Run {
    /**
     * Runs the check with one seed.
     *
     * @param seed the seed
     * @throws Exception if the check fails or cannot run
     */
    void run(long seed) throws Exception;
  }

  private Seeds() {}

  /**
   * Runs {@code run} with seeds {@code 0 .. count - 1} in order, or with only the seed {@value
   * #SEED_PROPERTY} names, stopping at the first failure.
   *
   * @param count how many seeds when none is named
   * @param replay the command that replays one seed, with {@code {seed}} where the seed goes
   * @param run the check
   * @return how many seeds ran
   * @throws AssertionError if a run fails: its message names the seed and the replay command, and
   *     its cause is the failure
   */
  public static long run(long count, String replay, Run run) {
    return run(0, count, replay, run);
  }

  /**
   * Runs {@code run} with seeds {@code from .. to - 1} in order, or with only the seed {@value
   * #SEED_PROPERTY} names, stopping at the first failure. Lets a long run be split into batches
   * (one test each, each within its own timeout).
   *
   * @param from the first seed
   * @param to one past the last seed
   * @param replay the command that replays one seed, with {@code {seed}} where the seed goes
   * @param run the check
   * @return how many seeds ran
   * @throws AssertionError if a run fails: its message names the seed and the replay command, and
   *     its cause is the failure
   */
  public static long run(long from, long to, String replay, Run run) {
    Objects.requireNonNull(replay, "replay");
    Objects.requireNonNull(run, "run");
    String named = System.getProperty(SEED_PROPERTY);
    if (named != null) {
      runOne(Long.parseLong(named.strip()), replay, run);
      return 1;
    }
    for (long seed = from; seed < to; seed++) {
      runOne(seed, replay, run);
    }
    return Math.max(0, to - from);
  }

  private static void runOne(long seed, String replay, Run run) {
    try {
      run.run(seed);
    } catch (Exception | AssertionError e) {
      throw new AssertionError(
          "failed with seed "
              + seed
              + "; replay with: "
              + replay.replace("{seed}", Long.toString(seed))
              + "\n"
              + e,
          e);
    }
  }
}
