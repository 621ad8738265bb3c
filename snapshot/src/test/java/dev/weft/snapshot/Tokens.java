package dev.weft.snapshot;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

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

  /** Puts a restored in-flight token back on its channel, in a restarted system. */
  interface Resend<T> {
    void resend(T system, ChannelId channel, Token token);
  }

  /**
   * Restarts the token application from {@code snapshot} through {@link GlobalSnapshot#restore}:
   * once every process's recorded tokens are known, {@code start} builds the system (fresh
   * processes and snapshot nodes); then {@code resend} puts each channel's recorded tokens back, in
   * order, before anything runs.
   */
  static <T> T restore(
      GlobalSnapshot<State, Token> snapshot,
      Function<Map<String, Integer>, T> start,
      Resend<T> resend) {
    Map<String, Integer> tokens = new HashMap<>();
    List<T> system = new ArrayList<>();
    snapshot.restore(
        new Restorer<>() {
          @Override
          public void restoreState(String process, State state) {
            tokens.put(process, state.tokens());
          }

          @Override
          public void restoreChannel(ChannelId channel, List<Token> messages) {
            if (system.isEmpty()) { // every state has been restored by now
              system.add(start.apply(tokens));
            }
            for (Token t : messages) {
              resend.resend(system.get(0), channel, t);
            }
          }
        });
    if (system.isEmpty()) { // a snapshot without channels
      system.add(start.apply(tokens));
    }
    return system.get(0);
  }
}
