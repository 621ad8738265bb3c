import dev.weftb.chan.Channel;
import dev.weftb.chan.Stats;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;

/**
 * Time and parks per element of weft's unbuffered channel, 1:1 on two virtual threads, from the
 * {@code dev.weftb} copy built with {@code counters.patch} (hand-off-floor.md, section 9): six
 * warm-up transfers, then prints the medians over {@code reps} transfers of {@code n} values. Run
 * from the repository root with JDK 21 or later: {@code java [-Dnoskip=true] -cp target/weftb
 * benchmarks/results/channels/ab-2026-12-06/StatHarness.java 200000 20}; {@code -Dnoskip=true}
 * turns off the adaptive spin's skipping (every wait spins its whole budget). {@code -Dcap=N}
 * makes the channel buffered, {@code -Dplatform=true} runs the pair on platform threads, and
 * {@code -Deach=true} prints every transfer too (section 11).
 */
public class StatHarness {
  static volatile Object sink;
  static final int CAP = Integer.getInteger("cap", 0);
  static final boolean PLATFORM = Boolean.getBoolean("platform");
  static final boolean EACH = Boolean.getBoolean("each");

  static Thread start(Runnable r) {
    return PLATFORM ? Thread.ofPlatform().start(r) : Thread.ofVirtual().start(r);
  }

  static double[] transfer(int n) throws InterruptedException {
    Channel<Integer> c = Channel.make(CAP);
    CountDownLatch go = new CountDownLatch(1);
    long p0 = Stats.parks.get(), b0 = Stats.busyParks.get(), w0 = Stats.waits.get();
    Thread producer = start(() -> {
      try { go.await(); for (int i = 0; i < n; i++) c.send(i & 1023); } catch (InterruptedException e) { throw new IllegalStateException(e); }
    });
    Thread consumer = start(() -> {
      try { go.await(); Object last = null; for (int i = 0; i < n; i++) last = c.receive(); sink = last; } catch (InterruptedException e) { throw new IllegalStateException(e); }
    });
    long start = System.nanoTime();
    go.countDown();
    producer.join(60_000);
    consumer.join(60_000);
    if (producer.isAlive() || consumer.isAlive()) {
      throw new IllegalStateException("a transfer did not finish within a minute");
    }
    double t = (System.nanoTime() - start) / (double) n;
    return new double[] {t, (Stats.parks.get() - p0) / (double) n, (Stats.busyParks.get() - b0) / (double) n, (Stats.waits.get() - w0) / (double) n};
  }

  public static void main(String[] a) throws Exception {
    int n = Integer.parseInt(a[0]), reps = Integer.parseInt(a[1]);
    for (int i = 0; i < 6; i++) transfer(n);
    double[][] r = new double[4][reps];
    for (int i = 0; i < reps; i++) {
      double[] x = transfer(n);
      for (int k = 0; k < 4; k++) r[k][i] = x[k];
      if (EACH) {
        System.out.printf("  %.0f ns, parks %.4f, waits %.4f%n", x[0], x[1], x[3]);
      }
    }
    StringBuilder sb = new StringBuilder();
    String[] names = {"ns", "parks", "busyParks", "waits"};
    for (int k = 0; k < 4; k++) { Arrays.sort(r[k]); sb.append(String.format("%s %.4f  ", names[k], r[k][reps / 2])); }
    System.out.println(sb);
  }
}
