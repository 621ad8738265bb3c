package dev.weft.sync;

/**
 * Thrown, before any thread blocks, when a lock-order-checked acquisition would close a cycle with
 * lock orders seen before, so that two threads could deadlock.
 *
 * <p>The exception's own stack trace is the acquisition being refused. Its cause chain holds one
 * {@link EarlierAcquisition} per edge of the cycle, each with the stack where that order was first
 * seen, so printing the exception shows both (or all) acquisition sites. The lock is not acquired
 * and the thread's held locks are unchanged.
 */
public final class PotentialDeadlockException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  PotentialDeadlockException(String message) {
    super(message);
  }

  /**
   * An earlier acquisition that recorded one edge of the lock-order cycle; its stack trace is where
   * that edge was first seen.
   */
  public static final class EarlierAcquisition extends Throwable {
    private static final long serialVersionUID = 1L;

    EarlierAcquisition(String message, StackTraceElement[] stack) {
      super(message);
      setStackTrace(stack);
    }
  }
}
