package dev.weft.bench.locks;

import dev.weft.sync.Guard;
import dev.weft.sync.Mutex;
import dev.weft.sync.locks.BackoffLock;
import dev.weft.sync.locks.ClhLock;
import dev.weft.sync.locks.McsLock;
import dev.weft.sync.locks.TasLock;
import dev.weft.sync.locks.TicketLock;
import dev.weft.sync.locks.TtasLock;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.StampedLock;
import org.openjdk.jmh.infra.Blackhole;

/**
 * One mutual-exclusion strategy guarding one counter: {@link #update} acquires, burns {@code
 * tokens} of CPU with {@link Blackhole#consumeCPU}, increments the counter and releases. Each JMH
 * fork uses one strategy, so the call through this class is monomorphic.
 */
abstract class Exclusive {
  /** Guarded by the strategy's lock. */
  long counter;

  /** Acquire, work for {@code tokens}, increment, release. */
  abstract void update(long tokens);

  static Exclusive of(String name) {
    switch (name) {
      case "synchronized":
        return new Monitor();
      case "ReentrantLock":
        return new OfLock(new ReentrantLock());
      case "ReentrantLock-fair":
        return new OfLock(new ReentrantLock(true));
      case "Semaphore":
        return new OfSemaphore();
      case "StampedLock-write":
        return new OfStampedLock();
      case "Mutex":
        return new OfMutex();
      case "TasLock":
        return new OfLock(new TasLock());
      case "TtasLock":
        return new OfLock(new TtasLock());
      case "BackoffLock":
        return new OfLock(new BackoffLock());
      case "TicketLock":
        return new OfLock(new TicketLock());
      case "McsLock":
        return new OfLock(new McsLock());
      case "ClhLock":
        return new OfLock(new ClhLock());
      default:
        throw new IllegalArgumentException("unknown lock strategy: " + name);
    }
  }

  private static final class Monitor extends Exclusive {
    @Override
    void update(long tokens) {
      synchronized (this) {
        Blackhole.consumeCPU(tokens);
        counter++;
      }
    }
  }

  private static final class OfLock extends Exclusive {
    private final Lock lock;

    OfLock(Lock lock) {
      this.lock = lock;
    }

    @Override
    void update(long tokens) {
      lock.lock();
      try {
        Blackhole.consumeCPU(tokens);
        counter++;
      } finally {
        lock.unlock();
      }
    }
  }

  private static final class OfSemaphore extends Exclusive {
    private final Semaphore semaphore = new Semaphore(1);

    @Override
    void update(long tokens) {
      semaphore.acquireUninterruptibly();
      try {
        Blackhole.consumeCPU(tokens);
        counter++;
      } finally {
        semaphore.release();
      }
    }
  }

  private static final class OfStampedLock extends Exclusive {
    private final StampedLock lock = new StampedLock();

    @Override
    void update(long tokens) {
      long stamp = lock.writeLock();
      try {
        Blackhole.consumeCPU(tokens);
        counter++;
      } finally {
        lock.unlockWrite(stamp);
      }
    }
  }

  private static final class OfMutex extends Exclusive {
    private final Mutex mutex = new Mutex();

    @Override
    void update(long tokens) {
      try (Guard held = mutex.lock()) {
        Blackhole.consumeCPU(tokens);
        counter++;
      }
    }
  }
}
