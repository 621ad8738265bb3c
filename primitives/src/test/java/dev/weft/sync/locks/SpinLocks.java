package dev.weft.sync.locks;

import dev.weft.testkit.ThreadKind;
import java.util.Arrays;
import java.util.concurrent.locks.Lock;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/** Every lock of the package, for tests that run the same contract against each. */
enum SpinLocks {
  TAS(TasLock::new),
  TTAS(TtasLock::new),
  BACKOFF(BackoffLock::new),
  TICKET(TicketLock::new),
  MCS(McsLock::new),
  CLH(ClhLock::new);

  private final Supplier<Lock> factory;

  SpinLocks(Supplier<Lock> factory) {
    this.factory = factory;
  }

  Lock create() {
    return factory.get();
  }

  /** Whether timed and interruptible waits join the same FIFO queue as lock(). */
  boolean queuesTimedWaits() {
    return this == MCS || this == CLH;
  }

  static boolean heldByCurrentThread(Lock lock) {
    if (lock instanceof TasLock l) {
      return l.isHeldByCurrentThread();
    } else if (lock instanceof TtasLock l) {
      return l.isHeldByCurrentThread();
    } else if (lock instanceof BackoffLock l) {
      return l.isHeldByCurrentThread();
    } else if (lock instanceof TicketLock l) {
      return l.isHeldByCurrentThread();
    } else if (lock instanceof McsLock l) {
      return l.isHeldByCurrentThread();
    } else if (lock instanceof ClhLock l) {
      return l.isHeldByCurrentThread();
    }
    throw new IllegalArgumentException("not a spin lock: " + lock);
  }

  static boolean isLocked(Lock lock) {
    if (lock instanceof TasLock l) {
      return l.isLocked();
    } else if (lock instanceof TtasLock l) {
      return l.isLocked();
    } else if (lock instanceof BackoffLock l) {
      return l.isLocked();
    } else if (lock instanceof TicketLock l) {
      return l.isLocked();
    } else if (lock instanceof McsLock l) {
      return l.isLocked();
    } else if (lock instanceof ClhLock l) {
      return l.isLocked();
    }
    throw new IllegalArgumentException("not a spin lock: " + lock);
  }

  /** Every lock on every thread kind: arguments (SpinLocks, ThreadKind). */
  static Stream<Arguments> onEveryThreadKind() {
    return Arrays.stream(values())
        .flatMap(l -> Arrays.stream(ThreadKind.values()).map(k -> Arguments.of(l, k)));
  }

  /**
   * Waits, for at most 200 ms, until {@code thread} parks or sleeps: a best effort to let a worker
   * start waiting before the test acts. Tests must pass whichever way it ends, since a spinning or
   * yielding waiter never looks blocked.
   */
  static void letItWait(Thread thread) throws InterruptedException {
    long deadline = System.nanoTime() + 200_000_000L;
    while (System.nanoTime() < deadline) {
      Thread.State s = thread.getState();
      if (s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING) {
        return;
      }
      Thread.sleep(1);
    }
  }
}
