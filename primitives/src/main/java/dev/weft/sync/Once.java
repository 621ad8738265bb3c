package dev.weft.sync;

import java.util.Objects;

/**
 * Runs an action exactly once, in the manner of Go's {@code sync.Once}.
 *
 * {@snippet :
 * private final Once init = new Once();
 *
 * void use() {
 *   init.run(this::loadConfig); // loadConfig runs once, whichever thread gets here first
 *   ...
 * }
 * }
 *
 * <p>The first call to {@link #run(Runnable)} runs its body; every other call, concurrent or later,
 * waits until that body has finished and then returns without running its own. If the body throws,
 * the {@code Once} is still done: that call and every later one throws the same exception object,
 * as Go's {@code OnceFunc} re-panics with the same value, and no body runs again.
 *
 * <p>A body that calls {@code run} on its own {@code Once} gets {@link IllegalStateException} (in
 * Go it would deadlock). Waiting is not interruptible, as in Go; an interrupt that arrives
 * meanwhile is kept in the thread's interrupt status.
 *
 * <p><b>Memory visibility.</b> Everything the body does happens-before every {@code run} call
 * returns (or throws).
 */
public final class Once {
  private final OnceCell<Void> cell = new OnceCell<>();

  /** Creates a {@code Once} whose action has not run. */
  public Once() {}

  /**
   * Runs {@code body} if no call on this {@code Once} has run a body yet; otherwise waits for the
   * body that did run to finish.
   *
   * @param body the action
   * @throws RuntimeException or {@link Error}: whatever the body that ran threw, the same object on
   *     every call
   * @throws IllegalStateException if called from inside the body
   */
  public void run(Runnable body) {
    Objects.requireNonNull(body, "body");
    if (cell.isDone()) {
      cell.result();
      return;
    }
    cell.get(
        () -> {
          body.run();
          return null;
        });
  }

  /**
   * Reports whether the body has finished, normally or not.
   *
   * @return true once the body has run
   */
  public boolean isDone() {
    return cell.isDone();
  }

  /**
   * Reports whether the body that ran threw.
   *
   * @return true if the body has finished by throwing
   */
  public boolean hasFailed() {
    return cell.failed();
  }
}
