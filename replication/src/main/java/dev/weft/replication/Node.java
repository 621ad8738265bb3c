package dev.weft.replication;

import java.util.List;

/**
 * A deterministic replication core: one server (or client) of a scheme, as a state machine with no
 * threads, clocks, randomness or I/O. Time is {@link #tick()}, input is {@link #receive}, output is
 * what {@link #drainOutbox()} returns; the same inputs always give the same outputs.
 *
 * <p><b>Who calls it, and on which thread.</b> One driver at a time: {@link NodeHost} in real time
 * (its event loop, one virtual thread per node), or a test on a simulated network in virtual time.
 * Calls never overlap and each happens-after the previous one. <b>Blocking.</b> No method blocks.
 * <b>Messages.</b> Whatever the network delivers may be lost, duplicated, delayed or reordered, and
 * a node copes with all of it; a message of a type the node does not know, or addressed to a view
 * it has left, is ignored. Messages are immutable values. <b>Durability.</b> The cores of this
 * module keep their state in memory: a server that crashes restarts as a new, empty node and is
 * brought back by its scheme (state transfer), except the configuration service, whose Raft log
 * lives in a {@link dev.weft.raft.MutableStorage}.
 */
public interface Node {
  /**
   * This node's name on the network.
   *
   * @return its id
   */
  String id();

  /**
   * One tick of logical time: timers, retransmissions, failure detection and leases count ticks.
   */
  void tick();

  /**
   * Hands the node a message from the network.
   *
   * @param from the sender's id
   * @param message the message; ignored if the node does not know its type
   * @throws NullPointerException if an argument is null
   */
  void receive(String from, Object message);

  /**
   * Takes the messages the node wants sent, in the order it produced them, and empties its outbox.
   * Call it after every {@link #tick()} and {@link #receive}.
   *
   * @return the messages to send; a new list, possibly empty
   */
  List<Outbound> drainOutbox();
}
