package dev.weft.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The channel report reads JMH's JSON and Go's output and writes the table and charts. */
class ChannelReportTest {
  private static String row(String bench, String impl, String kind, String cap, double score) {
    return "{\"benchmark\":\"dev.weft.bench.chan."
        + bench
        + "\",\"forks\":1,\"warmupIterations\":1,\"warmupTime\":\"1 s\","
        + "\"measurementIterations\":1,\"measurementTime\":\"1 s\",\"jdkVersion\":\"25\","
        + "\"vmName\":\"VM\",\"vmVersion\":\"1\",\"params\":{\"impl\":\""
        + impl
        + "\",\"kind\":\""
        + kind
        + "\",\"capacity\":\""
        + cap
        + "\"},\"primaryMetric\":{\"score\":"
        + score
        + ",\"scoreError\":1.0,\"scoreUnit\":\"ns/op\"}}";
  }

  @Test
  void tableHasFiguresAndRatios(@TempDir Path dir) throws IOException {
    Path json = dir.resolve("r.json");
    Files.writeString(
        json,
        "["
            + row("ChannelBench.oneToOne", "weft", "platform", "16", 20.0)
            + ","
            + row("ChannelBench.oneToOne", "jox", "platform", "16", 200.0)
            + ","
            + row("ChannelBench.oneToOne", "jdk", "platform", "0", 999.0)
            + "]",
        StandardCharsets.UTF_8);
    Path go = dir.resolve("go.txt");
    Files.writeString(
        go,
        "goos: linux\nBenchmarkSPSC_Buf16-2   \t17845776\t        66.00 ns/op\nPASS\n",
        StandardCharsets.UTF_8);
    Path out = dir.resolve("out");
    ChannelReport.main(new String[] {json.toString(), go.toString(), out.toString()});
    String md = Files.readString(out.resolve("README.md"), StandardCharsets.UTF_8);
    assertTrue(md.contains("| buffered 16, 1:1 | 20.0 | 200.0 |  |  | 66.0 | 10.00 |  |"), md);
    assertTrue(Files.readString(out.resolve("channels-platform.svg")).contains("<svg"));
    assertEquals(66.0, ChannelReport.goFigures(go).get("BenchmarkSPSC_Buf16"));
  }
}
