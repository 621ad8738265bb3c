package dev.weft.sync;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * A value computed once, on first use, in the manner of Go's {@code sync.OnceValue}.
 *
 * {@snippet :
 * private final OnceValue<Config> config = OnceValue.of(Config::load);
 *
 * Config current() {
 *   return config.get(); // Config.load runs once; every caller gets its result
 * }
 * }
 *
 * <p>The first {@link #get()} calls the supplier; concurrent callers wait for it; every caller then
 * gets the same value (which may be null). If the supplier throws, that call and every later one
 * throws the same exception object and the supplier is not called again. After the supplier has
 * run, the {@code OnceValue} drops its reference to it, so whatever the supplier captured can be
 * collected.
 *
 * <p><b>Memory visibility.</b> Everything the supplier does happens-before every {@code get}
 * returns.
 *
 * @param <T> the type of the value
 */
public final class OnceValue<T> implements Supplier<T> {
  private final OnceCell<T> cell = new OnceCell<>();
  private volatile Supplier<? extends T> supplier; // cleared once it has run

  private OnceValue(Supplier<? extends T> supplier) {
    this.supplier = supplier;
  }

  /**
   * Creates a value that {@code supplier} computes on first use.
   *
   * @param supplier computes the value; called at most once
   * @param <T> the type of the value
   * @return the memoizing value
   */
  public static <T> OnceValue<T> of(Supplier<? extends T> supplier) {
    return new OnceValue<>(Objects.requireNonNull(supplier, "supplier"));
  }

  /**
   * Returns the value, computing it on the first call.
   *
   * @return the value the supplier returned
   * @throws RuntimeException or {@link Error}: whatever the supplier threw, the same object on
   *     every call
   * @throws IllegalStateException if called from inside the supplier
   */
  @Override
  public T get() {
    return cell.isDone() ? cell.result() : cell.get(this::compute);
  }

  private T compute() {
    Supplier<? extends T> body = supplier;
    supplier = null;
    return body.get();
  }

  /**
   * Reports whether the value has been computed (or the supplier has failed).
   *
   * @return true once the supplier has run
   */
  public boolean isDone() {
    return cell.isDone();
  }

  @Override
  public String toString() {
    return isDone() ? "OnceValue[done]" : "OnceValue[not yet computed]";
  }
}
