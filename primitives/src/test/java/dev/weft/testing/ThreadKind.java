package dev.weft.testing;

/** The two kinds of thread every blocking primitive must work on. */
public enum ThreadKind {
  PLATFORM,
  VIRTUAL;

  /** Returns a builder for an unstarted thread of this kind. */
  public Thread.Builder builder() {
    return this == PLATFORM ? Thread.ofPlatform().daemon(true) : Thread.ofVirtual();
  }
}
