package dev.weft.snapshot;

import java.util.Map;
import java.util.TreeMap;

/** The token-passing application of the scenario tests: its messages and recorded state. */
final class Tokens {
  private Tokens() {}

  /** A message carrying {@code amount} tokens; {@code id} is unique in a run. */
  record Token(long id, int amount) {}

  /** What travels on a channel: a token message, or a marker when {@code token} is null. */
  record Envelope(Token token, long snapshotId) {
    static Envelope of(Token token) {
      return new Envelope(token, -1);
    }

    static Envelope marker(long snapshotId) {
      return new Envelope(null, snapshotId);
    }

    boolean isMarker() {
      return token == null;
    }

    @Override
    public String toString() {
      return isMarker() ? "marker " + snapshotId : "token#" + token.id() + "x" + token.amount();
    }
  }

  /**
   * A process's recorded state: its tokens, and how many messages it had sent on each outgoing
   * channel and received on each incoming one. The counts let a test compute, from the snapshot
   * alone, which messages each channel state must hold.
   */
  record State(int tokens, Map<String, Long> sent, Map<String, Long> received) {
    State {
      sent = Map.copyOf(new TreeMap<>(sent));
      received = Map.copyOf(new TreeMap<>(received));
    }
  }

  /** Sums tokens held by processes and in flight in {@code snapshot}. */
  static long total(GlobalSnapshot<State, Token> snapshot) {
    long total = 0;
    for (State s : snapshot.states().values()) {
      total += s.tokens();
    }
    for (var messages : snapshot.channels().values()) {
      for (Token t : messages) {
        total += t.amount();
      }
    }
    return total;
  }
}
