package dev.weft.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GlobalSnapshotTest {
  private static GlobalSnapshot<Integer, String> sample() {
    Map<String, Integer> states = new HashMap<>(Map.of("c", 3, "a", 1, "b", 2));
    Map<ChannelId, List<String>> channels = new HashMap<>();
    channels.put(new ChannelId("c", "a"), List.of("x"));
    channels.put(new ChannelId("a", "b"), List.of());
    channels.put(new ChannelId("a", "c"), List.of("y", "z"));
    return new GlobalSnapshot<>(9, states, channels);
  }

  @Test
  void mapsAreSortedCopies() {
    GlobalSnapshot<Integer, String> g = sample();
    assertEquals(List.of("a", "b", "c"), List.copyOf(g.states().keySet()));
    assertEquals(
        "[a->b, a->c, c->a]", List.copyOf(g.channels().keySet()).toString(), "ChannelId order");
    assertThrows(UnsupportedOperationException.class, () -> g.states().put("d", 4));
    assertEquals(List.of("y", "z"), g.channel("a", "c"));
    assertEquals(3, g.inFlight());
    assertThrows(IllegalArgumentException.class, () -> g.channel("b", "a"));
  }

  @Test
  void restoreHandsOverStatesThenChannelsInOrder() {
    List<String> calls = new ArrayList<>();
    sample()
        .restore(
            new Restorer<>() {
              @Override
              public void restoreState(String process, Integer state) {
                calls.add(process + "=" + state);
              }

              @Override
              public void restoreChannel(ChannelId channel, List<String> messages) {
                calls.add(channel + " " + messages);
              }
            });
    assertEquals(List.of("a=1", "b=2", "c=3", "a->b []", "a->c [y, z]", "c->a [x]"), calls);
  }

  @Test
  void aChannelMustJoinKnownProcesses() {
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new GlobalSnapshot<Integer, String>(
                1, Map.of("a", 1), Map.of(new ChannelId("a", "z"), List.of())));
    assertThrows(NullPointerException.class, () -> new ChannelId(null, "a"));
  }
}
