package dev.weft.examples;

import dev.weft.chan.Channel;
import dev.weft.chan.ReceiveChannel;
import dev.weft.chan.Select;
import dev.weft.sync.WaitGroup;
import dev.weft.time.Ticker;
import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * dev.weft.chan and dev.weft.time: a Go-style pipeline. A generator feeds numbers to four workers
 * (fan-out), which send what they find to one results channel (fan-in); the consumer selects over
 * results, a ticker for a progress line, and a timeout; closing a quit channel shuts the whole
 * pipeline down.
 */
final class PipelineDemo {
  private static final int WORKERS = 4;

  private PipelineDemo() {}

  /** What a worker found: a prime, and which worker found it. */
  private record Found(int prime, int worker) {}

  static void run(PrintStream out) throws InterruptedException {
    Demo.heading(out, "4. A channel pipeline: fan-out, fan-in, select, ticker, shutdown");
    countPrimes(out);
    firstFew(out);
    out.println();
  }

  /** Counts the primes below 3,000 with four workers, printing progress from a ticker. */
  private static void countPrimes(PrintStream out) throws InterruptedException {
    Channel<Integer> quit = Channel.make();
    ReceiveChannel<Found> results = pipeline(3_000, quit, new AtomicInteger());
    int[] perWorker = new int[WORKERS];
    int found = 0;
    try (Ticker progress = Ticker.every(Duration.ofMillis(100))) {
      while (true) {
        String event =
            Select.select(
                results.onReceiveOrClosed(
                    r -> {
                      r.ifPresent(f -> perWorker[f.worker()]++);
                      return r.isPresent() ? "result" : "closed";
                    }),
                progress.channel().onReceive(now -> "tick"),
                Select.onTimeout(Duration.ofSeconds(2), () -> "stalled"));
        if (event.equals("result")) {
          found++;
        } else if (event.equals("tick")) {
          out.printf("  progress: %d primes so far%n", found);
        } else {
          break; // closed: every worker is done; or stalled: give up
        }
      }
    }
    out.printf(
        "  primes below 3,000: %d (workers found %d, %d, %d, %d); results closed after the last%n",
        found, perWorker[0], perWorker[1], perWorker[2], perWorker[3]);
  }

  /** Takes only the first five primes, then closes quit: everything upstream shuts down. */
  private static void firstFew(PrintStream out) throws InterruptedException {
    Channel<Integer> quit = Channel.make();
    AtomicInteger generated = new AtomicInteger();
    ReceiveChannel<Found> results = pipeline(1_000_000, quit, generated);
    StringBuilder firsts = new StringBuilder();
    for (int i = 0; i < 5; i++) {
      firsts.append(i == 0 ? "" : ", ").append(results.receive().prime());
    }
    quit.close(); // Go's close(quit): every select on it becomes ready
    int drained = 0;
    for (Found ignored : results) {
      drained++; // what was in flight; the loop ends when the workers have closed results
    }
    out.printf(
        "  first five primes seen: %s; then quit was closed%n"
            + "  the generator stopped after %,d of 1,000,000 numbers, %d results in flight were"
            + " drained, and every worker exited%n",
        firsts, generated.get(), drained);
  }

  /**
   * Builds generator → jobs → workers → results. Closing {@code quit} stops the generator, which
   * closes jobs; workers finish and the last one closes results.
   */
  private static ReceiveChannel<Found> pipeline(
      int limit, Channel<Integer> quit, AtomicInteger generated) {
    Channel<Integer> jobs = Channel.make(16);
    Channel<Found> results = Channel.make(16);
    Thread.ofVirtual()
        .name("generator")
        .start(
            () -> {
              try {
                for (int n = 2; n < limit; n++) {
                  boolean sent =
                      Select.select(
                          jobs.onSend(n, () -> true), quit.onReceiveOrClosed(closed -> false));
                  if (!sent) {
                    break;
                  }
                  generated.incrementAndGet();
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              } finally {
                jobs.close(); // closing propagates: workers' loops end
              }
            });
    WaitGroup workers = new WaitGroup();
    for (int w = 0; w < WORKERS; w++) {
      int id = w;
      workers.go(
          () -> {
            for (int n : jobs) {
              if (isPrime(n)) {
                try {
                  sleepAbout(3_000); // a stand-in for real work
                  boolean delivered =
                      Select.select(
                          results.onSend(new Found(n, id), () -> true),
                          quit.onReceiveOrClosed(closed -> false));
                  if (!delivered) {
                    return;
                  }
                } catch (InterruptedException e) {
                  return;
                }
              }
            }
          });
    }
    Thread.ofVirtual()
        .name("closer")
        .start(
            () -> {
              try {
                workers.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              results.close(); // fan-in: close results once every worker is done
            });
    return results;
  }

  private static boolean isPrime(int n) {
    for (int d = 2; (long) d * d <= n; d++) {
      if (n % d == 0) {
        return false;
      }
    }
    return n >= 2;
  }

  private static void sleepAbout(int micros) throws InterruptedException {
    Thread.sleep(
        Duration.ofNanos(1_000L * ThreadLocalRandom.current().nextInt(micros / 2, micros)));
  }
}
