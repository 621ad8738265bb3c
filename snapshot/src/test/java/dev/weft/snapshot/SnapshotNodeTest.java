package dev.weft.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The rules of Chandy and Lamport (ACM TOCS 1985, section 3) at one node, and what the node does
 * with inputs the algorithm never produces.
 */
class SnapshotNodeTest {
  /** Node "b" with incoming channels from a and c and outgoing ones to a and c. */
  private static final class Fixture {
    final List<String> markers = new ArrayList<>();
    final List<LocalSnapshot<String, String>> locals = new ArrayList<>();
    final AtomicInteger recordings = new AtomicInteger();
    String state = "s0";
    final SnapshotNode<String, String> node;

    Fixture() {
      this(List.of("a", "c"), List.of("a", "c"), SnapshotNode.DEFAULT_RETAINED_IDS);
    }

    Fixture(List<String> in, List<String> out, int retained) {
      Supplier<String> states =
          () -> {
            recordings.incrementAndGet();
            return state;
          };
      node =
          new SnapshotNode<>(
              "b", in, out, states, (to, id) -> markers.add(to + ":" + id), locals::add, retained);
    }

    LocalSnapshot<String, String> onlyLocal() {
      assertEquals(1, locals.size(), "local snapshots " + locals);
      return locals.get(0);
    }
  }

  @Test
  void anInitiatorRecordsSendsMarkersAndCompletesWhenAllMarkersArrive() {
    Fixture f = new Fixture();
    f.node.onMessage("a", "before"); // applied before the snapshot: part of the state
    f.state = "s1";
    f.node.startSnapshot(7);
    assertEquals(List.of("a:7", "c:7"), f.markers); // marker-sending rule
    assertEquals(1, f.recordings.get());
    f.node.onMessage("a", "m1");
    f.node.onMessage("c", "m2");
    f.node.onMarker("a", 7);
    f.node.onMessage("a", "after-marker"); // channel a is closed for snapshot 7
    f.node.onMessage("c", "m3");
    assertTrue(f.locals.isEmpty());
    f.node.onMarker("c", 7);
    LocalSnapshot<String, String> local = f.onlyLocal();
    assertEquals(
        new LocalSnapshot<>(7, "b", "s1", Map.of("a", List.of("m1"), "c", List.of("m2", "m3"))),
        local);
    assertEquals(List.of("a", "c"), List.copyOf(local.incoming().keySet()), "channel order kept");
    assertEquals(Set.of(), f.node.inFlight());
  }

  @Test
  void theFirstMarkerRecordsTheStateAndItsChannelIsEmpty() {
    Fixture f = new Fixture();
    f.node.onMarker("c", 3); // marker-receiving rule, first marker
    assertEquals(List.of("a:3", "c:3"), f.markers);
    assertEquals(List.of("a"), f.node.stillRecording(3));
    f.node.onMessage("c", "after-marker");
    f.node.onMessage("a", "in-flight");
    f.node.onMarker("a", 3);
    assertEquals(
        new LocalSnapshot<>(3, "b", "s0", Map.of("a", List.of("in-flight"), "c", List.of())),
        f.onlyLocal());
  }

  @Test
  void aSingleIncomingChannelCompletesOnTheFirstMarkerAfterSendingMarkers() {
    List<String> events = new ArrayList<>();
    SnapshotNode<String, String> node =
        new SnapshotNode<>(
            "b",
            List.of("a"),
            List.of("c"),
            () -> "s",
            (to, id) -> events.add("marker to " + to),
            local -> events.add("local " + local.snapshotId()));
    node.onMarker("a", 1);
    assertEquals(List.of("marker to c", "local 1"), events);
  }

  @Test
  void aProcessWithoutIncomingChannelsCompletesWhenItInitiates() {
    List<String> events = new ArrayList<>();
    SnapshotNode<String, String> node =
        new SnapshotNode<>(
            "source",
            List.of(),
            List.of("x", "y"),
            () -> "s",
            (to, id) -> events.add("marker to " + to),
            local -> events.add("local " + local.incoming()));
    node.startSnapshot(1);
    assertEquals(List.of("marker to x", "marker to y", "local {}"), events);
  }

  @Test
  void concurrentSnapshotsRecordIndependently() {
    Fixture f = new Fixture();
    f.node.startSnapshot(1);
    f.node.onMessage("a", "m1"); // recorded by 1 only
    f.state = "s-later";
    f.node.onMarker("c", 2); // 2 records now; c is empty for 2
    f.node.onMessage("a", "m2"); // recorded by 1 and 2
    f.node.onMessage("c", "m3"); // recorded by 1 only: c's marker for 2 already came
    f.node.onMarker("a", 1);
    f.node.onMessage("a", "m4"); // recorded by 2 only
    f.node.onMarker("c", 1);
    f.node.onMarker("a", 2);
    assertEquals(2, f.locals.size());
    assertEquals(
        new LocalSnapshot<>(1, "b", "s0", Map.of("a", List.of("m1", "m2"), "c", List.of("m3"))),
        f.locals.get(0));
    assertEquals(
        new LocalSnapshot<>(2, "b", "s-later", Map.of("a", List.of("m2", "m4"), "c", List.of())),
        f.locals.get(1));
    assertEquals(2, f.recordings.get());
    assertEquals(List.of("a:1", "c:1", "a:2", "c:2"), f.markers);
  }

