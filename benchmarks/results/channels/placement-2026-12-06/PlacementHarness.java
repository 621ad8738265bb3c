import dev.weft.chan.Channel;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.SynchronousQueue;

/**
 * Which placement, and which carriers, a 1:1 transfer on virtual threads met (hand-off-floor.md,
 * section 7). Not a benchmark: a diagnostic whose figures are read next to JMH's.
 *
 * <p>Each round first measures the cache-line round trip between two spinning platform threads
 * (the placement of the two virtual CPUs now), then moves {@code n} values through each named
 * channel, one producer and one consumer on virtual threads, and prints the time per value. Every
 * 1,024 values each side notes the carrier it runs on (a virtual thread's {@code toString} names
 * it), and the round prints how often the two sides were on the same carrier and how often each
 * changed carrier between two notes.
 *
 * <p>Run from the repository root after {@code mvn -q -pl primitives -DskipTests package}, with
 * JDK 21 or later: {@code java -cp primitives/target/classes
 * benchmarks/results/channels/placement-2026-12-06/PlacementHarness.java w16,w1024,weft,sq
 * 2000000 30} (channels: {@code weft} unbuffered, {@code w16} and {@code w1024} buffered, {@code
 * sq} a {@code SynchronousQueue}; then values per transfer and rounds).
 */
public class PlacementHarness {
  private static final int NOTE_EVERY = 1024;
  private static volatile int ping;
  private static volatile int pong;
  private static volatile Object sink;

  interface Pipe {
    void send(Integer v) throws InterruptedException;

    Integer receive() throws InterruptedException;
  }

  static Pipe pipe(String name) {
    if (name.equals("sq")) {
      SynchronousQueue<Integer> q = new SynchronousQueue<>();
      return new Pipe() {
        public void send(Integer v) throws InterruptedException {
          q.put(v);
        }

        public Integer receive() throws InterruptedException {
          return q.take();
        }
      };
    }
    Channel<Integer> c =
        switch (name) {
          case "weft" -> Channel.make();
          case "w16" -> Channel.make(16);
          case "w1024" -> Channel.make(1024);
          default -> throw new IllegalArgumentException("unknown channel " + name);
        };
    return new Pipe() {
      public void send(Integer v) throws InterruptedException {
        c.send(v);
      }

      public Integer receive() throws InterruptedException {
        return c.receive();
      }
    };
  }

  /** The round trip between two spinning platform threads now, ns. */
  static double probe() throws InterruptedException {
    int rounds = 200_000;
    Thread echo =
        Thread.ofPlatform()
            .start(
                () -> {
                  for (int i = 1; i <= rounds; i++) {
                    while (ping != i) {
                      Thread.onSpinWait();
                    }
                    pong = i;
                  }
                });
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
    return took / (double) rounds;
  }

  /** The carrier the calling virtual thread runs on, by its number, or -1. */
  static int carrier() {
    String s = Thread.currentThread().toString();
    int i = s.lastIndexOf("worker-");
    return i < 0 ? -1 : Integer.parseInt(s.substring(i + "worker-".length()));
  }

  /** One transfer of {@code n} values; returns ns per value and appends the carrier figures. */
  static double transfer(String name, int n, StringBuilder out) throws InterruptedException {
    Pipe p = pipe(name);
    int notes = n / NOTE_EVERY;
    int[] sent = new int[notes];
    int[] received = new int[notes];
    CountDownLatch go = new CountDownLatch(1);
    Thread producer =
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    go.await();
                    for (int i = 0; i < n; i++) {
                      p.send(i & 1023);
                      if (i % NOTE_EVERY == 0 && i / NOTE_EVERY < notes) {
                        sent[i / NOTE_EVERY] = carrier();
                      }
                    }
                  } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                  }
                });
    Thread consumer =
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    go.await();
                    Object last = null;
                    for (int i = 0; i < n; i++) {
                      last = p.receive();
                      if (i % NOTE_EVERY == 0 && i / NOTE_EVERY < notes) {
                        received[i / NOTE_EVERY] = carrier();
                      }
                    }
                    sink = last;
                  } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                  }
                });
    long start = System.nanoTime();
    go.countDown();
    producer.join(60_000);
    consumer.join(60_000);
    if (producer.isAlive() || consumer.isAlive()) {
      throw new IllegalStateException(name + " did not finish within a minute");
    }
    double perValue = (System.nanoTime() - start) / (double) n;
    int same = 0;
    int producerMoves = 0;
    int consumerMoves = 0;
    for (int i = 0; i < notes; i++) {
      same += sent[i] == received[i] ? 1 : 0;
      producerMoves += i > 0 && sent[i] != sent[i - 1] ? 1 : 0;
      consumerMoves += i > 0 && received[i] != received[i - 1] ? 1 : 0;
    }
    out.append(
        String.format(
            "  %s %5.0f ns [same carrier %3.0f%%, carrier changes %d/%d of %d notes]",
            name, perValue, 100.0 * same / notes, producerMoves, consumerMoves, notes));
    return perValue;
  }

  public static void main(String[] args) throws InterruptedException {
    if (args.length != 3) {
      throw new IllegalArgumentException("usage: PlacementHarness channels values rounds");
    }
    String[] names = args[0].split(",");
    int n = Integer.parseInt(args[1]);
    int rounds = Integer.parseInt(args[2]);
    for (int r = 0; r < rounds; r++) {
      long now = System.currentTimeMillis();
      StringBuilder out = new StringBuilder(String.format("%tT probe %4.0f ns", now, probe()));
      for (String name : names) {
        transfer(name, n, out);
      }
      System.out.println(out);
    }
  }
}
