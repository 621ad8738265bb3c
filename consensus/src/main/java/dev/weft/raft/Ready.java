package dev.weft.raft;

import java.util.List;

/**
 * What a {@link RaftNode} asks its application to do, in this order:
 *
 * <ol>
 *   <li>if {@link #snapshot()} is not null: store the snapshot received from the leader with that
 *       metadata (its bytes came in {@link RaftMessage.InstallSnapshot} chunks), durably, and
 *       restore the state machine from it;
 *   <li>make {@link #entries()} and {@link #hardState()} (when not null) durable in the node's
 *       {@link RaftStorage} (entries first or both atomically);
 *   <li>then send {@link #messages()} (in any order; any of them may be lost);
 *   <li>apply {@link #committedEntries()} to the state machine, in order;
 *   <li>call {@link RaftNode#advance(Ready)} with this object.
 * </ol>
 *
 * <p>Sending before persisting would let a node acknowledge entries or a vote it could lose in a
 * crash; that is the one rule that safety depends on. Applying may overlap with sending.
 *
 * <p>{@code snapshot} carries only metadata: the core never holds a snapshot's bytes, which the
 * application streams from and into its storage ({@link MutableStorage#beginSnapshot}). It is not
 * null only on a follower that has just been sent a snapshot beyond its log; the committed entries
 * of the same Ready (if any) follow it.
 *
 * @param hardState the hard state to persist, or {@code null} if it has not changed
 * @param entries new log entries to persist; an entry at an index already stored replaces it and
 *     everything after it (as {@link MemoryStorage#append} does)
 * @param messages messages to send once the above is durable
 * @param committedEntries entries to apply, consecutive and in index order
 * @param snapshot the metadata of a snapshot to store and restore before anything else, or {@code
 *     null}
 */
public record Ready(
    HardState hardState,
    List<LogEntry> entries,
    List<RaftMessage> messages,
    List<LogEntry> committedEntries,
    SnapshotMetadata snapshot) {
  /**
   * Copies the lists.
   *
   * @param hardState the hard state to persist, or {@code null}
   * @param entries new log entries to persist
   * @param messages messages to send
   * @param committedEntries entries to apply
   * @param snapshot the metadata of a snapshot to install, or {@code null}
   * @throws NullPointerException if a list or an element is null
   */
  public Ready {
    entries = List.copyOf(entries);
    messages = List.copyOf(messages);
    committedEntries = List.copyOf(committedEntries);
  }

  /**
   * Creates a Ready without a snapshot, the shape of the API contract.
   *
   * @param hardState the hard state to persist, or {@code null}
   * @param entries new log entries to persist
   * @param messages messages to send
   * @param committedEntries entries to apply
   * @throws NullPointerException if a list or an element is null
   */
  public Ready(
      HardState hardState,
      List<LogEntry> entries,
      List<RaftMessage> messages,
      List<LogEntry> committedEntries) {
    this(hardState, entries, messages, committedEntries, null);
  }

  /**
   * Tells whether there is nothing to do.
   *
   * @return true if every component is null or empty
   */
  public boolean isEmpty() {
    return hardState == null
        && snapshot == null
        && entries.isEmpty()
        && messages.isEmpty()
        && committedEntries.isEmpty();
  }
}