  @Test
  void startingAnIdAlreadyRecordedIsIgnored() {
    Fixture f = new Fixture();
    f.node.onMarker("a", 5);
    f.node.startSnapshot(5); // a second initiator of the same snapshot
    f.node.startSnapshot(5);
    assertEquals(1, f.recordings.get());
    assertEquals(List.of("a:5", "c:5"), f.markers);
    f.node.onMarker("c", 5);
    f.node.startSnapshot(5); // completed here: still the same snapshot
    assertEquals(1, f.recordings.get());
    assertEquals(1, f.locals.size());
  }

  @Test
  void markersAndMessagesFromUnknownChannelsAreRejectedAndChangeNothing() {
    Fixture f = new Fixture();
    f.node.startSnapshot(1);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> f.node.onMarker("z", 1));
    assertTrue(e.getMessage().contains("no channel z->b"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> f.node.onMarker("z", 2));
    assertThrows(IllegalArgumentException.class, () -> f.node.onMessage("z", "m"));
    assertThrows(IllegalArgumentException.class, () -> f.node.onMarker("b", 1), "no self-loop");
    assertEquals(Set.of(1L), f.node.inFlight());
    assertEquals(List.of("a", "c"), f.node.stillRecording(1));
    f.node.onMarker("a", 1);
    f.node.onMarker("c", 1);
    assertEquals(Map.of("a", List.of(), "c", List.of()), f.onlyLocal().incoming());
    assertEquals(1, f.recordings.get());
  }

