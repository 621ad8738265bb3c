package dev.weft.testkit;

/**
 * The two kinds of thread that every blocking primitive must work on; parameterize a test over it
 * to run the test on both.
 */
public enum ThreadKind {
  /** An operating-system thread, {@link Thread#ofPlatform()}; daemon, so a stuck test can exit. */
  PLATFORM,
  /** A virtual thread, {@link Thread#ofVirtual()}. */
  VIRTUAL;

  /**
   * Returns a builder for unstarted threads of this kind.
   *
   * @return a new thread builder
   */
  public Thread.Builder builder() {
    return this == PLATFORM ? Thread.ofPlatform().daemon(true) : Thread.ofVirtual();
  }
}
