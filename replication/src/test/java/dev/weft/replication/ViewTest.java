package dev.weft.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class ViewTest {
  @Test
  void aChainViewNamesNeighbours() {
    View v = new View(4, List.of("a", "b", "c"), "d");
    assertEquals("a", v.first());
    assertEquals("c", v.last());
    assertNull(v.predecessor("a"));
    assertEquals("a", v.predecessor("b"));
    assertEquals("c", v.predecessor("d"), "the joiner follows the tail");
    assertEquals("d", v.successor("c"));
    assertNull(v.successor("d"));
    assertNull(v.successor("stranger"));
    assertEquals("b", v.backup());
  }

  @Test
  void encodingRoundTrips() {
    for (View v :
        List.of(
            View.of(1, List.of("p")),
            View.of(7, List.of("p", "b")),
            new View(3, List.of("x"), "y"))) {
      assertEquals(v, View.decode(v.number(), v.encode()));
    }
  }

  @Test
  void badViewsAndBadBytesAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> View.of(0, List.of("a")));
    assertThrows(IllegalArgumentException.class, () -> View.of(1, List.of()));
    assertThrows(IllegalArgumentException.class, () -> View.of(1, List.of("a", "a")));
    assertThrows(IllegalArgumentException.class, () -> new View(1, List.of("a"), "a"));
    assertThrows(NullPointerException.class, () -> View.of(1, null));
    byte[] good = View.of(1, List.of("a", "b")).encode();
    for (int cut = 0; cut < good.length; cut++) {
      byte[] truncated = java.util.Arrays.copyOf(good, cut);
      assertThrows(IllegalArgumentException.class, () -> View.decode(1, truncated));
    }
    byte[] longer = java.util.Arrays.copyOf(good, good.length + 1);
    assertThrows(IllegalArgumentException.class, () -> View.decode(1, longer));
  }
}
