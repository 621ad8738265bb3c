package dev.weft.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The replication report reads ReplicationBench's JSON and writes the table and the chart. */
class ReplicationReportTest {
  private static String row(
      String scheme, int writes, double ops, double writeCount, double messages) {
    return "{\"benchmark\":\"dev.weft.bench.replication.ReplicationBench.operation\","
        + "\"jvm\":\"/usr/lib/jvm/x/bin/java\",\"vmVersion\":\"25\",\"forks\":1,\"threads\":8,"
        + "\"warmupIterations\":3,\"warmupTime\":\"2 s\",\"measurementIterations\":5,"
        + "\"measurementTime\":\"2 s\",\"params\":{\"scheme\":\""
        + scheme
        + "\",\"writePercent\":\""
        + writes
        + "\"},\"primaryMetric\":{\"score\":"
        + ops
        + ",\"scoreError\":10.0},\"secondaryMetrics\":{\"writes\":{\"score\":"
        + writeCount
        + "},\"messages\":{\"score\":"
        + messages
        + "}}}";
  }

  @Test
  void writesTheTableTheChartAndTheReadmeSection(@TempDir Path dir) throws IOException {
    Path json = dir.resolve("r.json");
    Files.writeString(
        json,
        "["
            + String.join(
                ",",
                // totals over 5 x 2 s: 1,000 ops/s make 10,000 operations
                row("raft", 5, 1000, 500, 40000),
                row("raft", 95, 800, 7600, 30400),
                row("chain-craq", 5, 5000, 2500, 100000),
                row("chain-craq", 95, 900, 8550, 42750))
            + "]",
        StandardCharsets.UTF_8);
    Path readme = dir.resolve("README.md");
    Files.writeString(
        readme, "a\n" + ReplicationReport.START + "\nold\n" + ReplicationReport.END + "\nb\n");
    Path out = dir.resolve("out");
    ReplicationReport.main(
        new String[] {"--readme", readme.toString(), json.toString(), out.toString()});

    String table = Files.readString(out.resolve("README.md"));
    assertTrue(
        table.contains("| Raft key-value | 1,000 ± 10 | 800 ± 10 | 4.0 | 3.8 | 4.0 |"), table);
    assertTrue(
        table.contains("| chain, CRAQ reads | 5,000 ± 10 | 900 ± 10 | 2.0 | 4.8 | 5.0 |"), table);
    assertTrue(table.contains("8 client threads"), table);
    String svg = Files.readString(out.resolve("replication.svg"));
    assertTrue(svg.contains("% writes") && svg.contains("chain, CRAQ reads"), svg);
    String text = Files.readString(readme);
    assertTrue(text.startsWith("a\n" + ReplicationReport.START + "\n| scheme |"), text);
    assertTrue(text.endsWith(ReplicationReport.END + "\nb\n"), text);
    assertEquals(-1, text.indexOf("old"), text);
  }

  @Test
  void refusesAFileThatIsNotTheBenchmarks(@TempDir Path dir) throws IOException {
    Path json = dir.resolve("r.json");
    Files.writeString(json, "[{\"benchmark\":\"x\",\"params\":{}}]", StandardCharsets.UTF_8);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ReplicationReport.main(new String[] {json.toString(), dir.toString()}));
    assertTrue(e.getMessage().contains("not a ReplicationBench result"), e.getMessage());
  }

  @Test
  void refusesAReadmeWithoutItsMarkersBeforeWritingAnything(@TempDir Path dir) throws IOException {
    Path readme = dir.resolve("README.md");
    Files.writeString(readme, "no markers\n");
    Path out = dir.resolve("out");
    assertThrows(
        IllegalArgumentException.class,
        () ->
            ReplicationReport.main(
                new String[] {"--readme", readme.toString(), "missing.json", out.toString()}));
    assertTrue(Files.notExists(out));
  }
}
