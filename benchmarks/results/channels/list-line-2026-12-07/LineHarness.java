import java.util.concurrent.LinkedTransferQueue;
import java.util.concurrent.SynchronousQueue;

/**
 * Unbuffered 1:1 hand-offs on virtual threads, several pipes one after another in each round, with
 * the core-to-core probe of hand-off-floor.md section 1 before and after the round (section 16).
 * Not a benchmark: a diagnostic whose rounds are compared in pairs, within one placement.
 *
 * <p>Pipes: {@code weft} (the unbuffered channel from the class path), {@code copy} (the same from a
 * copy compiled into the package {@code dev.weftb} by {@code ../ab-2026-12-06/copy-package.sh}),
 * {@code sq} ({@code SynchronousQueue}, a LIFO stack), {@code sqfair} (a fair one, a FIFO queue),
 * {@code ltq} ({@code LinkedTransferQueue.transfer} and {@code take}). Each round runs every named
 * pipe once, {@code n} values through a fresh pipe and two fresh virtual threads, the order rotated
 * by one each round, and prints one line: the probe, each pipe's ns per value, the probe again.
 * {@code summary.py} groups the rounds by placement and gives each pipe's geometric mean ratio to
 * one of them.
 *
 * <p>Run from the repository root with JDK 21 or later, after {@code mvn -q -pl primitives
 * -DskipTests package} and the copy script (the harness refers to the copy's classes, so it needs
 * them even where {@code copy} is not named): {@code java -cp
 * primitives/target/classes:target/weftb
 * benchmarks/results/channels/list-line-2026-12-07/LineHarness.java 1000000 150 weft,copy,sq}
 * (values per transfer, rounds, pipes).
 */
public class LineHarness {
  private static volatile int ping;
  private static volatile int pong;
  private static volatile Object sink;

  interface Pipe {
    void send(Integer v) throws InterruptedException;

    Integer receive() throws InterruptedException;
  }

  static Pipe pipe(String name) {
    switch (name) {
      case "sq", "sqfair" -> {
        SynchronousQueue<Integer> q = new SynchronousQueue<>(name.equals("sqfair"));
        return new Pipe() {
          public void send(Integer v) throws InterruptedException {
            q.put(v);
          }

          public Integer receive() throws InterruptedException {
            return q.take();
          }
        };
      }
      case "ltq" -> {
        LinkedTransferQueue<Integer> q = new LinkedTransferQueue<>();
        return new Pipe() {
          public void send(Integer v) throws InterruptedException {
            q.transfer(v);
          }

          public Integer receive() throws InterruptedException {
            return q.take();
          }
        };
      }
      case "weft" -> {
        dev.weft.chan.Channel<Integer> c = dev.weft.chan.Channel.make();
        return new Pipe() {
          public void send(Integer v) throws InterruptedException {
            c.send(v);
          }

          public Integer receive() throws InterruptedException {
            return c.receive();
          }
        };
      }
      case "copy" -> {
        dev.weftb.chan.Channel<Integer> c = dev.weftb.chan.Channel.make();
        return new Pipe() {
          public void send(Integer v) throws InterruptedException {
            c.send(v);
          }

          public Integer receive() throws InterruptedException {
            return c.receive();
          }
        };
      }
      default -> throw new IllegalArgumentException("unknown pipe " + name);
    }
  }

  /** The cache-line round trip between two spinning platform threads, in ns. */
  static double probe() throws InterruptedException {
    int rounds = 20_000;
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

  /** Moves {@code n} values through {@code p} between two virtual threads; ns per value. */
  static double transfer(Pipe p, int n) throws InterruptedException {
    Integer[] values = new Integer[1024];
    for (int i = 0; i < values.length; i++) {
      values[i] = i;
    }
    Throwable[] failure = new Throwable[1];
    long start = System.nanoTime();
    Thread sender =
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    for (int i = 0; i < n; i++) {
                      p.send(values[i & 1023]);
                    }
                  } catch (Throwable t) {
                    failure[0] = t;
                  }
                });
    Thread receiver =
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    Object last = null;
                    for (int i = 0; i < n; i++) {
                      last = p.receive();
                    }
                    sink = last;
                  } catch (Throwable t) {
                    failure[0] = t;
                  }
                });
    sender.join(60_000);
    receiver.join(60_000);
    if (sender.isAlive() || receiver.isAlive()) {
      sender.interrupt();
      receiver.interrupt();
      throw new IllegalStateException("a transfer did not finish within a minute");
    }
    if (failure[0] != null) {
      throw new IllegalStateException("a transfer failed", failure[0]);
    }
    return (System.nanoTime() - start) / (double) n;
  }

  public static void main(String[] args) throws Exception {
    int n = Integer.parseInt(args[0]);
    int rounds = Integer.parseInt(args[1]);
    String[] names = args[2].split(",");
    for (int r = 0; r < rounds; r++) {
      StringBuilder line = new StringBuilder(String.format("probe %4.0f", probe()));
      for (int k = 0; k < names.length; k++) {
        String name = names[(k + r) % names.length];
        line.append(String.format(" %s=%.0f", name, transfer(pipe(name), n)));
      }
      System.out.println(line.append(String.format(" probe %4.0f", probe())));
    }
  }
}
