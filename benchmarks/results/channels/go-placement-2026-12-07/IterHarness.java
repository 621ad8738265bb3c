import dev.weftb.chan.Channel;
import dev.weftb.chan.Stats;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
/**
 * JMH's channel benchmarks without JMH, with counters and the placement probe: each "iteration"
 * makes a fresh channel (as {@code ChannelBench}'s {@code @Setup(Level.Iteration)} does) and moves
 * batches of 200,000 values through it for one second, each batch on fresh threads ({@code pairs}
 * senders and as many receivers), then prints the iteration's mean ns per value, its fastest and
 * slowest batch, parks and waits per value ({@code Stats} of {@code ../ab-2026-12-06/counters.patch})
 * and the core-to-core round trip before and after (hand-off-floor.md, section 14).
 *
 * <p>Runs against the {@code dev.weftb} copy that {@code ../ab-2026-12-06/copy-package.sh} builds
 * from a tree with {@code counters.patch} applied: {@code javac -d DIR -cp COPY IterHarness.java},
 * then {@code java [-Dplatform=true] -cp DIR:COPY IterHarness ITERATIONS CAPACITY PAIRS}, JDK 21+.
 */
public class IterHarness {
  static volatile Object sink;

  private static volatile int ping, pong;
  static double probe() throws InterruptedException {
    int rounds = 20_000;
    Thread echo = Thread.ofPlatform().start(() -> { for (int i = 1; i <= rounds; i++) { while (ping != i) Thread.onSpinWait(); pong = i; } });
    long start = System.nanoTime();
    for (int i = 1; i <= rounds; i++) { ping = i; while (pong != i) Thread.onSpinWait(); }
    long took = System.nanoTime() - start; echo.join(); ping = 0; pong = 0;
    return took / (double) rounds;
  }
  public static void main(String[] a) throws Exception {
    int iters = Integer.parseInt(a[0]), cap = Integer.parseInt(a[1]), pairs = Integer.parseInt(a[2]);
    boolean plat = Boolean.getBoolean("platform");
    int n = 200_000;
    for (int it = 0; it < iters; it++) {
      double pr0 = probe();
      Channel<Integer> c = Channel.make(cap);
      long p0 = Stats.parks.get(), w0 = Stats.waits.get(), t0 = System.nanoTime(), elems = 0;
      double mn = 1e9, mx = 0;
      int batches = 0;
      while (System.nanoTime() - t0 < 1_000_000_000L) {
        List<Thread> ts = new ArrayList<>();
        Thread.Builder b = plat ? Thread.ofPlatform() : Thread.ofVirtual();
        long t = System.nanoTime();
        for (int k = 0; k < pairs; k++) {
          ts.add(b.start(() -> { try { for (int i = 0; i < n / pairs; i++) c.send(i & 1023); } catch (InterruptedException e) { throw new IllegalStateException(e); } }));
          ts.add(b.start(() -> { try { Object l = null; for (int i = 0; i < n / pairs; i++) l = c.receive(); sink = l; } catch (InterruptedException e) { throw new IllegalStateException(e); } }));
        }
        for (Thread th : ts) { th.join(60000); if (th.isAlive()) throw new IllegalStateException("stuck"); }
        double ns = (System.nanoTime() - t) / (double) n;
        mn = Math.min(mn, ns); mx = Math.max(mx, ns); batches++; elems += n;
      }
      double pr1 = probe();
      double mean = (System.nanoTime() - t0) / (double) elems;
      System.out.printf("iter %2d: %4.0f ns/elem [batch %3.0f-%4.0f, %d] parks %.4f waits %.4f probes %.0f %.0f%n", it, mean, mn, mx, batches, (Stats.parks.get() - p0) / (double) elems, (Stats.waits.get() - w0) / (double) elems, pr0, pr1);
    }
  }
}
