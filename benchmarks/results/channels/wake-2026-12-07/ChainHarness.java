import dev.weftb.chan.Channel;
import dev.weftb.chan.Stats;
import java.util.concurrent.CountDownLatch;

/**
 * Which waits' spins fail: weft's unbuffered channel, 1:1 on two virtual threads, from the {@code
 * dev.weftb} copy built with {@code chain.patch} (hand-off-floor.md, section 10). Each wait is
 * counted as following a wake (the thread's previous operation unparked a parked partner) or not,
 * with how many of each ran out their spin or skipped it. Runs {@code reps} transfers of {@code n}
 * values and counts over the second half. From the repository root with JDK 21 or later: {@code
 * benchmarks/results/channels/ab-2026-12-06/copy-package.sh
 * benchmarks/results/channels/wake-2026-12-07/chain.patch target/weftb}, then {@code java
 * [-Dnoskip=true] -cp target/weftb benchmarks/results/channels/wake-2026-12-07/ChainHarness.java
 * 200000 20}.
 */
public class ChainHarness {
  static volatile Object sink;

  public static void main(String[] a) throws Exception {
    int n = Integer.parseInt(a[0]), reps = Integer.parseInt(a[1]);
    for (int r = 0; r < reps; r++) {
      Channel<Integer> c = Channel.make();
      CountDownLatch go = new CountDownLatch(1);
      Thread p = Thread.ofVirtual().start(() -> { try { go.await(); for (int i = 0; i < n; i++) c.send(i & 1023); } catch (InterruptedException e) { throw new IllegalStateException(e); } });
      Thread q = Thread.ofVirtual().start(() -> { try { go.await(); Object x = null; for (int i = 0; i < n; i++) x = c.receive(); sink = x; } catch (InterruptedException e) { throw new IllegalStateException(e); } });
      go.countDown(); p.join(60_000); q.join(60_000);
      if (p.isAlive() || q.isAlive()) throw new IllegalStateException("a transfer did not finish within a minute");
      if (r == reps / 2 - 1) { // warm-up done: count from here on
        Stats.waitsAfterWake.set(0); Stats.waitsOther.set(0); Stats.failAfterWake.set(0); Stats.failOther.set(0); Stats.skipAfterWake.set(0); Stats.skipOther.set(0); Stats.wakes.set(0); Stats.parks.set(0);
      }
    }
    long wa = Stats.waitsAfterWake.get(), wo = Stats.waitsOther.get();
    System.out.printf("elements %d: wakes %d, parks %d; waits after a wake %d (spin failed %d, skipped %d); other waits %d (spin failed %d, skipped %d)%n",
        (long) n * (reps - reps / 2), Stats.wakes.get(), Stats.parks.get(), wa, Stats.failAfterWake.get(), Stats.skipAfterWake.get(), wo, Stats.failOther.get(), Stats.skipOther.get());
  }
}
