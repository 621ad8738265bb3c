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

  private static String plain(String bench, double score) {
    return "{\"benchmark\":\"dev.weft.bench.chan."
        + bench
        + "\",\"forks\":1,\"jdkVersion\":\"25\",\"vmName\":\"VM\",\"vmVersion\":\"1\","
        + "\"primaryMetric\":{\"score\":"
        + score
        + ",\"scoreUnit\":\"ns/op\"}}";
  }

  @Test
  void tableHasFiguresRatiosQueuesAndTargets(@TempDir Path dir) throws IOException {
    Path json = dir.resolve("r.json");
    Files.writeString(
        json,
        "["
            + String.join(
                ",",
                row("ChannelBench.oneToOne", "weft", "platform", "16", 20.0),
                row("ChannelBench.oneToOne", "jox", "platform", "16", 200.0),
                row("ChannelBench.oneToOne", "jdk", "platform", "0", 999.0),
                row("ChannelBench.Queues.oneToOne", "jctools-spsc-park", "platform", "16", 30.0),
                row("ChannelBench.Queues.oneToOne", "agrona-spsc-park", "platform", "16", 25.0),
                row("ChannelBench.Queues.oneToOne", "agrona-spsc-spin", "platform", "16", 10.0),
                row("ChannelBench.Queues.oneToOne", "agrona-spsc-park", "platform", "1024", 5.0),
                row("ChannelBench.oneToOne", "weft", "virtual", "16", 100.0),
                row("ChannelBench.oneToOne", "jox", "virtual", "16", 150.0),
                plain("TickerBench.weftTickerStartStop", 110.0),
                plain("TickerBench.jdkFixedRateStartCancel", 100.0))
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
    // The fastest parking and spinning queues are named, and only the parking one is the target.
    assertTrue(
        md.contains(
            "| buffered 16, 1:1 | 20.0 | 200.0 |  |  | 25.0 agrona-spsc-park | 10.0 agrona-spsc-spin"
                + " | 66.0 | 10.00 |  | 1.25 | 0.30 |"),
        md);
    assertTrue(md.contains("| buffered 16, 1:1, platform: best parking queue"), md);
    assertTrue(md.contains("| 1.25 | at least 1 | yes |"), md);
    assertTrue(
        md.contains("| buffered 16 1:1, virtual: Jox / weft | 1.50 | at least 2 | **no** |"), md);
    assertTrue(
        md.contains("| buffered 16, 1:1, virtual: weft / Go | 1.52 | at most 1.5 | **no** |"));
    assertTrue(md.contains("| 110.0 | 100.0 | 1.10 |"), md);
    assertTrue(
        md.contains("ScheduledThreadPoolExecutor schedule + cancel | 1.10 | at most 1.2 | yes"));
    assertTrue(
        md.contains("| unbuffered 1:1, platform: Jox / weft |  | at least 10 | not measured"));
    assertTrue(Files.readString(out.resolve("channels-platform.svg")).contains("<svg"));
    assertEquals(66.0, ChannelReport.goFigures(go).get("BenchmarkSPSC_Buf16"));
  }
}
