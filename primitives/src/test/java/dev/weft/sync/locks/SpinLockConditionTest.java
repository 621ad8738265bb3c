package dev.weft.sync.locks;

import static dev.weft.sync.locks.SpinLocks.heldByCurrentThread;
import static dev.weft.sync.locks.SpinLocks.isLocked;
import static dev.weft.sync.locks.SpinLocks.letItWait;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.testkit.ThreadKind;
import dev.weft.testkit.Workers;
import java.util.ArrayDeque;
import java.util.Date;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** newCondition() of every spin lock, on platform and virtual threads. */
class SpinLockConditionTest {
  /** A bounded buffer of capacity 2 with two conditions, as in the Condition Javadoc. */
  @ParameterizedTest
  @MethodSource("dev.weft.sync.locks.SpinLocks#onEveryThreadKind")
  void boundedBufferHandsOverEveryItemInOrder(SpinLocks kind, ThreadKind threads) throws Exception {
    Lock lock = kind.create();
    Condition notFull = lock.newCondition();
    Condition notEmpty = lock.newCondition();
    ArrayDeque<Integer> buffer = new ArrayDeque<>();
    int items = 2_000;
    long[] sum = {0};
    try (Workers w = new Workers(threads)) {
      w.start(
          "producer",
          () -> {
            for (int i = 0; i < items; i++) {
              lock.lock();
              try {
                while (buffer.size() == 2) {
                  notFull.await();
                }
                buffer.addLast(i);
                notEmpty.signal();
              } finally {
                lock.unlock();
              }
            }
          });
      w.start(
          "consumer",
          () -> {
            for (int i = 0; i < items; i++) {
              lock.lock();
              try {
                while (buffer.isEmpty()) {
                  notEmpty.await();
                }
                assertEquals(i, buffer.removeFirst());
                sum[0] += i;
                notFull.signal();
              } finally {
                lock.unlock();
              }
            }
          });
    }
    assertEquals((long) items * (items - 1) / 2, sum[0]);
    assertFalse(isLocked(lock));
  }

  @ParameterizedTest
  @EnumSource(SpinLocks.class)
  void timedAwaitsTimeOutHoldingTheLock(SpinLocks kind) throws Exception {
    Lock lock = kind.create();
    Condition c = lock.newCondition();
    lock.lock();
    try {
      long start = System.nanoTime();
      assertTrue(c.awaitNanos(TimeUnit.MILLISECONDS.toNanos(20)) <= 0);
      assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(20));
      assertTrue(heldByCurrentThread(lock));
      assertFalse(c.await(5, TimeUnit.MILLISECONDS));
      assertFalse(c.await(0, TimeUnit.MILLISECONDS));
      assertFalse(c.awaitUntil(new Date(System.currentTimeMillis() + 5)));
      assertTrue(heldByCurrentThread(lock));
      c.signal(); // the timed-out waiters left the queue: nothing to signal, nothing breaks
    } finally {
      lock.unlock();
    }
    assertFalse(isLocked(lock));
  }

  @ParameterizedTest
  @EnumSource(SpinLocks.class)
  void awaitAndSignalWithoutTheLockThrow(SpinLocks kind) {
    Lock lock = kind.create();
    Condition c = lock.newCondition();
    assertThrows(IllegalMonitorStateException.class, c::await);
    assertThrows(IllegalMonitorStateException.class, c::awaitUninterruptibly);
    assertThrows(IllegalMonitorStateException.class, () -> c.awaitNanos(1));
    assertThrows(IllegalMonitorStateException.class, c::signal);
    assertThrows(IllegalMonitorStateException.class, c::signalAll);
    assertFalse(isLocked(lock));
  }

  @ParameterizedTest
  @MethodSource("dev.weft.sync.locks.SpinLocks#onEveryThreadKind")
  void interruptedAwaitThrowsWithTheLockHeldAgain(SpinLocks kind, ThreadKind threads)
      throws Exception {
    Lock lock = kind.create();
    Condition c = lock.newCondition();
    AtomicBoolean reacquired = new AtomicBoolean();
    try (Workers w = new Workers(threads)) {
      Thread waiter =
          w.start(
              "waiter",
              () -> {
                lock.lock();
                try {
                  assertThrows(InterruptedException.class, c::await);
                  reacquired.set(heldByCurrentThread(lock));
                } finally {
                  lock.unlock();
                }
              });
      letItWait(waiter);
      waiter.interrupt();
    }
    assertTrue(reacquired.get());
    assertFalse(isLocked(lock));
  }

  @ParameterizedTest
  @MethodSource("dev.weft.sync.locks.SpinLocks#onEveryThreadKind")
  void signalAllWakesEveryWaiter(SpinLocks kind, ThreadKind threads) throws Exception {
    Lock lock = kind.create();
    Condition c = lock.newCondition();
    boolean[] open = {false};
    AtomicInteger waiting = new AtomicInteger();
    AtomicInteger woken = new AtomicInteger();
    int waiters = 4;
    try (Workers w = new Workers(threads)) {
      w.startAll(
          "waiter",
          waiters,
          i -> {
            lock.lock();
            try {
              waiting.incrementAndGet();
              while (!open[0]) {
                c.awaitUninterruptibly();
              }
              woken.incrementAndGet();
            } finally {
              lock.unlock();
            }
          });
      while (waiting.get() < waiters) {
        Thread.sleep(1);
      }
      lock.lock();
      try {
        open[0] = true;
        c.signalAll();
      } finally {
        lock.unlock();
      }
    }
    assertEquals(waiters, woken.get());
    assertFalse(isLocked(lock));
  }
}
