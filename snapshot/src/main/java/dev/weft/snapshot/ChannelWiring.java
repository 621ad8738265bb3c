package dev.weft.snapshot;

import dev.weft.chan.Channel;
import dev.weft.chan.Select;
import dev.weft.chan.SelectClause;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Wiring over weft's own channels: one {@link Channel#unlimited() unlimited} channel per link
 * (FIFO, and a send never blocks, so processes that send to each other cannot deadlock), one more
 * per process for the runner's requests, and a {@link Select} over a process's incoming channels
 * and its request channel to wait for the next envelope. Among channels ready at once the select
 * chooses at random, so a busy link cannot starve the others.
 */
final class ChannelWiring<E> implements Wiring<E> {
  private final Map<ChannelId, Channel<E>> links = new HashMap<>();
  private final Map<String, Channel<E>> controls = new HashMap<>();
  private final Map<String, List<SelectClause<E>>> clauses = new HashMap<>();

  ChannelWiring(Collection<String> processes, Collection<ChannelId> channels) {
    Function<E, E> same = e -> e;
    for (String p : processes) {
      Channel<E> control = Channel.unlimited();
      controls.put(p, control);
      List<SelectClause<E>> inbox = new ArrayList<>();
      inbox.add(control.onReceive(same));
      clauses.put(p, inbox);
    }
    for (ChannelId c : channels) {
      Channel<E> link = Channel.unlimited();
      links.put(c, link);
      clauses.get(c.to()).add(link.onReceive(same));
    }
  }

  @Override
  public Link<E> link(String from, String to) {
    Channel<E> link = links.get(new ChannelId(from, to));
    if (link == null) {
      throw new IllegalArgumentException("no channel " + from + "->" + to);
    }
    return e -> put(link, e);
  }

  @Override
  public Link<E> control(String process) {
    Channel<E> control = controls.get(process);
    return e -> put(control, e);
  }

  private static <E> void put(Channel<E> channel, E envelope) {
    if (!channel.trySend(envelope)) { // an unlimited channel always has room
      throw new IllegalStateException("unlimited channel refused a value: " + channel);
    }
  }

  @Override
  public Inbox<E> inbox(String process) {
    List<SelectClause<E>> select = List.copyOf(clauses.get(process));
    return () -> Select.select(select);
  }
}
