package dev.weft.playground;

import dev.weft.testkit.sim.Link;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;

/**
 * The messages in flight on a simulated network, for drawing: each link is wrapped ({@link #tap})
 * so that the delivery times it draws for a send are seen, and each delivery is matched to its
 * flight by the identity of the message object.
 *
 * <p>The network is told nothing of this: a tapped link returns what its inner link returns, from
 * the same random draws, so a run is the same with or without the playground watching.
 *
 * @param <M> the type of messages
 */
final class Flights<M> {
  /** A message copy on its way: who sent it to whom, when, and when it is due. */
  record Flight<M>(long id, String from, String to, M message, long sent, long arrive) {}

  /** A copy that reached its due time without being delivered (a partition, a crash). */
  record Lost(String from, String to, long time) {}

  private static final int LOST_KEPT = 24;

  private final List<Flight<M>> flights = new ArrayList<>();
  private final List<Lost> lost = new ArrayList<>();
  private long[] drawn;
  private long next = 1;

  /** Wraps {@code inner} so that the times it draws are seen by {@link #sent}. */
  Link tap(Link inner) {
    return new Link() {
      @Override
      public long[] deliveries(long now, Random random) {
        long[] times = inner.deliveries(now, random);
        drawn = times.clone();
        return times;
      }

      @Override
      public String toString() {
        return inner.toString();
      }
    };
  }

  /**
   * Records the copies of a message just handed to the network's {@code send}; a message the
   * network dropped before asking its link adds nothing.
   *
   * @return the flights added
   */
  List<Flight<M>> sent(String from, String to, M message, long now) {
    List<Flight<M>> added = new ArrayList<>();
    if (drawn != null) {
      for (long at : drawn) {
        Flight<M> f = new Flight<>(next++, from, to, message, now, at);
        flights.add(f);
        added.add(f);
      }
      drawn = null;
    }
    return added;
  }

  /**
   * Removes the flight of a message being delivered now.
   *
   * @return its id, or -1 if it was not seen leaving
   */
  long delivered(String from, M message) {
    for (Iterator<Flight<M>> it = flights.iterator(); it.hasNext(); ) {
      Flight<M> f = it.next();
      if (f.message() == message && f.from().equals(from)) {
        it.remove();
        return f.id();
      }
    }
    return -1;
  }

  /**
   * Forgets copies due before {@code horizon} that were not delivered: the network dropped them.
   *
   * @param horizon the time of the next pending event: every delivery due before it has run
   */
  void expire(long horizon) {
    for (Iterator<Flight<M>> it = flights.iterator(); it.hasNext(); ) {
      Flight<M> f = it.next();
      if (f.arrive() < horizon) {
        it.remove();
        if (lost.size() == LOST_KEPT) {
          lost.remove(0);
        }
        lost.add(new Lost(f.from(), f.to(), f.arrive()));
      }
    }
  }

  List<Flight<M>> inFlight() {
    return List.copyOf(flights);
  }

  List<Lost> lost() {
    return List.copyOf(lost);
  }
}
