package dev.weft.playground;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.weft.clocks.VectorClock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Two processes: A sends m1 (1 token) to B as its 1st event, then m2 (2 tokens) as its 2nd; B
 * receives m1 as its 1st event. Each starts with 10 tokens.
 */
class CutCheckTest {
  private static final VectorClock A1 = VectorClock.empty().increment("A");
  private static final VectorClock A2 = A1.increment("A");
  private static final VectorClock B1 = VectorClock.empty().merge(A1).increment("B");
  private static final List<CutCheck.Transfer> HISTORY =
      List.of(
          new CutCheck.Transfer(1, "A", "B", 1, 1, 1), new CutCheck.Transfer(2, "A", "B", 2, 2, 0));

  private static List<CutCheck.Result> check(
      CutCheck.Point a, CutCheck.Point b, List<Long> inFlight, int tokens) {
    return CutCheck.check(
        List.of("A", "B"),
        Map.of("A", a, "B", b),
        List.of(
            new CutCheck.Recorded("A", "B", inFlight, tokens),
            new CutCheck.Recorded("B", "A", List.of(), 0)),
        HISTORY,
        20);
  }

  @Test
  void aConsistentCutPassesEveryCheck() {
    // A recorded after both sends, B after receiving m1: m2 is in flight.
    List<CutCheck.Result> r =
        check(new CutCheck.Point(2, A2, 7), new CutCheck.Point(1, B1, 11), List.of(2L), 2);
    assertEquals(List.of(true, true, true), r.stream().map(CutCheck.Result::ok).toList(), "" + r);
  }

  @Test
  void aReceiveInsideTheCutWhoseSendIsOutsideIsCaught() {
    // A recorded before sending m1, B after receiving it.
    List<CutCheck.Result> r =
        check(
            new CutCheck.Point(0, VectorClock.empty(), 10),
            new CutCheck.Point(1, B1, 11),
            List.of(),
            0);
    assertEquals(false, r.get(0).ok(), r.get(0).toString());
    assertEquals(false, r.get(2).ok(), "21 tokens counted: " + r.get(2));
  }

  @Test
  void aChannelMissingAMessageIsCaught() {
    List<CutCheck.Result> r =
        check(new CutCheck.Point(2, A2, 7), new CutCheck.Point(1, B1, 11), List.of(), 0);
    assertEquals(true, r.get(0).ok());
    assertEquals(false, r.get(1).ok(), r.get(1).toString());
    assertEquals(false, r.get(2).ok());
  }
}
