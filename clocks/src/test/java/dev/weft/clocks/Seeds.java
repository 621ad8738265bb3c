package dev.weft.clocks;

import java.util.SplittableRandom;

/**
 * Runs a randomized check over many seeds, and makes any failure replayable: the failure names its
 * seed, and {@code -Dweft.seed=N} runs that seed alone ({@code mvn -pl clocks test
 * -Dtest=VectorClockPropertiesTest -Dweft.seed=N}).
 */
final class Seeds {
  static final String PROPERTY = "weft.seed";

  /** A check run with one seeded source of randomness. */
  @FunctionalInterface
  interface Check {
    void run(SplittableRandom random, long seed) throws Exception;
  }

  private Seeds() {}

  /**
   * Runs {@code check} {@code runs} times with seeds drawn from a fresh random base, or once with
   * the seed in {@code -Dweft.seed}.
   */
  static void check(int runs, Check check) throws Exception {
    String fixed = System.getProperty(PROPERTY);
    if (fixed != null) {
      runOne(Long.parseLong(fixed.strip()), check);
      return;
    }
    SplittableRandom seeds = new SplittableRandom();
    for (int i = 0; i < runs; i++) {
      runOne(seeds.nextLong(), check);
    }
  }

  private static void runOne(long seed, Check check) throws Exception {
    try {
      check.run(new SplittableRandom(seed), seed);
    } catch (AssertionError | RuntimeException e) {
      AssertionError failure =
          new AssertionError(
              "failed with seed " + seed + "; replay with -D" + PROPERTY + "=" + seed + ": " + e,
              e);
      System.err.println(failure.getMessage());
      throw failure;
    }
  }
}
