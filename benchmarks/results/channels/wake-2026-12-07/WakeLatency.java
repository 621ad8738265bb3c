import java.util.Arrays;
import java.util.concurrent.locks.LockSupport;

/**
 * How long a parked virtual thread takes to run again after another virtual thread unparks it
 * (hand-off-floor.md, section 10). For each delay, a sleeper announces that it is about to park and
 * parks; a waker spins for the delay, reads the clock, unparks the sleeper and spins until the
 * sleeper has run again and read the clock too. Prints percentiles of that time in us over {@code
 * trials} rounds (after 100 warm-up rounds) per delay. Not a benchmark: a diagnostic.
 *
 * <p>Needs two carriers (the waker spins on one): run from the repository root with JDK 21 or
 * later, on a machine with at least two processors: {@code java
 * benchmarks/results/channels/wake-2026-12-07/WakeLatency.java 5000 0 2 5 10 20 50 200}.
 */
public class WakeLatency {
  static volatile int announced;
  static volatile long unparkedAt;
  static volatile long resumedLatency;
  static volatile int done;

  public static void main(String[] args) throws Exception {
    if (Runtime.getRuntime().availableProcessors() < 2
        || "1".equals(System.getProperty("jdk.virtualThreadScheduler.parallelism"))) {
      System.err.println("WakeLatency needs two carriers for virtual threads (two processors)");
      System.exit(1);
    }
    int trials = Integer.parseInt(args[0]);
    long[] delays = Arrays.stream(args).skip(1).mapToLong(Long::parseLong).toArray();
    for (long delayUs : delays) {
      long[] lat = new long[trials];
      final Thread[] sleeper = new Thread[1];
      sleeper[0] = Thread.ofVirtual().start(() -> {
        for (int i = 1; i <= trials + 100; i++) {
          announced = i;
          long at;
          while ((at = unparkedAt) == 0) {
            LockSupport.park();
          }
          resumedLatency = System.nanoTime() - at;
          unparkedAt = 0;
          done = i;
        }
      });
      Thread waker = Thread.ofVirtual().start(() -> {
        for (int i = 1; i <= trials + 100; i++) {
          while (announced != i) Thread.onSpinWait();
          long until = System.nanoTime() + delayUs * 1000;
          while (System.nanoTime() < until) Thread.onSpinWait();
          unparkedAt = System.nanoTime();
          LockSupport.unpark(sleeper[0]);
          while (done != i) Thread.onSpinWait();
          if (i > 100) lat[i - 101] = resumedLatency;
        }
      });
      waker.join(60_000);
      sleeper[0].join(60_000);
      if (waker.isAlive() || sleeper[0].isAlive()) {
        throw new IllegalStateException("a round did not finish within a minute");
      }
      Arrays.sort(lat);
      System.out.printf("delay %3d us: wake-up p10 %.1f p50 %.1f p90 %.1f p99 %.1f us%n", delayUs,
          lat[trials / 10] / 1e3, lat[trials / 2] / 1e3, lat[trials * 9 / 10] / 1e3, lat[trials * 99 / 100] / 1e3);
    }
  }
}
