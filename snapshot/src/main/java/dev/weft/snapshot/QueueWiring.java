package dev.weft.snapshot;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * Wiring over one unbounded {@link LinkedBlockingQueue} per process: every link to a process and
 * its control requests feed that one queue. A link stays FIFO because one sender's envelopes enter
 * the queue in the order it sends them.
 */
final class QueueWiring<E> implements Wiring<E> {
  private final Map<String, LinkedBlockingQueue<E>> inboxes = new HashMap<>();
  private final Set<ChannelId> channels;

  QueueWiring(Collection<String> processes, Collection<ChannelId> channels) {
    for (String p : processes) {
      inboxes.put(p, new LinkedBlockingQueue<>());
    }
    this.channels = Set.copyOf(channels);
  }

  @Override
  public Link<E> link(String from, String to) {
    if (!channels.contains(new ChannelId(from, to))) {
      throw new IllegalArgumentException("no channel " + from + "->" + to);
    }
    LinkedBlockingQueue<E> inbox = inboxes.get(to);
    return inbox::add;
  }

  @Override
  public Link<E> control(String process) {
    return inboxes.get(process)::add;
  }

  @Override
  public Inbox<E> inbox(String process) {
    return inboxes.get(process)::take;
  }
}