  @Test
  void aDuplicateMarkerInFlightIsRejectedAndCorruptsNothing() {
    Fixture f = new Fixture();
    f.node.onMarker("a", 1);
    f.node.startSnapshot(2);
    f.node.onMessage("c", "m1");
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> f.node.onMarker("a", 1));
    assertTrue(e.getMessage().contains("duplicate marker of snapshot 1 on a->b"), e.getMessage());
    assertEquals(List.of("c"), f.node.stillRecording(1));
    assertEquals(List.of("a", "c"), f.node.stillRecording(2));
    f.node.onMessage("c", "m2");
    f.node.onMarker("c", 1);
    f.node.onMarker("a", 2);
    f.node.onMarker("c", 2);
    assertEquals(
        List.of(
            new LocalSnapshot<>(1, "b", "s0", Map.of("a", List.of(), "c", List.of("m1", "m2"))),
            new LocalSnapshot<>(2, "b", "s0", Map.of("a", List.of(), "c", List.of("m1", "m2")))),
        f.locals);
  }

  @Test
  void aMarkerForACompletedIdIsRejected() {
    Fixture f = new Fixture();
    f.node.onMarker("a", 1);
    f.node.onMarker("c", 1);
    f.node.startSnapshot(2);
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> f.node.onMarker("a", 1));
    assertTrue(e.getMessage().contains("already completed"), e.getMessage());
    assertEquals(2, f.recordings.get(), "1 and 2 recorded once each");
    assertEquals(List.of("a", "c"), f.node.stillRecording(2), "snapshot 2 untouched");
    assertEquals(1, f.locals.size());
  }

  @Test
  void anAbandonedSnapshotIsReleasedAndItsLateMarkersIgnored() {
    Fixture f = new Fixture();
    f.node.onMarker("a", 1);
    f.node.onMessage("c", "m1");
    assertTrue(f.node.abandon(1));
    assertFalse(f.node.abandon(1));
    assertFalse(f.node.abandon(99), "never recorded");
    assertEquals(Set.of(), f.node.inFlight());
    assertNull(f.node.stillRecording(1));
    f.node.onMarker("c", 1); // late marker of the abandoned snapshot
    f.node.onMarker("a", 1);
    f.node.startSnapshot(1);
    assertEquals(List.of(), f.locals);
    assertEquals(1, f.recordings.get());
  }

  @Test
  void finishedIdsAreRememberedUpToTheBound() {
    Fixture f = new Fixture(List.of("a"), List.of(), 3);
    for (long id = 1; id <= 10; id++) {
      f.node.onMarker("a", id);
    }
    assertEquals(10, f.locals.size());
    assertEquals(3, f.node.retainedIds(), "only the last 3 kept");
    assertThrows(IllegalStateException.class, () -> f.node.onMarker("a", 10));
    assertThrows(IllegalStateException.class, () -> f.node.onMarker("a", 8));
    // Documented: an id that has been forgotten is taken for a new snapshot.
    f.node.onMarker("a", 1);
    assertEquals(11, f.locals.size());
    assertEquals(3, f.node.retainedIds());
  }

  @Test
  void aFailingStateSupplierRecordsNothing() {
    AtomicInteger calls = new AtomicInteger();
    List<String> markers = new ArrayList<>();
    SnapshotNode<String, String> node =
        new SnapshotNode<>(
            "b",
            List.of("a"),
            List.of("a"),
            () -> {
              if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("state unavailable");
              }
              return calls.get() == 2 ? null : "s";
            },
            (to, id) -> markers.add(to),
            local -> {});
    assertThrows(IllegalStateException.class, () -> node.startSnapshot(1));
    assertThrows(NullPointerException.class, () -> node.startSnapshot(1));
    assertEquals(Set.of(), node.inFlight());
    assertEquals(List.of(), markers);
    node.startSnapshot(1);
    assertEquals(Set.of(1L), node.inFlight());
    assertEquals(List.of("a"), markers);
  }

  @Test
  void aFailingMarkerSenderLeavesTheStateRecordedAndStillReportsCompletion() {
    List<LocalSnapshot<String, String>> locals = new ArrayList<>();
    SnapshotNode<String, String> node =
        new SnapshotNode<>(
            "b",
            List.of("a"),
            List.of("a", "c"),
            () -> "s",
            (to, id) -> {
              throw new IllegalStateException("link to " + to + " down");
            },
            locals::add);
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> node.onMarker("a", 4));
    assertEquals("link to a down", e.getMessage());
    assertEquals(1, locals.size(), "the local snapshot completed and was reported");
    assertThrows(IllegalStateException.class, () -> node.startSnapshot(5));
    assertEquals(Set.of(5L), node.inFlight(), "the state stays recorded");
  }

  @Test
  void aFailingListenerPropagatesAfterTheBookkeepingIsReleased() {
    SnapshotNode<String, String> node =
        new SnapshotNode<>(
            "b",
            List.of("a"),
            List.of(),
            () -> "s",
            (to, id) -> {},
            local -> {
              throw new IllegalStateException("listener");
            });
    assertThrows(IllegalStateException.class, () -> node.onMarker("a", 1));
    assertEquals(Set.of(), node.inFlight());
    assertThrows(IllegalStateException.class, () -> node.onMarker("a", 1), "completed");
  }

  @Test
  void completedSnapshotsReleaseTheirRecordings() {
    Fixture f = new Fixture();
    for (long id = 0; id < 1_000; id++) {
      f.node.startSnapshot(id);
      f.node.onMessage("a", "m" + id);
      f.node.onMarker("a", id);
      f.node.onMarker("c", id);
    }
    assertEquals(Set.of(), f.node.inFlight());
    assertEquals(1_000, f.locals.size());
    assertEquals(List.of("m999"), f.locals.get(999).incoming().get("a"));
  }

  @Test
  void theConstructorChecksItsArguments() {
    Supplier<String> state = () -> "s";
    MarkerSender markers = (to, id) -> {};
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new SnapshotNode<String, String>(
                "b", List.of("a", "a"), List.of(), state, markers, l -> {}));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new SnapshotNode<String, String>(
                "b", List.of(), List.of("c", "c"), state, markers, l -> {}));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new SnapshotNode<String, String>(
                "b", List.of(), List.of(), state, markers, l -> {}, 0));
    assertThrows(
        NullPointerException.class,
        () ->
            new SnapshotNode<String, String>(null, List.of(), List.of(), state, markers, l -> {}));
    assertThrows(
        NullPointerException.class,
        () -> new SnapshotNode<String, String>("b", List.of(), List.of(), null, markers, l -> {}));
    SnapshotNode<String, String> node =
        new SnapshotNode<>("b", List.of("a"), List.of("c"), state, markers, l -> {});
    assertThrows(NullPointerException.class, () -> node.onMessage("a", null));
    assertThrows(NullPointerException.class, () -> node.onMarker(null, 1));
    assertEquals("b", node.self());
    assertEquals(List.of("a"), node.incoming());
    assertEquals(List.of("c"), node.outgoing());
  }

  @Test
  void theLocalSnapshotIsACopy() {
    Fixture f = new Fixture(List.of("a"), List.of(), 10);
    f.node.startSnapshot(1);
    f.node.onMessage("a", "m");
    f.node.onMarker("a", 1);
    LocalSnapshot<String, String> local = f.onlyLocal();
    assertThrows(UnsupportedOperationException.class, () -> local.incoming().get("a").add("x"));
    assertThrows(UnsupportedOperationException.class, () -> local.incoming().clear());
    assertSame("s0", local.state());
  }
}
