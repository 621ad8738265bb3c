package dev.weft.sync;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Objects;

/**
 * Acquires several mutexes without deadlock.
 *
 * <p>Every {@link Mutex} has a rank fixed when it is created, unique in the JVM. {@link #lockAll}
 * sorts the mutexes by rank and acquires them in that order, whatever order they are passed in, so
 * two threads that lock overlapping sets through this class never wait for each other in a cycle.
 *
 * {@snippet :
 * try (var held = Locks.lockAll(from.mutex, to.mutex)) {
 *   from.balance -= amount;
 *   to.balance += amount;
 * }
 * }
 */
public final class Locks {
  private static final Comparator<Mutex> BY_RANK = Comparator.comparingLong(Mutex::rank);

  private Locks() {}

  /**
   * Acquires all the mutexes in global rank order and returns one guard that releases them all, in
   * the reverse order. Waits are not interruptible, as in {@link Mutex#lock()}.
   *
   * @param mutexes the mutexes, in any order, each at most once; none may be held by the caller
   * @return a guard that releases every mutex
   * @throws IllegalArgumentException if a mutex appears twice
   * @throws IllegalStateException if the caller already holds one of them; those acquired by this
   *     call are released first
   */
  public static Guard lockAll(Mutex... mutexes) {
    Mutex[] sorted = sorted(mutexes);
    Guard[] guards = new Guard[sorted.length];
    int acquired = 0;
    try {
      for (; acquired < sorted.length; acquired++) {
        guards[acquired] = sorted[acquired].lock();
      }
    } catch (RuntimeException | Error e) {
      releaseAll(guards, acquired, e);
      throw e;
    }
    return new AllGuard(guards);
  }

  /**
   * Like {@link #lockAll}, but gives up if the thread is interrupted while it waits.
   *
   * @param mutexes the mutexes, in any order, each at most once; none may be held by the caller
   * @return a guard that releases every mutex
   * @throws InterruptedException if interrupted; no mutex is then held by this call
   * @throws IllegalArgumentException if a mutex appears twice
   * @throws IllegalStateException if the caller already holds one of them
   */
  public static Guard lockAllInterruptibly(Mutex... mutexes) throws InterruptedException {
    Mutex[] sorted = sorted(mutexes);
    Guard[] guards = new Guard[sorted.length];
    int acquired = 0;
    try {
      for (; acquired < sorted.length; acquired++) {
        guards[acquired] = sorted[acquired].lockInterruptibly();
      }
    } catch (InterruptedException | RuntimeException | Error e) {
      releaseAll(guards, acquired, e);
      throw e;
    }
    return new AllGuard(guards);
  }

  private static Mutex[] sorted(Mutex... mutexes) {
    Objects.requireNonNull(mutexes, "mutexes");
    Mutex[] sorted = mutexes.clone();
    for (Mutex m : sorted) {
      Objects.requireNonNull(m, "mutex");
    }
    Arrays.sort(sorted, BY_RANK);
    for (int i = 1; i < sorted.length; i++) {
      if (sorted[i] == sorted[i - 1]) {
        throw new IllegalArgumentException("mutex passed twice: " + sorted[i].name());
      }
    }
    return sorted;
  }

  private static void releaseAll(Guard[] guards, int count, Throwable primary) {
    for (int i = count - 1; i >= 0; i--) {
      try {
        guards[i].close();
      } catch (RuntimeException | Error e) {
        primary.addSuppressed(e);
      }
    }
  }

  /** Releases a set of guards in reverse acquisition order, once. */
  private static final class AllGuard implements Guard {
    private final Guard[] guards;
    private boolean closed;

    AllGuard(Guard[] guards) {
      this.guards = guards;
    }

    @Override
    public void close() {
      if (closed) {
        return;
      }
      for (int i = guards.length - 1; i >= 0; i--) {
        guards[i].close(); // each guard checks the owner; the first refusal stops here
      }
      closed = true;
    }
  }
}
