package dev.weft.snapshot;

/**
 * Runs a randomized check over seeds 0, 1, 2, ..., or over the one seed given by the system
 * property {@value #SEED_PROPERTY}, and names the failing seed and the command that replays it.
 */
final class SeedRunner {
  static final String SEED_PROPERTY = "weft.seed";

  /** One run of a randomized check. */
  interface Run {
    void run(long seed) throws Exception;
  }

  private SeedRunner() {}

  static void run(Class<?> test, int seeds, String what, Run run) throws Exception {
    String replay = System.getProperty(SEED_PROPERTY);
    if (replay != null) {
      runOne(test, Long.parseLong(replay), what, run);
      return;
    }
    for (long seed = 0; seed < seeds; seed++) {
      runOne(test, seed, what, run);
    }
  }

  private static void runOne(Class<?> test, long seed, String what, Run run) throws Exception {
    try {
      run.run(seed);
    } catch (Exception | AssertionError e) {
      throw new AssertionError(
          what
              + " failed with seed "
              + seed
              + "; replay with: mvn -pl snapshot -am verify -Dsurefire.failIfNoSpecifiedTests=false"
              + " -Dtest="
              + test.getSimpleName()
              + " -D"
              + SEED_PROPERTY
              + "="
              + seed
              + "\n"
              + e,
          e);
    }
  }
}
