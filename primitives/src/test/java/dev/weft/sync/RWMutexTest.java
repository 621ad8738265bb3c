package dev.weft.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.testkit.ThreadKind;
import dev.weft.testkit.Workers;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class RWMutexTest {
  @ParameterizedTest
  @EnumSource(ThreadKind.class)
  void readersShareTheLock(ThreadKind kind) throws Exception {
    RWMutex rw = new RWMutex();
    CountDownLatch bothInside = new CountDownLatch(2);
    try (Workers w = new Workers(kind)) {
      w.startAll(
          "reader",
          2,
          i -> {
            try (Guard g = rw.readLock()) {
              bothInside.countDown();
              assertTrue(bothInside.await(10, java.util.concurrent.TimeUnit.SECONDS));
            }
          });
    }
    assertEquals(0, rw.readers());
  }

  @ParameterizedTest
  @EnumSource(ThreadKind.class)
  void writerExcludesReadersAndWriters(ThreadKind kind) throws Exception {
    RWMutex rw = new RWMutex();
    int[] value = {0};
    AtomicInteger tornReads = new AtomicInteger();
    try (Workers w = new Workers(kind)) {
      w.startAll(
          "writer",
          2,
          i -> {
            for (int j = 0; j < 10_000; j++) {
              try (Guard g = rw.writeLock()) {
                value[0]++;
                value[0]++;
              }
            }
          });
      w.startAll(
          "reader",
          2,
          i -> {
            for (int j = 0; j < 10_000; j++) {
              try (Guard g = rw.readLock()) {
                if (value[0] % 2 != 0) {
                  tornReads.incrementAndGet();
                }
              }
            }
          });
    }
    assertEquals(40_000, value[0]);
    assertEquals(0, tornReads.get());
  }

  @ParameterizedTest
  @EnumSource(ThreadKind.class)
  void aWaitingWriterHoldsOffNewReaders(ThreadKind kind) throws Exception {
    RWMutex rw = new RWMutex();
    Guard firstReader = rw.readLock();
    AtomicBoolean writerGotIn = new AtomicBoolean();
    try (Workers w = new Workers(kind)) {
      Thread writer =
          w.start(
              "writer",
              () -> {
                try (Guard g = rw.writeLock()) {
                  writerGotIn.set(true);
                }
              });
      Workers.awaitBlocked(writer);
      assertTrue(rw.tryReadLock().isEmpty(), "a new reader must not pass a waiting writer");
      firstReader.close();
    }
    assertTrue(writerGotIn.get());
  }

  @ParameterizedTest
  @EnumSource(ThreadKind.class)
  void writerIsNotStarvedByAStreamOfReaders(ThreadKind kind) throws Exception {
    RWMutex rw = new RWMutex();
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger writes = new AtomicInteger();
    try (Workers w = new Workers(kind)) {
      // Four readers overlap one another (each parks for a moment while it holds its read lock,
      // letting the others in), so without writer preference the lock is never free. Parking,
      // unlike spinning or yielding, also lets the writer run when the threads are virtual. The
      // loop is bounded so that a failing run cannot leave readers behind.
      long giveUp = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      w.startAll(
          "reader",
          4,
          i -> {
            while (!stop.get() && System.nanoTime() < giveUp) {
              try (Guard g = rw.readLock()) {
                LockSupport.parkNanos(50_000);
              }
            }
          });
      w.start(
          "writer",
          () -> {
            try {
              for (int i = 0; i < 50; i++) {
                Guard g =
                    rw.tryWriteLock(Duration.ofSeconds(5))
                        .orElseThrow(() -> new AssertionError("writer starved by readers"));
                writes.incrementAndGet();
                g.close();
              }
            } finally {
              stop.set(true);
            }
          });
    }
    assertEquals(50, writes.get());
  }

  @Test
  void relockAndMisuseAreRefused() throws Exception {
    RWMutex rw = new RWMutex("table");
    try (Guard w = rw.writeLock()) {
      assertThrows(IllegalStateException.class, rw::writeLock);
      assertThrows(IllegalStateException.class, rw::readLock);
      assertThrows(IllegalStateException.class, rw::tryWriteLock);
      assertThrows(IllegalStateException.class, rw::tryReadLock);
      assertThrows(IllegalStateException.class, rw::writeLockInterruptibly);
      assertThrows(IllegalStateException.class, rw::readLockInterruptibly);
      assertTrue(rw.isWriteLocked());
    }
    assertFalse(rw.isWriteLocked());
    Guard read = rw.readLock();
    AtomicBoolean refused = new AtomicBoolean();
    try (Workers w = new Workers(ThreadKind.VIRTUAL)) {
      w.start(
          "intruder",
          () -> refused.set(assertThrows(IllegalStateException.class, read::close) != null));
    }
    assertTrue(refused.get());
    assertEquals(1, rw.readers());
    read.close();
    read.close();
    assertEquals(0, rw.readers());
  }

  @ParameterizedTest
  @EnumSource(ThreadKind.class)
  void timeoutsAndInterruptsLeaveNothingHeld(ThreadKind kind) throws Exception {
    RWMutex rw = new RWMutex();
    Guard w0 = rw.writeLock();
    try (Workers w = new Workers(kind)) {
      w.start(
          "timed",
          () -> {
            assertTrue(rw.tryReadLock(Duration.ofMillis(20)).isEmpty());
            assertTrue(rw.tryWriteLock(Duration.ofMillis(20)).isEmpty());
          });
      w.joinAll();
      Thread reader =
          w.start(
              "reader", () -> assertThrows(InterruptedException.class, rw::readLockInterruptibly));
      Workers.awaitBlocked(reader);
      reader.interrupt();
      Thread writer =
          w.start(
              "writer", () -> assertThrows(InterruptedException.class, rw::writeLockInterruptibly));
      Workers.awaitBlocked(writer);
      writer.interrupt();
    }
    w0.close();
    assertEquals(0, rw.readers());
    assertFalse(rw.isWriteLocked());
    assertEquals("x", rw.withReadLock(() -> "x"));
    assertEquals("y", rw.withWriteLock(() -> "y"));
  }
}
