package dev.weft.replication.chain;

import dev.weft.replication.View;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The two invariants of chain replication (van Renesse and Schneider, OSDI 2004, §3), as executable
 * checks over the servers' {@linkplain ChainServer#inspect() inspections}: a test runs them after
 * every event of a simulated run, a demonstration after every step.
 *
 * {@snippet :
 * List<String> broken = ChainInvariants.check(view, inspections);  // empty when both hold
 * }
 *
 * <p>The checks read each server through {@link ServerState}. The chain checked is {@code view}'s
 * members in order, then its joining server, keeping those that are up and hold state (a joining
 * server only once it has synchronized: before that it holds nothing it could answer from). For
 * each server {@code i} and the next one {@code j}:
 *
 * <ul>
 *   <li><b>Update propagation</b>: {@code Hist_j} is a prefix of {@code Hist_i} (the same entries
 *       at the same positions; compared by the hash of each prefix).
 *   <li><b>In-process requests</b>: {@code Sent_i}, the entries {@code i} has forwarded and not
 *       seen acknowledged, is exactly the suffix of {@code Hist_i} after the acknowledged prefix,
 *       and that prefix has been processed by the last server: {@code Hist_i = Hist_tail ⊕ Sent_i}
 *       with the tail's acknowledgments still travelling counted in {@code Sent_i}. So {@code
 *       Hist_i − Hist_j ⊆ Sent_i}: what the successor lacks is what {@code i} resends in a repair.
 * </ul>
 *
 * <p>The paper states the second invariant as an equality for a system whose acknowledgments arrive
 * at once; with acknowledgments in flight the equality holds only when none is, and what is checked
 * here is the two inclusions it consists of, which are what the repair relies on.
 */
public final class ChainInvariants {
  private ChainInvariants() {}

  /**
   * What the checks read of a server: {@link ServerState} (a copy, taken on the server's own
   * thread) is one; a simulation may read a live server instead.
   */
  public interface ServerState {
    /**
     * The server's id.
     *
     * @return the id
     */
    String id();

    /**
     * The number of the view the server is in.
     *
     * @return the number, 0 for none
     */
    long view();

    /**
     * Whether the server holds a store.
     *
     * @return true if it does
     */
    boolean hasState();

    /**
     * Whether it holds its predecessor's mark in its view.
     *
     * @return true once synchronized
     */
    boolean synced();

    /**
     * Its history's length.
     *
     * @return the number of entries
     */
    long length();

    /**
     * The highest entry its successor has acknowledged (its length at the end of the ack path).
     *
     * @return the acknowledged prefix's length
     */
    long acked();

    /**
     * Whether the hash of the history's first {@code n} entries is kept.
     *
     * @param n a history length
     * @return true if {@link #hashAt} may be asked for it
     */
    boolean hasHashAt(long n);

    /**
     * The hash of the history's first {@code n} entries.
     *
     * @param n a history length for which {@link #hasHashAt} is true
     * @return the hash
     */
    long hashAt(long n);

    /**
     * How many entries its {@code Sent} holds.
     *
     * @return the count
     */
    int sentCount();

    /**
     * The history position of the {@code i}th entry of {@code Sent}.
     *
     * @param i from 0
     * @return the position
     */
    long sentIndex(int i);

    /**
     * The history hash after the {@code i}th entry of {@code Sent}.
     *
     * @param i from 0
     * @return the hash
     */
    long sentHash(int i);
  }

  /**
   * Checks both invariants.
   *
   * @param view the chain's current view
   * @param servers the inspections of the servers that are up, by id
   * @return a description of each violation; empty if both invariants hold
   */
  public static List<String> check(View view, Map<String, ? extends ServerState> servers) {
    List<ServerState> chain = new ArrayList<>();
    for (String m : view.members()) {
      ServerState s = servers.get(m);
      if (s != null && s.hasState()) {
        chain.add(s);
      }
    }
    if (view.joining() != null) {
      ServerState j = servers.get(view.joining());
      if (j != null && j.hasState() && j.synced() && j.view() == view.number()) {
        chain.add(j);
      }
    }
    List<String> broken = new ArrayList<>();
    if (chain.isEmpty()) {
      return broken;
    }
    ServerState last = chain.get(chain.size() - 1);
    for (int k = 0; k + 1 < chain.size(); k++) {
      ServerState i = chain.get(k);
      ServerState j = chain.get(k + 1);
      checkPrefix(i, j, broken);
      checkSent(i, last, broken);
    }
    return broken;
  }

  private static void checkPrefix(ServerState i, ServerState j, List<String> broken) {
    if (j.length() > i.length()) {
      broken.add(
          "update propagation: "
              + j.id()
              + " holds "
              + j.length()
              + " entries, more than its predecessor "
              + i.id()
              + " ("
              + i.length()
              + ")");
    } else if (!i.hasHashAt(j.length())) {
      broken.add(
          "in-process requests: "
              + i.id()
              + " released entries up to "
              + i.acked()
              + " that its successor "
              + j.id()
              + " does not hold (it has "
              + j.length()
              + ")");
    } else if (i.hashAt(j.length()) != j.hashAt(j.length())) {
      broken.add(
          "update propagation: the first "
              + j.length()
              + " entries of "
              + j.id()
              + " differ from those of its predecessor "
              + i.id());
    }
  }

  private static void checkSent(ServerState i, ServerState last, List<String> broken) {
    int sent = i.sentCount();
    if (sent != i.length() - i.acked()) {
      broken.add(
          "in-process requests: "
              + i.id()
              + " has "
              + sent
              + " entries in Sent but "
              + (i.length() - i.acked())
              + " unacknowledged");
      return;
    }
    for (int n = 0; n < sent; n++) {
      long index = i.sentIndex(n);
      if (index != i.acked() + 1 + n) {
        broken.add(
            "in-process requests: " + i.id() + "'s Sent is not the suffix after " + i.acked());
        return;
      }
      if (!i.hasHashAt(index) || i.hashAt(index) != i.sentHash(n)) {
        broken.add("in-process requests: entry " + index + " of " + i.id() + "'s Sent differs");
        return;
      }
    }
    if (i.acked() > last.length()) {
      broken.add(
          "in-process requests: "
              + i.id()
              + " took entries up to "
              + i.acked()
              + " as processed by the tail, but "
              + last.id()
              + " holds only "
              + last.length());
    }
  }
}
