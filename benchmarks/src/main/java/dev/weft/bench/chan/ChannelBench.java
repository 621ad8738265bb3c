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
 * it never blocks its producer).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
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
    Pipe p = pipe;
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
      jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
  public static class ManyToMany {
    @Param({"weft", "jox", "jdk"})
    public String impl;

    @Param({"platform", "virtual"})
    public String kind;

    @Param({"0", "16"})
    public int capacity;

    private Pipe pipe;

    @Setup(Level.Iteration)
    public void setUp() {
      pipe = Pipe.create(impl, capacity);
    }

    @Benchmark
    @OperationsPerInvocation(Batch.OPS)
    public void fourToFour(Blackhole bh) throws InterruptedException {
      Pipe p = pipe;
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

  /** A value sent on one unbuffered channel and echoed back on another: one round trip. */
  @State(Scope.Benchmark)
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  @Fork(
      value = 1,
      jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
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
