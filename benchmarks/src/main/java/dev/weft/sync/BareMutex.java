package dev.weft.sync;

/**
 * Benchmark access to a {@link Mutex}'s lock word without the façade (no guard, no lock-order
 * branch, no relock check). It lives in weft's package, on the benchmark's class path only, to
 * measure what the façade costs: an upper bound on the cost of lock-order checking when it is off.
 */
public final class BareMutex {
  private final MutexSync sync = new MutexSync();

  public void lock() {
    if (!sync.tryLockFast()) {
      sync.acquire(1);
    }
  }

  public void unlock() {
    sync.release(1);
  }
}
