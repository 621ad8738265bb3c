package dev.weft.examples.kv.grpc;

import java.net.InetSocketAddress;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The members of a cluster and their addresses, as written on a command line: {@code
 * a=127.0.0.1:7001,b=127.0.0.1:7002,c=127.0.0.1:7003}. Order is kept.
 *
 * @param addresses each node's id and address (a node's Raft port, which also serves clients)
 */
public record Peers(Map<String, InetSocketAddress> addresses) {
  /**
   * Checks and copies the map.
   *
   * @param addresses each node's id and address
   * @throws IllegalArgumentException if there are none
   */
  public Peers {
    if (addresses.isEmpty()) {
      throw new IllegalArgumentException("no peers");
    }
    addresses = Collections.unmodifiableMap(new LinkedHashMap<>(addresses));
  }

  /**
   * Parses {@code id=host:port,id=host:port,...}.
   *
   * @param text the list
   * @return the peers
   * @throws IllegalArgumentException naming the bad item, if an item is not {@code id=host:port}, a
   *     port is out of range or an id repeats
   */
  public static Peers parse(String text) {
    Objects.requireNonNull(text, "text");
    Map<String, InetSocketAddress> m = new LinkedHashMap<>();
    for (String item : text.split(",", -1)) {
      int eq = item.indexOf('=');
      int colon = item.lastIndexOf(':');
      if (eq < 1 || colon < eq + 2 || colon == item.length() - 1) {
        throw new IllegalArgumentException("not id=host:port: \"" + item + "\" in " + text);
      }
      String id = item.substring(0, eq);
      InetSocketAddress address = address(item.substring(eq + 1));
      if (m.put(id, address) != null) {
        throw new IllegalArgumentException("node " + id + " named twice in " + text);
      }
    }
    return new Peers(m);
  }

  /**
   * Parses {@code host:port} (an IPv6 host in brackets).
   *
   * @param text the address
   * @return the unresolved-if-need-be address
   * @throws IllegalArgumentException if it is not {@code host:port} with a port in 0..65535
   */
  public static InetSocketAddress address(String text) {
    int colon = text.lastIndexOf(':');
    if (colon < 1) {
      throw new IllegalArgumentException("not host:port: \"" + text + "\"");
    }
    String host = text.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(text.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("bad port in \"" + text + "\"", e);
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port out of range in \"" + text + "\"");
    }
    return new InetSocketAddress(host, port);
  }

  /**
   * The node ids, in order.
   *
   * @return the ids
   */
  public List<String> ids() {
    return List.copyOf(addresses.keySet());
  }

  /**
   * A node's address.
   *
   * @param id the node
   * @return its address
   * @throws IllegalArgumentException if {@code id} is not a member
   */
  public InetSocketAddress addressOf(String id) {
    InetSocketAddress a = addresses.get(id);
    if (a == null) {
      throw new IllegalArgumentException("node " + id + " is not among the peers " + ids());
    }
    return a;
  }
}
