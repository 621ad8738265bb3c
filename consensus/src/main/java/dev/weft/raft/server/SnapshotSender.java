package dev.weft.raft.server;

import dev.weft.raft.MutableStorage;
import dev.weft.raft.RaftMessage.InstallSnapshot;
import dev.weft.raft.RaftMessage.InstallSnapshotResponse;
import dev.weft.raft.SnapshotMetadata;
import dev.weft.raft.SnapshotReader;
import dev.weft.raft.internal.jfr.InstallSnapshotEvent;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A leader's snapshot transfers: for each follower its core asked to send the snapshot to ({@link
 * InstallSnapshot#request}), a stream opened on the storage's snapshot and sent in chunks, at most
 * {@link SnapshotPolicy#chunksInFlight()} of them unacknowledged. A chunk is read only when the
 * window has room, so a transfer holds one chunk in memory here and the window's worth on the
 * network, whatever the snapshot's size; the loop sends a window's worth per turn and goes on with
 * its other work in between.
 *
 * <p>A refused chunk (the follower lost one, or restarted) makes the transfer resume from the
 * offset the follower names, reopening the snapshot if it must go back. A transfer ends when every
 * chunk is acknowledged, when the core asks again (it gave up on it), when it goes unanswered for
 * {@code idleTicks}, or when this replica stops leading. Each transfer is one {@link
 * InstallSnapshotEvent} ({@code send}), from its start to its end, completed or not.
 *
 * <p>Not thread-safe: the replica's thread only.
 */
final class SnapshotSender {
  private final String self;
  private final MutableStorage storage;
  private final SnapshotPolicy policy;
  private final long idleTicks;
  private final Map<String, Transfer> transfers = new LinkedHashMap<>();

  /** Ticks without an acknowledgement after which the unacknowledged chunks are sent again. */
  private static final long RETRANSMIT_TICKS = 3;

  private final class Transfer {
    final String to;
    final long term;
    final InstallSnapshotEvent event = new InstallSnapshotEvent();
    SnapshotReader reader;
    SnapshotMetadata snapshot;
    long size;
    long sent;
    long acked;
    long lastHeard;
    long lastProgress;
    long lastRewind = -1;

    Transfer(String to, long term, long now) {
      this.to = to;
      this.term = term;
      this.lastHeard = now;
      this.lastProgress = now;
      event.begin();
      open(0);
    }

    /** Opens the storage's snapshot, positioned at {@code offset} (0 if the snapshot changed). */
    void open(long offset) {
      close();
      reader = storage.openSnapshot();
      SnapshotMetadata was = snapshot;
      snapshot = reader.metadata();
      size = reader.size();
      long from = was == null || !was.equals(snapshot) ? 0 : Math.min(offset, size);
      try {
        reader.input().skipNBytes(from);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      sent = from;
      acked = from;
    }

    boolean finished() {
      return acked >= size && sent >= size && sentDone;
    }

    boolean sentDone;

    void close() {
      if (reader != null) {
        reader.close();
        reader = null;
      }
    }

    /** Ends the transfer: closes the snapshot and records the event (acknowledged bytes). */
    void end() {
      end(false);
    }

    /**
     * Ends the transfer; {@code reached}: the follower holds the snapshot's index, which with every
     * chunk sent means it installed the snapshot, even if the last acknowledgement came after.
     */
    void end(boolean reached) {
      close();
      event.end();
      boolean completed = sentDone && (acked >= size || reached);
      event.finish(self, to, "send", snapshot.index(), snapshot.term(), acked, completed);
    }
  }

  SnapshotSender(String self, MutableStorage storage, SnapshotPolicy policy, long idleTicks) {
    this.self = self;
    this.storage = storage;
    this.policy = policy;
    this.idleTicks = idleTicks;
  }

  /** The core asks for the snapshot to be sent: start (or start again) a transfer. */
  void start(InstallSnapshot request, long now) {
    Transfer old = transfers.remove(request.to());
    if (old != null) {
      old.end();
    }
    transfers.put(request.to(), new Transfer(request.to(), request.term(), now));
  }

  /** A follower answered a chunk. */
  void onResponse(InstallSnapshotResponse r, long now) {
    Transfer t = transfers.get(r.from());
    if (t == null || r.index() != t.snapshot.index() || r.offset() > t.size) {
      return; // for an older transfer, or impossible
    }
    t.lastHeard = now;
    if (r.accepted()) {
      if (r.offset() > t.acked) {
        t.acked = r.offset();
        t.lastProgress = now;
      }
      if (t.finished()) {
        transfers.remove(r.from()).end();
      }
    } else if (r.offset() != t.acked || t.lastRewind != now) {
      // resume where the follower stands: at once if that is not where this side thinks it is
      // (it restarted, or acknowledgements were lost); for a lost chunk, at most once a tick, since
      // the chunks sent after it are refused too, each naming the same offset
      rewind(t, r.offset(), now);
    }
  }

  /** The follower acknowledged entries up to {@code index}: a transfer it no longer needs ends. */
  void onAppended(String from, long index) {
    Transfer t = transfers.get(from);
    if (t != null && index >= t.snapshot.index()) {
      transfers.remove(from).end(true);
    }
  }

  /**
   * Sends what the windows allow, ends idle transfers; all of them if {@code leading} is false.
   *
   * @param out where the chunks go
   */
  void pump(boolean leading, long term, long now, List<Envelope> out) {
    for (Iterator<Transfer> it = transfers.values().iterator(); it.hasNext(); ) {
      Transfer t = it.next();
      if (!leading || t.term != term || now - t.lastHeard > idleTicks) {
        t.end();
        it.remove();
        continue;
      }
      if (t.sent > t.acked && now - t.lastProgress >= RETRANSMIT_TICKS) {
        rewind(t, t.acked, now); // go back N: the chunks after the last acknowledged were lost
      }
      while (!t.sentDone
          && t.sent - t.acked < (long) policy.chunkBytes() * policy.chunksInFlight()) {
        out.add(new Envelope.Raft(next(t)));
      }
    }
  }

  private static void rewind(Transfer t, long offset, long now) {
    t.sentDone = false;
    t.open(offset); // reopens the snapshot to go back
    t.lastRewind = now;
    t.lastProgress = now;
  }

  private InstallSnapshot next(Transfer t) {
    int n = (int) Math.min(policy.chunkBytes(), t.size - t.sent);
    byte[] data;
    try {
      InputStream in = t.reader.input();
      data = in.readNBytes(n);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (data.length != n) {
      throw new IllegalStateException(
          "snapshot "
              + t.snapshot.index()
              + " ended at "
              + (t.sent + data.length)
              + " of "
              + t.size);
    }
    long offset = t.sent;
    t.sent += n;
    t.sentDone = t.sent == t.size;
    return InstallSnapshot.chunk(self, t.to, t.term, t.snapshot, offset, data, t.sentDone);
  }

  /** Transfers under way. */
  int size() {
    return transfers.size();
  }

  /** Ends every transfer. */
  void closeAll() {
    transfers.values().forEach(Transfer::end);
    transfers.clear();
  }
}
