package dev.weft.playground;

import dev.weft.clocks.VectorClock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Checks a recorded global snapshot against what really happened, in three ways.
 *
 * <ol>
 *   <li><b>Consistent cut</b>, by vector clocks (Mattern 1989): the cut is consistent if and only
 *       if no process's recorded state has seen more of another process's events than that process
 *       had when it recorded, that is {@code V_q[p] <= V_p[p]} for all processes {@code p, q},
 *       where {@code V_p} is {@code p}'s vector clock when it recorded. Otherwise some message was
 *       received inside the cut but sent outside it.
 *   <li><b>Channel states</b>: each channel's recorded messages are exactly those its sender sent
 *       before recording and its receiver received after recording, in order (Chandy and Lamport,
 *       ACM TOCS 1985, section 3).
 *   <li><b>Conservation</b>: tokens held plus tokens in the recorded channels make the total.
 * </ol>
 *
 * <p>Pure: it is given the recording points and the true history, not the run.
 */
final class CutCheck {
  /** A process's recording: how many of its events came before, and its vector clock then. */
  record Point(int eventsBefore, VectorClock vector, int tokens) {}

  /**
   * A transfer as it really happened: the ordinal of its send event at the sender and of its
   * receive event at the receiver (0 if not received), both counted from 1.
   */
  record Transfer(long id, String from, String to, int amount, int sendAt, int receiveAt) {}

  /** A recorded message on a channel. */
  record Recorded(String from, String to, List<Long> ids, int tokens) {}

  /** The verdict on one property. */
  record Result(String name, boolean ok, String detail) {}

  private CutCheck() {}

  static List<Result> check(
      List<String> processes,
      Map<String, Point> cut,
      List<Recorded> channels,
      List<Transfer> history,
      int totalTokens) {
    List<Result> out = new ArrayList<>();
    out.add(consistency(processes, cut));
    out.add(channelStates(channels, history, cut));
    out.add(conservation(cut, channels, totalTokens));
    return out;
  }

  private static Result consistency(List<String> processes, Map<String, Point> cut) {
    for (String p : processes) {
      long own = cut.get(p).vector().get(p);
      for (String q : processes) {
        long seen = cut.get(q).vector().get(p);
        if (seen > own) {
          return new Result(
              "Consistent cut",
              false,
              q
                  + "'s recorded state has seen "
                  + seen
                  + " events of "
                  + p
                  + ", but "
                  + p
                  + " recorded after "
                  + own
                  + ": a message received inside the cut was sent outside it");
        }
      }
    }
    return new Result(
        "Consistent cut",
        true,
        "no process has seen more of another's events than that one recorded (vector clocks)");
  }

  private static Result channelStates(
      List<Recorded> channels, List<Transfer> history, Map<String, Point> cut) {
    int messages = 0;
    for (Recorded c : channels) {
      List<Long> expected = new ArrayList<>();
      for (Transfer t : history) {
        if (t.from().equals(c.from())
            && t.to().equals(c.to())
            && t.sendAt() <= cut.get(c.from()).eventsBefore()
            && (t.receiveAt() == 0 || t.receiveAt() > cut.get(c.to()).eventsBefore())) {
          expected.add(t.id());
        }
      }
      if (!expected.equals(c.ids())) {
        return new Result(
            "Channel states",
            false,
            c.from()
                + "->"
                + c.to()
                + " recorded "
                + c.ids()
                + " but the messages that crossed the cut were "
                + expected);
      }
      messages += expected.size();
    }
    return new Result(
        "Channel states",
        true,
        "each channel holds exactly the "
            + (messages == 1 ? "message" : "messages")
            + " that crossed the cut ("
            + messages
            + " in all)");
  }

  private static Result conservation(
      Map<String, Point> cut, List<Recorded> channels, int totalTokens) {
    int held = 0;
    for (Point p : cut.values()) {
      held += p.tokens();
    }
    int moving = 0;
    for (Recorded c : channels) {
      moving += c.tokens();
    }
    return new Result(
        "Tokens conserved",
        held + moving == totalTokens,
        held + " held + " + moving + " in channels = " + (held + moving) + " of " + totalTokens);
  }
}
