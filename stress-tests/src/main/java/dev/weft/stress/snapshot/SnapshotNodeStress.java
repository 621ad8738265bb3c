package dev.weft.stress.snapshot;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;

import dev.weft.snapshot.LocalSnapshot;
import dev.weft.snapshot.SnapshotNode;
import java.util.List;
import java.util.Map;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;
import org.openjdk.jcstress.infra.results.I_Result;

/** SnapshotNode under threads calling it at once. */
public class SnapshotNodeStress {
  private SnapshotNodeStress() {}

  /**
   * The only two markers of a snapshot arrive at once, on the node's two incoming channels, from
   * two threads. One of them records the state and the other completes the local snapshot: the
   * state is recorded exactly once, the local snapshot reported exactly once, and both channels'
   * states are empty (each channel's marker came before anything else on it).
   */
  @JCStressTest
  @Outcome(
      id = "1, 1, 0",
      expect = ACCEPTABLE,
      desc = "recorded once, reported once, nothing recorded in flight")
  @State
  public static class RacingMarkers {
    private int recordings;
    private volatile LocalSnapshot<String, String> reported;
    private volatile int reports;
    private final SnapshotNode<String, String> node =
        new SnapshotNode<>(
            "x",
            List.of("a", "b"),
            List.of("a"),
            () -> {
              recordings++; // under the node's lock
              return "state";
            },
            (to, id) -> {},
            local -> {
              reported = local;
              reports++;
            });

    @Actor
    public void markerFromA() {
      node.onMarker("a", 1);
    }

    @Actor
    public void markerFromB() {
      node.onMarker("b", 1);
    }

    @Arbiter
    public void check(III_Result r) {
      r.r1 = recordings;
      r.r2 = reports;
      LocalSnapshot<String, String> local = reported;
      r.r3 =
          local == null || !local.incoming().equals(Map.of("a", List.of(), "b", List.of()))
              ? -1
              : 0;
    }
  }

  /**
   * A marker on channel a (the first, so it records) races with a message on channel b. Either the
   * message came first (not recorded) or after the recording (recorded as in flight on b); then b's
   * marker completes the snapshot. Never recorded twice, never lost by the node.
   */
  @JCStressTest
  @Outcome(id = "0", expect = ACCEPTABLE, desc = "the message was handled before the recording")
  @Outcome(id = "1", expect = ACCEPTABLE, desc = "the message arrived after the recording")
  @State
  public static class MarkerAndMessage {
    private volatile LocalSnapshot<String, String> reported;
    private final SnapshotNode<String, String> node =
        new SnapshotNode<>(
            "x", List.of("a", "b"), List.of(), () -> "state", (to, id) -> {}, l -> reported = l);

    @Actor
    public void marker() {
      node.onMarker("a", 1);
    }

    @Actor
    public void message() {
      node.onMessage("b", "m");
    }

    @Arbiter
    public void check(I_Result r) {
      node.onMarker("b", 1);
      LocalSnapshot<String, String> local = reported;
      r.r1 = local == null ? -1 : local.incoming().get("b").size();
    }
  }
}
