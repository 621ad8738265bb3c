package dev.weft.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SnapshotCollectorTest {
  private static LocalSnapshot<Integer, String> local(
      long id, String process, int state, Map<String, List<String>> incoming) {
    return new LocalSnapshot<>(id, process, state, incoming);
  }

  @Test
  void aGlobalSnapshotIsCompleteOnceEveryProcessReported() {
    List<GlobalSnapshot<Integer, String>> completed = new ArrayList<>();
    SnapshotCollector<Integer, String> collector =
        new SnapshotCollector<>(List.of("a", "b"), completed::add);
    collector.add(local(1, "a", 10, Map.of("b", List.of("x"))));
    collector.add(local(2, "b", 21, Map.of("a", List.of())));
    assertEquals(Optional.empty(), collector.complete(1));
    assertEquals(Set.of(1L, 2L), collector.incomplete());
    assertEquals(Set.of("b"), collector.missing(1));
    assertTrue(completed.isEmpty());
    collector.add(local(1, "b", 20, Map.of("a", List.of("y", "z"))));
    GlobalSnapshot<Integer, String> expected =
        new GlobalSnapshot<>(
            1,
            Map.of("a", 10, "b", 20),
            Map.of(
                new ChannelId("b", "a"), List.of("x"), new ChannelId("a", "b"), List.of("y", "z")));
    assertEquals(Optional.of(expected), collector.complete(1));
    assertEquals(List.of(expected), completed);
    assertEquals(Set.of(), collector.missing(1));
    assertEquals(Set.of(2L), collector.incomplete());
  }

  @Test
  void duplicateAndUnknownReportsAreRejected() {
    SnapshotCollector<Integer, String> collector = new SnapshotCollector<>(List.of("a", "b"));
    collector.add(local(1, "a", 1, Map.of("b", List.of())));
    assertThrows(
        IllegalStateException.class, () -> collector.add(local(1, "a", 2, Map.of("b", List.of()))));
    assertThrows(
        IllegalArgumentException.class,
        () -> collector.add(local(1, "z", 2, Map.of("a", List.of()))));
    assertThrows(
        IllegalArgumentException.class,
        () -> collector.add(local(1, "b", 2, Map.of("z", List.of()))));
    collector.add(local(1, "b", 2, Map.of("a", List.of())));
    assertThrows(
        IllegalStateException.class,
        () -> collector.add(local(1, "b", 2, Map.of("a", List.of()))),
        "reported after completion");
    assertEquals(Map.of("a", 1, "b", 2), collector.complete(1).orElseThrow().states());
  }

  @Test
  void removeReleasesASnapshot() {
    SnapshotCollector<Integer, String> collector = new SnapshotCollector<>(List.of("a"));
    collector.add(local(1, "a", 1, Map.of()));
    assertTrue(collector.remove(1).isPresent());
    assertEquals(Optional.empty(), collector.complete(1));
    assertEquals(Optional.empty(), collector.remove(1));
    SnapshotCollector<Integer, String> two = new SnapshotCollector<>(List.of("a", "b"));
    two.add(local(3, "a", 1, Map.of()));
    assertEquals(Optional.empty(), two.remove(3));
    assertEquals(Set.of(), two.incomplete());
  }

  @Test
  void theProcessesMustBeDistinctAndSome() {
    assertThrows(IllegalArgumentException.class, () -> new SnapshotCollector<>(List.of()));
    assertThrows(IllegalArgumentException.class, () -> new SnapshotCollector<>(List.of("a", "a")));
    assertThrows(NullPointerException.class, () -> new SnapshotCollector<>(null));
  }
}
