package dev.weft.raft.server;

import dev.weft.raft.MutableStorage;
import dev.weft.raft.RaftMessage.InstallSnapshot;
import dev.weft.raft.RaftMessage.InstallSnapshotResponse;
import dev.weft.raft.RaftStatus;
import dev.weft.raft.SnapshotMetadata;
import dev.weft.raft.SnapshotWriter;
import dev.weft.raft.internal.jfr.InstallSnapshotEvent;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A follower's side of snapshot transfers: it gathers a leader's {@link InstallSnapshot} chunks
 * into a {@link SnapshotWriter} of the storage, in order, so the state goes to the storage as it
 * comes and is never held whole in memory. The core sees the last chunk only once the whole
 * snapshot is here; when it installs it, the next Ready names it and {@link #take} hands the writer
 * to the replica to commit.
 *
 * <p>What it refuses, with an {@link InstallSnapshotResponse} that is not accepted and names the
 * offset it expects (0 when it has no transfer of that snapshot): a chunk at any other offset, a
 * chunk that does not start a transfer and is not part of the current one, a chunk that fails its
 * checksum. A chunk from an older term goes to the core, which answers it as the rules of terms
 * say. A snapshot that is not beyond both the commit index and the storage's snapshot is not
 * gathered: the core answers it with its commit index. A chunk at offset 0 starts a new transfer,
 * dropping the one under way.
 *
 * <p>Each transfer is one {@link InstallSnapshotEvent} ({@code receive}), from its first chunk to
 * its last, or to the point it was dropped.
 *
 * <p>Not thread-safe: the replica's thread only.
 */
final class SnapshotReceiver {
  private final String self;
  private final MutableStorage storage;
  private Transfer current;
  private Transfer complete;

  private final class Transfer {
    final String leader;
    final long term;
    final SnapshotMetadata snapshot;
    final SnapshotWriter writer;
    final InstallSnapshotEvent event = new InstallSnapshotEvent();
    long received;
    boolean recorded;

    Transfer(String leader, long term, SnapshotMetadata snapshot, SnapshotWriter writer) {
      this.leader = leader;
      this.term = term;
      this.snapshot = snapshot;
      this.writer = writer;
      event.begin();
    }

    /** Records the event once: the transfer received its last chunk, or was dropped before. */
    void record(boolean completed) {
      if (!recorded) {
        recorded = true;
        event.end();
        event.finish(
            self, leader, "receive", snapshot.index(), snapshot.term(), received, completed);
      }
    }

    boolean carries(InstallSnapshot c) {
      return leader.equals(c.from()) && term == c.term() && snapshot.equals(c.snapshot());
    }
  }

  SnapshotReceiver(String self, MutableStorage storage) {
    this.self = self;
    this.storage = storage;
  }

  /**
   * Takes a chunk: returns true if the core should see it (after it was written, for the last), and
   * adds the answer, if any, to {@code answers}.
   */
  boolean onChunk(InstallSnapshot c, RaftStatus status, java.util.List<Envelope> answers) {
    if (c.term() < status.term()) {
      return true; // the core tells the old leader the term
    }
    long held = Math.max(status.commitIndex(), storage.snapshotMetadata().index());
    if (c.snapshot().index() <= held) {
      return true; // the core answers with its commit index
    }
    boolean otherLeader =
        c.term() == status.term() && status.leader() != null && !status.leader().equals(c.from());
    if (!c.intact() || otherLeader) {
      answers.add(answer(c, status, false));
      return false;
    }
    if (c.offset() == 0) {
      discard(current);
      current = new Transfer(c.from(), c.term(), c.snapshot(), storage.beginSnapshot(c.snapshot()));
    } else if (current == null || !current.carries(c) || c.offset() != current.received) {
      answers.add(answer(c, status, false));
      return false;
    }
    try {
      current.writer.output().write(c.data());
    } catch (IOException e) {
      discard(current);
      current = null;
      throw new UncheckedIOException(e);
    }
    current.received += c.data().length;
    answers.add(answer(c, status, true));
    if (c.done()) {
      current.record(true);
      discard(complete);
      complete = current;
      current = null;
    }
    return true;
  }

  private Envelope answer(InstallSnapshot c, RaftStatus status, boolean accepted) {
    long offset = current != null && current.carries(c) ? current.received : 0;
    return new Envelope.Raft(
        new InstallSnapshotResponse(
            self,
            c.from(),
            Math.max(status.term(), c.term()),
            c.snapshot().index(),
            offset,
            accepted));
  }

  /**
   * The core installs {@code snapshot}: hands over the writer that holds it, to be committed.
   *
   * @throws IllegalStateException if no complete transfer holds that snapshot
   */
  SnapshotWriter take(SnapshotMetadata snapshot) {
    if (complete == null || !complete.snapshot.equals(snapshot)) {
      throw new IllegalStateException(
          "the core installs " + snapshot + " but no complete transfer holds it");
    }
    SnapshotWriter w = complete.writer;
    complete = null;
    return w;
  }

  /** Drops a complete transfer the core did not install (it had the entries, or ignored it). */
  void discardUninstalled() {
    discard(complete);
    complete = null;
  }

  /** Drops everything. */
  void closeAll() {
    discard(current);
    discard(complete);
    current = null;
    complete = null;
  }

  private static void discard(Transfer t) {
    if (t != null) {
      t.record(false);
      t.writer.close();
    }
  }
}
