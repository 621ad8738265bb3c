package dev.weft.snapshot;

import dev.weft.snapshot.Tokens.Envelope;
import dev.weft.snapshot.Tokens.State;
import dev.weft.snapshot.Tokens.Token;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One process of the token-passing application over any transport: holds tokens, sends some to a
 * neighbour, receives some, and runs a {@link SnapshotNode} in its message path. Single-threaded,
 * like a process of the simulator or of the data-file harness.
 */
final class TokenProcess {
  /** Where a process's envelopes go. */
  interface Transport {
    void send(String from, String to, Envelope envelope);
  }

  /** Hands out message ids, unique within one run. */
  static final class Ids {
    private long next;

    long next() {
      return next++;
    }

    /** Makes later ids greater than {@code id}. */
    void skipPast(long id) {
      next = Math.max(next, id + 1);
    }
  }

  final String name;
  final SnapshotNode<State, Token> node;
  private final Transport transport;
  private final Ids ids;
  private final Map<String, Long> sent = new HashMap<>();
  private final Map<String, Long> received = new HashMap<>();
  private int tokens;
  private int recordings;

  TokenProcess(
      String name,
      int tokens,
      List<String> incoming,
      List<String> outgoing,
      Transport transport,
      Ids ids,
      Consumer<LocalSnapshot<State, Token>> onLocalSnapshot) {
    this.name = name;
    this.tokens = tokens;
    this.transport = transport;
    this.ids = ids;
    for (String to : outgoing) {
      sent.put(to, 0L);
    }
    for (String from : incoming) {
      received.put(from, 0L);
    }
    this.node =
        new SnapshotNode<>(
            name,
            incoming,
            outgoing,
            () -> {
              recordings++;
              return state();
            },
            (to, id) -> transport.send(name, to, Envelope.marker(id)),
            onLocalSnapshot);
  }

  int tokens() {
    return tokens;
  }

  State state() {
    return new State(tokens, sent, received);
  }

  /** This process initiates snapshot {@code snapshotId}. */
  void startSnapshot(long snapshotId) {
    node.startSnapshot(snapshotId);
  }

  /** Sends {@code amount} tokens to {@code to}. */
  void send(String to, int amount) {
    if (amount <= 0 || amount > tokens) {
      throw new IllegalArgumentException(name + " cannot send " + amount + " of " + tokens);
    }
    tokens -= amount;
    sent.merge(to, 1L, Long::sum);
    transport.send(name, to, Envelope.of(new Token(ids.next(), amount)));
  }

  /** Re-sends a token recorded in flight, as the restored sender's earlier message. */
  void resend(String to, Token token) {
    sent.merge(to, 1L, Long::sum);
    transport.send(name, to, Envelope.of(token));
  }

  /** Handles an envelope that arrived from {@code from}. */
  void receive(String from, Envelope envelope) {
    if (envelope.isMarker()) {
      node.onMarker(from, envelope.snapshotId());
    } else {
      node.onMessage(from, envelope.token());
      tokens += envelope.token().amount();
      received.merge(from, 1L, Long::sum);
    }
  }

  /** How many times the node asked for this process's state: once per snapshot it recorded. */
  int recordings() {
    return recordings;
  }
}
