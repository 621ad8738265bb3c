package dev.weft.sync;

/**
 * Proof that a lock is held; closing it releases the lock.
 *
 * <p>Use it with try-with-resources:
 *
 * {@snippet :
 * try (var held = mutex.lock()) {
 *   balance += amount;
 * }
 * }
 *
 * <p>Each acquisition returns its own guard. A guard must be closed by the thread that acquired it;
 * closing it from another thread throws {@link IllegalStateException} and leaves the lock held. A
 * second {@code close()} of the same guard is a no-op, even if the lock has since been taken again,
 * by this or another thread.
 */
public interface Guard extends AutoCloseable {
  /**
   * Releases the lock this guard stands for, unless this guard was already closed.
   *
   * @throws IllegalStateException if the calling thread is not the one that acquired the lock
   */
  @Override
  void close();
}
