package dev.weft.snapshot;

/**
 * How a {@link SnapshotRunner}'s processes are joined: one FIFO link per channel, and per process a
 * way to wait for the next envelope from any of its incoming links or from the runner.
 */
interface Wiring<E> {
  /** The sending end of a FIFO link; never blocks. */
  interface Link<E> {
    void send(E envelope);
  }

  /** The receiving side of a process: all its incoming links and its control requests. */
  interface Inbox<E> {
    /** Blocks until an envelope is available; links are read in FIFO order each. */
    E take() throws InterruptedException;
  }

  /** The link {@code from -> to}; throws IllegalArgumentException if there is none. */
  Link<E> link(String from, String to);

  /** Where the runner sends requests to {@code process}. */
  Link<E> control(String process);

  /** What {@code process} waits on. */
  Inbox<E> inbox(String process);
}
