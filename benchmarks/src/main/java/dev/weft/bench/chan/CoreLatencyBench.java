package dev.weft.bench.chan;

import dev.weft.bench.Batch;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * The floor under every hand-off between two threads on this machine: two threads pass a counter
 * back and forth through two volatile fields on separate cache lines, spinning, with nothing else
 * (no allocation, no queue, no parking). One round trip moves each cache line from one core to the
 * other and back.
 *
 * <p>A channel that hands a value from a thread on one core to a thread on another cannot do it in
 * less than about half this round trip, so this figure, measured in the same run, says how much of
 * a channel's time is the machine's. On a virtual machine it also moves: where the hypervisor
 * places the two virtual CPUs (on one physical core's two hardware threads, or on cores far apart)
 * can change it several-fold from one second to the next, and the channel figures with it ({@link
 * PlacementProfiler} measures it around every iteration).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1)
public class CoreLatencyBench {
  /** Round trips per invocation. */
  static final int ROUNDS = 100_000;

  /** Two counters, each on a cache line of its own. */
  static final class Lines {
    @SuppressWarnings("unused")
    long p00, p01, p02, p03, p04, p05, p06, p07;

    volatile int ping;

    @SuppressWarnings("unused")
    long p10, p11, p12, p13, p14, p15, p16, p17;

    volatile int pong;

    @SuppressWarnings("unused")
    long p20, p21, p22, p23, p24, p25, p26, p27;
  }

  /** Round trip between two platform threads. */
  @Benchmark
  @OperationsPerInvocation(ROUNDS)
  public void platformRoundTrip() throws InterruptedException {
    roundTrips("platform", ROUNDS);
  }

  /** Round trip between two virtual threads (each spinning on its own carrier). */
  @Benchmark
  @OperationsPerInvocation(ROUNDS)
  public void virtualRoundTrip() throws InterruptedException {
    roundTrips("virtual", ROUNDS);
  }

  /**
   * Measures the round trip now, outside JMH, for {@link PlacementProfiler}: {@code rounds} round
   * trips between two fresh platform threads, in nanoseconds each. Starting and joining the threads
   * is included; it adds a few per cent to the 4,000 round trips that the profiler asks for.
   */
  static double probe(int rounds) throws InterruptedException {
    long start = System.nanoTime();
    roundTrips("platform", rounds);
    return (System.nanoTime() - start) / (double) rounds;
  }

  /**
   * One spin; a yield now and then (every 4,096 spins, far longer than a round trip) so that two
   * virtual threads on a single carrier still get through.
   */
  private static void pause(int spins) {
    if ((spins & 4095) == 0) {
      Thread.yield();
    } else {
      Thread.onSpinWait();
    }
  }

  private static void roundTrips(String kind, int rounds) throws InterruptedException {
    Lines l = new Lines();
    Batch.run(
        kind,
        2,
        i -> {
          if (i == 0) {
            for (int n = 1; n <= rounds; n++) {
              l.ping = n;
              for (int spins = 1; l.pong != n; spins++) {
                pause(spins);
              }
            }
          } else {
            for (int n = 1; n <= rounds; n++) {
              for (int spins = 1; l.ping != n; spins++) {
                pause(spins);
              }
              l.pong = n;
            }
          }
        });
  }
}
