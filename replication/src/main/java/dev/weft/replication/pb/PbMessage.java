package dev.weft.replication.pb;

import dev.weft.replication.kv.KvRequest;
import dev.weft.replication.kv.KvStore;
import java.util.Objects;

/**
 * What a primary and its backup say to each other. Every message names the view it belongs to; a
 * backup takes nothing from a view other than its current one.
 */
public sealed interface PbMessage {
  /**
   * The view the message belongs to.
   *
   * @return its number
   */
  long view();

  /**
   * An operation the primary has applied, for the backup to apply in the same order.
   *
   * @param view the view
   * @param index the operation's position in the primary's order, from the state transfer's index +
   *     1
   * @param request the client's request
   */
  record Forward(long view, long index, KvRequest request) implements PbMessage {
    /**
     * Checks the components.
     *
     * @param view the view
     * @param index the position
     * @param request the request
     * @throws NullPointerException if {@code request} is null
     */
    public Forward {
      Objects.requireNonNull(request, "request");
    }

    @Override
    public String toString() {
      return "forward v" + view + " #" + index + " " + request;
    }
  }

  /**
   * The primary's whole state, for a new backup, as of operation {@code index}.
   *
   * @param view the view
   * @param index the last operation the image includes
   * @param image the state
   */
  record StateTransfer(long view, long index, KvStore.Image image) implements PbMessage {
    /**
     * Checks the components.
     *
     * @param view the view
     * @param index the last operation included
     * @param image the state
     * @throws NullPointerException if {@code image} is null
     */
    public StateTransfer {
      Objects.requireNonNull(image, "image");
    }

    @Override
    public String toString() {
      return "state v" + view + " #" + index;
    }
  }

  /**
   * The primary is alive (sent when it has nothing else to send).
   *
   * @param view the view
   */
  record Ping(long view) implements PbMessage {
    @Override
    public String toString() {
      return "ping v" + view;
    }
  }

  /**
   * The backup has applied every operation up to {@code index} (cumulative), state transfer
   * included.
   *
   * @param view the view
   * @param index the highest operation applied with no gap before it
   */
  record Ack(long view, long index) implements PbMessage {
    @Override
    public String toString() {
      return "ack v" + view + " #" + index;
    }
  }

  /**
   * The backup refuses a message from a view that is not its current one.
   *
   * @param view the backup's current view (0 if it knows none)
   */
  record Refuse(long view) implements PbMessage {
    @Override
    public String toString() {
      return "refuse, in v" + view;
    }
  }
}
