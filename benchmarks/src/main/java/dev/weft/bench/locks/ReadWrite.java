package dev.weft.bench.locks;

import dev.weft.sync.Guard;
import dev.weft.sync.RWMutex;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.concurrent.locks.StampedLock;
import org.openjdk.jmh.infra.Blackhole;

/**
 * One reader-writer strategy guarding one counter: {@link #write} increments it under the write
 * lock, {@link #read} reads it under a read lock (or optimistically); both burn {@code tokens} of
 * CPU with {@link Blackhole#consumeCPU} inside. Each JMH fork uses one strategy.
 */
abstract class ReadWrite {
  /** The strategies {@link RwLockBench} compares, by the name its {@code lock} parameter takes. */
  static final String[] NAMES = {
    "ReentrantReadWriteLock", "StampedLock-optimistic", "RWMutex", "RWMutex-optimistic"
  };

  /** Guarded by the strategy's write lock. */
  long counter;

  abstract void write(long tokens);

  abstract long read(long tokens);

  static ReadWrite of(String name) {
    switch (name) {
      case "ReentrantReadWriteLock":
        return new OfReentrantReadWriteLock();
      case "StampedLock-optimistic":
        return new OfStampedLock();
      case "RWMutex":
        return new OfRWMutex();
      case "RWMutex-optimistic":
        return new OfRWMutexOptimistic();
      default:
        throw new IllegalArgumentException("unknown reader-writer strategy: " + name);
    }
  }

  private static final class OfReentrantReadWriteLock extends ReadWrite {
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();

    @Override
    void write(long tokens) {
      lock.writeLock().lock();
      try {
        Blackhole.consumeCPU(tokens);
        counter++;
      } finally {
        lock.writeLock().unlock();
      }
    }

    @Override
    long read(long tokens) {
      lock.readLock().lock();
      try {
        Blackhole.consumeCPU(tokens);
        return counter;
      } finally {
        lock.readLock().unlock();
      }
    }
  }

  /** Writes take the write lock; reads are optimistic and fall back to the read lock. */
  private static final class OfStampedLock extends ReadWrite {
    private final StampedLock lock = new StampedLock();

    @Override
    void write(long tokens) {
      long stamp = lock.writeLock();
      try {
        Blackhole.consumeCPU(tokens);
        counter++;
      } finally {
        lock.unlockWrite(stamp);
      }
    }

    @Override
    long read(long tokens) {
      long stamp = lock.tryOptimisticRead();
      Blackhole.consumeCPU(tokens);
      long value = counter;
      if (lock.validate(stamp)) {
        return value;
      }
      stamp = lock.readLock();
      try {
        Blackhole.consumeCPU(tokens);
        return counter;
      } finally {
        lock.unlockRead(stamp);
      }
    }
  }

  private static class OfRWMutex extends ReadWrite {
    final RWMutex mutex = new RWMutex();

    @Override
    void write(long tokens) {
      try (Guard held = mutex.writeLock()) {
        Blackhole.consumeCPU(tokens);
        counter++;
      }
    }

    @Override
    long read(long tokens) {
      try (Guard held = mutex.readLock()) {
        Blackhole.consumeCPU(tokens);
        return counter;
      }
    }
  }

  /** Writes take the write lock; reads go through {@code withOptimisticRead}. */
  private static final class OfRWMutexOptimistic extends OfRWMutex {
    @Override
    long read(long tokens) {
      return mutex.withOptimisticRead(
          () -> {
            Blackhole.consumeCPU(tokens);
            return counter;
          });
    }
  }
}
