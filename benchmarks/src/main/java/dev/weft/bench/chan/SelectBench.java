package dev.weft.bench.chan;

import dev.weft.bench.Batch;
import dev.weft.chan.Channel;
import dev.weft.chan.Select;
import java.util.ArrayList;
import java.util.List;
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
 * Go's BenchmarkSelect2 shape, over 2 and 4 channels: a producer selects a send over k buffered
 * channels (64 each) and a consumer selects a receive over the same k; time per value. weft against
 * Jox 1.0.1 in the same run.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch"})
public class SelectBench {
  @Param({"weft", "jox"})
  public String impl;

  @Param({"platform", "virtual"})
  public String kind;

  @Param({"2", "4"})
  public int channels;

  private List<Channel<Integer>> weft;
  private List<com.softwaremill.jox.Channel<Integer>> jox;

  @Setup(Level.Iteration)
  public void setUp() {
    weft = new ArrayList<>();
    jox = new ArrayList<>();
    for (int i = 0; i < channels; i++) {
      weft.add(Channel.make(64));
      jox.add(com.softwaremill.jox.Channel.newBufferedChannel(64));
    }
  }

  @Benchmark
  @OperationsPerInvocation(Batch.OPS)
  public void sendAndReceive(Blackhole bh) throws InterruptedException {
    if (impl.equals("weft")) {
      weft(bh);
    } else {
      jox(bh);
    }
  }

  private void weft(Blackhole bh) throws InterruptedException {
    List<Channel<Integer>> c = weft;
    Batch.run(
        kind,
        2,
        i -> {
          if (i == 0) {
            for (int n = 0; n < Batch.OPS; n++) {
              Integer v = Pipe.VALUES[n & 1023];
              if (c.size() == 2) {
                Select.select(c.get(0).onSend(v, () -> 0), c.get(1).onSend(v, () -> 1));
              } else {
                Select.select(
                    c.get(0).onSend(v, () -> 0),
                    c.get(1).onSend(v, () -> 1),
                    c.get(2).onSend(v, () -> 2),
                    c.get(3).onSend(v, () -> 3));
              }
            }
          } else {
            for (int n = 0; n < Batch.OPS; n++) {
              if (c.size() == 2) {
                bh.consume(Select.select(c.get(0).onReceive(v -> v), c.get(1).onReceive(v -> v)));
              } else {
                bh.consume(
                    Select.select(
                        c.get(0).onReceive(v -> v),
                        c.get(1).onReceive(v -> v),
                        c.get(2).onReceive(v -> v),
                        c.get(3).onReceive(v -> v)));
              }
            }
          }
        });
  }

  private void jox(Blackhole bh) throws InterruptedException {
    List<com.softwaremill.jox.Channel<Integer>> c = jox;
    Batch.run(
        kind,
        2,
        i -> {
          if (i == 0) {
            for (int n = 0; n < Batch.OPS; n++) {
              Integer v = Pipe.VALUES[n & 1023];
              if (c.size() == 2) {
                com.softwaremill.jox.Select.select(c.get(0).sendClause(v), c.get(1).sendClause(v));
              } else {
                com.softwaremill.jox.Select.select(
                    c.get(0).sendClause(v),
                    c.get(1).sendClause(v),
                    c.get(2).sendClause(v),
                    c.get(3).sendClause(v));
              }
            }
          } else {
            for (int n = 0; n < Batch.OPS; n++) {
              if (c.size() == 2) {
                bh.consume(
                    com.softwaremill.jox.Select.select(
                        c.get(0).receiveClause(), c.get(1).receiveClause()));
              } else {
                bh.consume(
                    com.softwaremill.jox.Select.select(
                        c.get(0).receiveClause(),
                        c.get(1).receiveClause(),
                        c.get(2).receiveClause(),
                        c.get(3).receiveClause()));
              }
            }
          }
        });
  }
}
