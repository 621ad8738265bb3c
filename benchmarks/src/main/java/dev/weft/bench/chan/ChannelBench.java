package dev.weft.bench.chan;

import dev.weft.bench.Batch;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Moving values through a channel, in the shapes of Go's {@code chan_test.go} benchmarks (see
 * ../shared/baselines/go-channels): one producer and one consumer (buffered 16 and 1024, and
 * unbuffered), four producers and four consumers, and a ping-pong round trip. Each invocation moves
 * {@link Batch#OPS} values on fresh threads of the chosen kind; the score is time per value (per
 * round trip for ping-pong).
 *
 * <p>Peers, in the same run: Jox 1.0.1, the JDK's ArrayBlockingQueue (buffered) or SynchronousQueue
 * (unbuffered), and LinkedTransferQueue (transfer when unbuffered; an unbounded put otherwise, so
 * it never blocks its producer); for the buffered shapes also JCTools 4.0.5 and Agrona 2.6.0 array
 * queues, each made blocking by spinning with a backoff or by parking ({@link QueuePipes}, in the
 * nested classes {@link Queues} and {@link QueuesManyToMany}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch"})
public class ChannelBench {
  @Param({"weft", "jox", "jdk", "ltq"})
  public String impl;

  @Param({"platform", "virtual"})
  public String kind;

  @Param({"0", "16", "1024"})
  public int capacity;

  private Pipe pipe;

  @Setup(Level.Iteration)
  public void setUp() {
    pipe = Pipe.create(impl, capacity);
  }

  @Benchmark
  @OperationsPerInvocation(Batch.OPS)
  public void oneToOne(Blackhole bh) throws InterruptedException {
    oneToOne(pipe, kind, bh);
  }

  /** One producer and one consumer move {@link Batch#OPS} values through {@code p}. */
  static void oneToOne(Pipe p, String kind, Blackhole bh) throws InterruptedException {
    Batch.run(
        kind,
        2,
        i -> {
          if (i == 0) {
            for (int n = 0; n < Batch.OPS; n++) {
              p.send(Pipe.VALUES[n & 1023]);
            }
          } else {
            for (int n = 0; n < Batch.OPS; n++) {
              bh.consume(p.receive());
            }
          }
        });
  }

  /** Four producers and four consumers on one channel. */
  @State(Scope.Benchmark)
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  @Fork(
      value = 1,
      jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch"})
  public static class ManyToMany {
    @Param({"weft", "jox", "jdk"})
    public String impl;

    @Param({"platform", "virtual"})
    public String kind;

    @Param({"0", "16", "1024"})
    public int capacity;

    private Pipe pipe;

    @Setup(Level.Iteration)
    public void setUp() {
      pipe = Pipe.create(impl, capacity);
    }

    @Benchmark
    @OperationsPerInvocation(Batch.OPS)
    public void fourToFour(Blackhole bh) throws InterruptedException {
      fourToFour(pipe, kind, bh);
    }

    /** Four producers and four consumers move {@link Batch#OPS} values through {@code p}. */
    static void fourToFour(Pipe p, String kind, Blackhole bh) throws InterruptedException {
      int per = Batch.OPS / 4;
      Batch.run(
          kind,
          8,
          i -> {
            if (i < 4) {
              for (int n = 0; n < per; n++) {
                p.send(Pipe.VALUES[n & 1023]);
              }
            } else {
              for (int n = 0; n < per; n++) {
                bh.consume(p.receive());
              }
            }
          });
    }
  }

  /** JVM flags for the forks that load JCTools and Agrona. */
  static final String ADD_EXPORTS = "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED";

  static final String UNSAFE_ALLOW = "-Dsun.misc.unsafe.memory.access=allow";

  /**
   * What the JCTools and Agrona shapes share: the thread kind, the capacity (buffered shapes only:
   * these queues have no rendezvous) and the pipe made from the subclass's {@code impl}.
   */
  @State(Scope.Benchmark)
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  @Fork(
      value = 1,
      jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch", ADD_EXPORTS, UNSAFE_ALLOW})
  public abstract static class QueueShape {
    @Param({"platform", "virtual"})
    public String kind;

    @Param({"16", "1024"})
    public int capacity;

    Pipe pipe;

    abstract String impl();

    @Setup(Level.Iteration)
    public void setUp() {
      pipe = QueuePipes.create(impl(), capacity);
    }
  }

  /** One producer and one consumer on JCTools' and Agrona's array queues ({@link QueuePipes}). */
  public static class Queues extends QueueShape {
    @Param({
      "jctools-spsc-spin",
      "jctools-spsc-park",
      "jctools-mpmc-spin",
      "jctools-mpmc-park",
      "agrona-spsc-spin",
      "agrona-spsc-park",
      "agrona-mpsc-spin",
      "agrona-mpsc-park"
    })
    public String impl;

    @Override
    String impl() {
      return impl;
    }

    @Benchmark
    @OperationsPerInvocation(Batch.OPS)
    public void oneToOne(Blackhole bh) throws InterruptedException {
      ChannelBench.oneToOne(pipe, kind, bh);
    }
  }

  /**
   * Four producers and four consumers on the multi-consumer array queues of JCTools and Agrona
   * (Agrona's many-to-one queue allows one consumer only, so its many-to-many queue stands in).
   */
  public static class QueuesManyToMany extends QueueShape {
    @Param({"jctools-mpmc-spin", "jctools-mpmc-park", "agrona-mpmc-spin", "agrona-mpmc-park"})
    public String impl;

    @Override
    String impl() {
      return impl;
    }

    @Benchmark
    @OperationsPerInvocation(Batch.OPS)
    public void fourToFour(Blackhole bh) throws InterruptedException {
      ManyToMany.fourToFour(pipe, kind, bh);
    }
  }

  /** A value sent on one unbuffered channel and echoed back on another: one round trip. */
  @State(Scope.Benchmark)
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  @Fork(
      value = 1,
      jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch"})
  public static class PingPong {
    static final int ROUNDS = 50_000;

    @Param({"weft", "jox", "jdk"})
    public String impl;

    @Param({"platform", "virtual"})
    public String kind;

    private Pipe ping;
    private Pipe pong;

    @Setup(Level.Iteration)
    public void setUp() {
      ping = Pipe.create(impl, 0);
      pong = Pipe.create(impl, 0);
    }

    @Benchmark
    @OperationsPerInvocation(ROUNDS)
    public void roundTrip() throws InterruptedException {
      Pipe there = ping;
      Pipe back = pong;
      Batch.run(
          kind,
          2,
          i -> {
            if (i == 0) {
              for (int n = 0; n < ROUNDS; n++) {
                there.send(Pipe.VALUES[n & 1023]);
                back.receive();
              }
            } else {
              for (int n = 0; n < ROUNDS; n++) {
                back.send(there.receive());
              }
            }
          });
    }
  }
}
