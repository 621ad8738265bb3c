package dev.weft.raft.internal.tracker;

/**
 * The AppendEntries messages with entries in flight to one follower, as a bounded FIFO of (last
 * index, bytes): the leader adds one per message sent while streaming, and frees all those up to an
 * index when the follower acknowledges it. {@link #full()} is the flow-control signal: at most
 * {@code maxMessages} messages, and no new one once {@code maxBytes} bytes are in flight.
 *
 * <p>A ring buffer of two parallel arrays, allocated once. Not thread-safe.
 */
public final class Inflights {
  private final long[] indexes;
  private final long[] sizes;
  private final long maxBytes;
  private int start;
  private int count;
  private long bytes;

  /**
   * Creates an empty window.
   *
   * @param maxMessages the most messages in flight, at least 1
   * @param maxBytes the byte budget, at least 1
   * @throws IllegalArgumentException if a bound is less than 1
   */
  public Inflights(int maxMessages, long maxBytes) {
    if (maxMessages < 1 || maxBytes < 1) {
      throw new IllegalArgumentException(
          "bounds must be positive: " + maxMessages + ", " + maxBytes);
    }
    this.indexes = new long[maxMessages];
    this.sizes = new long[maxMessages];
    this.maxBytes = maxBytes;
  }

  /**
   * Records a message sent: its last entry's index and its entries' total size.
   *
   * @param index the message's last index; greater than every index in flight
   * @param size the bytes of entry data it carries
   * @throws IllegalStateException if the window is full or {@code index} does not increase
   */
  public void add(long index, long size) {
    if (full()) {
      throw new IllegalStateException("inflight window is full");
    }
    if (count > 0 && indexes[slot(count - 1)] >= index) {
      throw new IllegalStateException("inflight index " + index + " does not increase");
    }
    int s = slot(count);
    indexes[s] = index;
    sizes[s] = size;
    count++;
    bytes += size;
  }

  /**
   * Frees every message whose last index is at most {@code index} (the follower has them).
   *
   * @param index the acknowledged index
   */
  public void freeLE(long index) {
    while (count > 0 && indexes[start] <= index) {
      bytes -= sizes[start];
      start = (start + 1) % indexes.length;
      count--;
    }
    if (count == 0) {
      start = 0;
    }
  }

  /** Frees the oldest message, if any (a heartbeat answer showed the follower is alive). */
  public void freeFirstOne() {
    if (count > 0) {
      freeLE(indexes[start]);
    }
  }

  /**
   * Tells whether no more messages may be sent.
   *
   * @return true at the message bound, or with the byte budget used up
   */
  public boolean full() {
    return count == indexes.length || bytes >= maxBytes;
  }

  public int count() {
    return count;
  }

  public long bytes() {
    return bytes;
  }

  public void reset() {
    start = 0;
    count = 0;
    bytes = 0;
  }

  private int slot(int i) {
    return (start + i) % indexes.length;
  }
}
