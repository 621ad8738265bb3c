package dev.weft.bench.locks.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
  @Test
  void readsEveryKindOfValue() {
    Object v =
        Json.parse(
            " {\"a\": [1, -2.5e3, true, false, null], \"b\": {\"c\": \"x\\\"y\\\\z\\n\\u00e9\"},"
                + " \"e\": []} ");
    Map<?, ?> m = (Map<?, ?>) v;
    assertEquals(List.of(1.0, -2500.0, true, false), ((List<?>) m.get("a")).subList(0, 4));
    assertEquals(null, ((List<?>) m.get("a")).get(4));
    assertEquals("x\"y\\z\né", ((Map<?, ?>) m.get("b")).get("c"));
    assertEquals(List.of(), m.get("e"));
  }

  @Test
  void jmhWritesMissingNumbersAsNaNStrings() {
    assertTrue(Double.isNaN(Json.number("NaN")));
    assertEquals(2.5, Json.number(2.5));
    assertThrows(IllegalArgumentException.class, () -> Json.number(true));
  }

  @Test
  void rejectsBrokenJsonWithItsOffset() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Json.parse("[1, 2"));
    assertTrue(e.getMessage().contains("offset"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Json.parse("{\"a\" 1}"));
    assertThrows(IllegalArgumentException.class, () -> Json.parse("[1] x"));
    assertThrows(IllegalArgumentException.class, () -> Json.parse("\"\\q\""));
  }
}
