package dev.weft.sync;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A report that a thread has waited longer than its lock's slow-wait threshold.
 *
 * @param lock the name of the lock waited for
 * @param waiter the waiting thread
 * @param waited how long it has waited so far
 * @param holder the thread that held the lock when the report was made, if known
 * @param holderStack the holder's stack at that moment (empty if unknown)
 */
public record SlowWait(
    String lock,
    Thread waiter,
    Duration waited,
    Optional<Thread> holder,
    StackTraceElement[] holderStack) {

  /**
   * Validates and copies the components.
   *
   * @param lock the name of the lock waited for
   * @param waiter the waiting thread
   * @param waited how long it has waited so far
   * @param holder the thread that held the lock when the report was made, if known
   * @param holderStack the holder's stack at that moment (empty if unknown)
   */
  public SlowWait {
    Objects.requireNonNull(lock, "lock");
    Objects.requireNonNull(waiter, "waiter");
    Objects.requireNonNull(waited, "waited");
    Objects.requireNonNull(holder, "holder");
    holderStack = holderStack.clone();
  }

  /**
   * Returns a copy of the holder's stack.
   *
   * @return the holder's stack frames, innermost first
   */
  @Override
  public StackTraceElement[] holderStack() {
    return holderStack.clone();
  }

  /**
   * Describes the report on several lines: the waiter, the wait, and the holder's stack.
   *
   * @return a human-readable description
   */
  public String describe() {
    StringBuilder out =
        new StringBuilder()
            .append("thread \"")
            .append(waiter.getName())
            .append("\" has waited ")
            .append(waited.toMillis())
            .append(" ms for lock ")
            .append(lock);
    if (holder.isEmpty()) {
      return out.append(", whose holder is unknown (it was released meanwhile)").toString();
    }
    out.append(", held by thread \"").append(holder.get().getName()).append("\" at:");
    for (StackTraceElement frame : holderStack) {
      out.append(System.lineSeparator()).append("\tat ").append(frame);
    }
    return out.toString();
  }
}
