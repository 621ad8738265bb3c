package dev.weft.snapshot;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/** Processes and directed channels for scenario tests; names are p0, p1, ... */
record Topology(String name, List<String> processes, List<ChannelId> channels) {
  Topology {
    processes = List.copyOf(processes);
    channels = List.copyOf(channels);
  }

  static List<String> names(int n) {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      names.add("p" + i);
    }
    return names;
  }

  /** Two processes with a channel each way. */
  static Topology pair() {
    return new Topology(
        "pair", names(2), List.of(new ChannelId("p0", "p1"), new ChannelId("p1", "p0")));
  }

  /** Every process has a channel to every other. */
  static Topology complete(int n) {
    List<String> names = names(n);
    List<ChannelId> channels = new ArrayList<>();
    for (String from : names) {
      for (String to : names) {
        if (!from.equals(to)) {
          channels.add(new ChannelId(from, to));
        }
      }
    }
    return new Topology("complete-" + n, names, channels);
  }

  /** p0 -> p1 -> ... -> p(n-1) -> p0, one direction only. */
  static Topology ring(int n) {
    List<String> names = names(n);
    List<ChannelId> channels = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      channels.add(new ChannelId(names.get(i), names.get((i + 1) % n)));
    }
    return new Topology("ring-" + n, names, channels);
  }

  /**
   * A random strongly connected graph: a directed cycle through a random permutation (which makes
   * it strongly connected) plus each other ordered pair with probability {@code density}.
   */
  static Topology randomStronglyConnected(int n, double density, Random random) {
    List<String> names = names(n);
    List<String> order = new ArrayList<>(names);
    Collections.shuffle(order, random);
    Set<ChannelId> channels = new LinkedHashSet<>();
    for (int i = 0; i < n; i++) {
      channels.add(new ChannelId(order.get(i), order.get((i + 1) % n)));
    }
    for (String from : names) {
      for (String to : names) {
        if (!from.equals(to) && random.nextDouble() < density) {
          channels.add(new ChannelId(from, to));
        }
      }
    }
    return new Topology("random-" + n, names, new ArrayList<>(channels));
  }

  List<String> incoming(String process) {
    return channels.stream().filter(c -> c.to().equals(process)).map(ChannelId::from).toList();
  }

  List<String> outgoing(String process) {
    return channels.stream().filter(c -> c.from().equals(process)).map(ChannelId::to).toList();
  }
}
