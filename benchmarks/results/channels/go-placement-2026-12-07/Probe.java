/**
 * The core-to-core round trip between two platform threads bouncing a volatile counter, in ns: 20,000
 * round trips, three passes, the last one printed (hand-off-floor.md, section 1, explains why it
 * tells the two virtual CPUs' placement). The same loop as {@code CoreLatencyBench.probe} and the
 * other harnesses' probes, kept in this one file so that {@code run.sh} needs no build and runs on
 * JDK 17.
 */
public class Probe {
  private static volatile int ping;
  private static volatile int pong;

  public static void main(String[] args) throws InterruptedException {
    int rounds = 20_000;
    for (int pass = 0; pass < 3; pass++) {
      Thread echo =
          new Thread(
              () -> {
                for (int i = 1; i <= rounds; i++) {
                  while (ping != i) {
                    Thread.onSpinWait();
                  }
                  pong = i;
                }
              });
      echo.start();
      long start = System.nanoTime();
      for (int i = 1; i <= rounds; i++) {
        ping = i;
        while (pong != i) {
          Thread.onSpinWait();
        }
      }
      long took = System.nanoTime() - start;
      echo.join();
      ping = 0;
      pong = 0;
      if (pass == 2) {
        System.out.printf("%.0f%n", took / (double) rounds);
      }
    }
  }
}
