package dev.weft.bench.locks.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** What the reports do with JMH output that is not what they expect: refuse it, saying why. */
class JmhResultTest {
  private static final String ROW =
      """
      {"benchmark": "b.run", "forks": 1, "params": {"threads": "2"},
       "primaryMetric": {"score": %s, "scoreError": %s, "scoreUnit": "ops/us"}}""";

  @Test
  void readsScoresWrittenAsNumbersOrAsStrings() {
    List<JmhResult> rows =
        JmhResult.parse(
            "[" + ROW.formatted("1.5", "\"NaN\"") + "," + ROW.formatted("\"NaN\"", "0.25") + "]");
    assertEquals(1.5, rows.get(0).score());
    assertTrue(Double.isNaN(rows.get(0).error()));
    assertTrue(Double.isNaN(rows.get(1).score()));
    assertEquals(0.25, rows.get(1).error());
    assertEquals("2", rows.get(0).params().get("threads"));
    assertTrue(rows.get(0).settings().startsWith("1 fork(s)"), rows.get(0).settings());
  }

  @Test
  void refusesTextThatIsNotJsonNamingWhere() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> JmhResult.parse("[\n{\"a\" 1}]"));
    assertTrue(e.getMessage().contains("line 2"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> JmhResult.parse("[1, 2"));
  }

  @Test
  void refusesJsonThatIsNotAJmhResultFile() {
    assertThrows(IllegalArgumentException.class, () -> JmhResult.parse(""));
    assertThrows(IllegalArgumentException.class, () -> JmhResult.parse("{}"));
    assertThrows(IllegalArgumentException.class, () -> JmhResult.parse("[1]"));
    assertThrows(IllegalArgumentException.class, () -> JmhResult.parse("[{\"benchmark\": \"b\"}]"));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> JmhResult.parse("[" + ROW.formatted("true", "0") + "]"));
    assertTrue(e.getMessage().contains("score"), e.getMessage());
  }
}
