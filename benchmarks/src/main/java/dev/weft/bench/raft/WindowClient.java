package dev.weft.bench.raft;

import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * A client thread of a closed-loop Raft benchmark: one 64-byte command of random bytes, sent again
 * and again, and a window of {@value #WINDOW} futures it keeps in flight. (The fair comparison with
 * MicroRaft, {@link RaftClusterBench}, sends a fresh command each time instead.)
 */
@State(Scope.Thread)
public class WindowClient {
  /** Commands in flight per client thread. */
  static final int WINDOW = 64;

  final byte[] command = new byte[64];
  private final CompletableFuture<?>[] window = new CompletableFuture<?>[WINDOW];

  /** Fills the command with random bytes (the same on every thread). */
  @Setup
  public void setUp() {
    new Random(42).nextBytes(command);
  }

  /**
   * Submits the command {@value #WINDOW} times and waits for every answer.
   *
   * @param submit sends one command and returns its future
   */
  void submitWindow(Function<byte[], CompletableFuture<?>> submit) {
    for (int i = 0; i < WINDOW; i++) {
      window[i] = submit.apply(command);
    }
    for (int i = 0; i < WINDOW; i++) {
      window[i].join();
    }
  }
}
