package dev.weft.bench.replication;

import dev.weft.replication.kv.KeyValueClient;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The three replication schemes serving the same key-value interface, in one run: the Raft
 * key-value example (three servers; every operation through the log), primary-backup (every
 * operation forwarded to the backup), and chain replication of three with reads at the tail or,
 * with CRAQ, at any server. Each of 8 client threads runs one blocking operation at a time on 64
 * keys of 16-byte values, {@code writePercent} of them puts and the rest gets. Everything runs in
 * one process on in-process networks (no disk, no real network), with a tick of 10 ms.
 *
 * <p>Primary score: operations per second, all threads together. Secondary scores (JMH event
 * counters, so totals over the measurement iterations, not rates): {@code writes} and {@code
 * messages}, every message the service's network carried (requests, forwards, acknowledgments,
 * replies, heartbeats, leases, and the configuration service's Raft traffic). Messages per write at
 * 95% writes is {@code messages / writes}; at lower write shares the reads' messages and the
 * background are in it too. {@code dev.weft.bench.report.ReplicationReport} makes the table.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Threads(8)
public class ReplicationBench {
  /** The service. */
  @Param({"raft", "primary-backup", "chain-tail", "chain-craq"})
  public String scheme;

  /** The share of writes, in percent. */
  @Param({"5", "50", "95"})
  public int writePercent;

  private KvSystem system;
  private final AtomicInteger clients = new AtomicInteger();
  private volatile long messagesAtStart;

  /**
   * Starts the service and waits until it answers.
   *
   * @throws Exception if it cannot start
   */
  @Setup(Level.Trial)
  public void setUp() throws Exception {
    system = KvSystem.start(scheme);
  }

  /** Notes the message count at the start of an iteration. */
  @Setup(Level.Iteration)
  public void startIteration() {
    messagesAtStart = system.messages();
  }

  /** Stops the service. */
  @TearDown(Level.Trial)
  public void tearDown() {
    system.close();
  }

  /** One client thread: its client, its random numbers, and its counters. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.EVENTS)
  public static class Client {
    KeyValueClient kv;
    SplittableRandom random;
    boolean reportsMessages;
    ReplicationBench bench;

    /** Writes this thread made in the iteration. */
    public long writes;

    /**
     * Messages the whole service sent in the iteration (counted by one thread only, so that the sum
     * over threads is the total).
     */
    public long messages;

    /**
     * Connects the thread's client.
     *
     * @param bench the benchmark's state
     */
    @Setup(Level.Trial)
    public void connect(ReplicationBench bench) {
      int n = bench.clients.getAndIncrement();
      this.bench = bench;
      this.kv = bench.system.client(n);
      this.random = new SplittableRandom(n);
      this.reportsMessages = n == 0;
    }

    /** Clears the counters. */
    @Setup(Level.Iteration)
    public void clear() {
      writes = 0;
      messages = 0;
    }

    /** The first thread reports the service's messages for the iteration. */
    @TearDown(Level.Iteration)
    public void count() {
      if (reportsMessages) {
        messages = bench.system.messages() - bench.messagesAtStart;
      }
    }
  }

  /**
   * One operation: a put with probability {@code writePercent}, else a get.
   *
   * @param c the thread's client
   * @return what a get read, so that it is not dead code
   * @throws Exception if the service does not answer within its deadline
   */
  @Benchmark
  public Object operation(Client c) throws Exception {
    String key = KEYS[c.random.nextInt(KEYS.length)];
    if (c.random.nextInt(100) < writePercent) {
      c.writes++;
      c.kv.put(key, VALUE);
      return null;
    }
    return c.kv.get(key);
  }

  private static final String VALUE = "0123456789abcdef";
  private static final String[] KEYS = new String[64];

  static {
    for (int i = 0; i < KEYS.length; i++) {
      KEYS[i] = "key" + i;
    }
  }
}
