package dev.weft.replication.chain;

import dev.weft.replication.kv.KvRequest;
import dev.weft.replication.kv.KvResult;
import dev.weft.replication.kv.KvStore;
import java.util.Objects;

/**
 * What the servers of a chain and its master say to each other. Every message between servers names
 * the view it belongs to, and a server takes nothing from a view other than its current one.
 */
public sealed interface ChainMessage {
  /**
   * An update on its way down the chain: entry {@code index} of the head's history.
   *
   * @param view the view
   * @param index the entry's position in the history, from 1
   * @param request the client's request
   * @param replyTo the client to answer (the tail answers)
   * @param result what the head computed; every server computes the same
   */
  record Update(long view, long index, KvRequest request, String replyTo, KvResult result)
      implements ChainMessage {
    /**
     * Checks the components.
     *
     * @param view the view
     * @param index the position
     * @param request the request
     * @param replyTo the client
     * @param result the head's result
     * @throws NullPointerException if a reference is null
     */
    public Update {
      Objects.requireNonNull(request, "request");
      Objects.requireNonNull(replyTo, "replyTo");
      Objects.requireNonNull(result, "result");
    }

    @Override
    public String toString() {
      return "update v" + view + " #" + index + " " + request;
    }
  }

  /**
   * The tail has processed every entry up to {@code index}; it travels from the tail towards the
   * head, one hop at a time (cumulative).
   *
   * @param view the view
   * @param index the highest entry processed by the tail, as far as the sender knows
   */
  record Ack(long view, long index) implements ChainMessage {
    @Override
    public String toString() {
      return "ack v" + view + " #" + index;
    }
  }

  /**
   * A server that has a new predecessor in {@code view} tells it what it holds, so that the
   * predecessor sends what it misses (the paper's repair of a failed middle server).
   *
   * @param view the view
   * @param length how many entries the sender's history holds, or -1 if it holds no state
   * @param hash the hash of the sender's history
   */
  record Hello(long view, long length, long hash) implements ChainMessage {
    @Override
    public String toString() {
      return "hello v" + view + " #" + length;
    }
  }

  /**
   * The predecessor's answer to {@link Hello}: the entries the successor lacks follow as {@link
   * Update}s; the successor serves reads only once it holds {@code mark} entries.
   *
   * @param view the view
   * @param mark the predecessor's history length when it answered
   */
  record Sync(long view, long mark) implements ChainMessage {
    @Override
    public String toString() {
      return "sync v" + view + " mark " + mark;
    }
  }

  /**
   * The predecessor's whole state, for a server whose history it cannot extend (a server joining as
   * the new tail); it also synchronizes, as {@link Sync} does.
   *
   * @param view the view
   * @param length the history length the image reflects
   * @param hash the hash of that history
   * @param image the store
   */
  record StateTransfer(long view, long length, long hash, KvStore.Image image)
      implements ChainMessage {
    /**
     * Checks the components.
     *
     * @param view the view
     * @param length the history length
     * @param hash its hash
     * @param image the store
     * @throws NullPointerException if {@code image} is null
     */
    public StateTransfer {
      Objects.requireNonNull(image, "image");
    }

    @Override
    public String toString() {
      return "state v" + view + " #" + length;
    }
  }

  /**
   * CRAQ: a server holding uncommitted versions of a key asks the tail which history position is
   * committed.
   *
   * @param view the view
   * @param id the asker's number for the query
   */
  record VersionQuery(long view, long id) implements ChainMessage {
    @Override
    public String toString() {
      return "version? v" + view + " q" + id;
    }
  }

  /**
   * The tail's answer to a {@link VersionQuery}: it has processed {@code index} entries.
   *
   * @param view the view
   * @param id the query's number
   * @param index the tail's history length
   */
  record VersionReply(long view, long id, long index) implements ChainMessage {
    @Override
    public String toString() {
      return "version v" + view + " q" + id + " #" + index;
    }
  }

  /**
   * A server's heartbeat to the master, which is also its request for a read lease.
   *
   * @param view the view the server is in (0 for none)
   * @param tick the server's own tick count when it sent this (the lease runs from it)
   * @param length its history length
   * @param hasState whether it holds a store
   * @param synced whether it holds everything its predecessor had when it joined this view
   */
  record Heartbeat(long view, long tick, long length, boolean hasState, boolean synced)
      implements ChainMessage {
    @Override
    public String toString() {
      return "heartbeat v" + view + " t" + tick + " #" + length + (hasState ? "" : " empty");
    }
  }

  /**
   * The master's grant of a read lease for a view, counted from the heartbeat's tick.
   *
   * @param view the view
   * @param tick the heartbeat's tick
   */
  record LeaseGrant(long view, long tick) implements ChainMessage {
    @Override
    public String toString() {
      return "lease v" + view + " t" + tick;
    }
  }
}
