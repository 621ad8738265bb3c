package dev.weft.sync;

/** One acquisition of a {@link Mutex}; closing it twice releases once. */
final class MutexGuard implements Guard {
  private final Mutex mutex;
  // Plain field: a guard is closed by the thread that acquired it; any other thread is refused by
  // the owner check in Mutex.unlock before this field matters.
  private boolean closed;

  MutexGuard(Mutex mutex) {
    this.mutex = mutex;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    mutex.unlock();
    closed = true;
  }

  @Override
  public String toString() {
    return (closed ? "released guard of " : "guard of ") + mutex.name();
  }
}
