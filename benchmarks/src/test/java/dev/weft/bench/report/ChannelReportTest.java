package dev.weft.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The channel report reads JMH's JSON and Go's output and writes the table and charts. */
class ChannelReportTest {
  private static String row(String bench, String impl, String kind, String cap, double score) {
    return result(
        bench,
        impl,
        kind,
        cap,
        "{\"score\":" + score + ",\"scoreError\":1.0,\"scoreUnit\":\"ns/op\"}",
        "");
  }

  /**
   * One JMH result of a channel benchmark with the given parameters, primary metric (a JSON object)
   * and further fields ({@code extra}: "" or a JSON fragment starting with a comma).
   */
  static String result(
      String bench, String impl, String kind, String cap, String primaryMetric, String extra) {
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
        + "\"},\"primaryMetric\":"
        + primaryMetric
        + extra
        + "}";
  }

  private static String plain(String bench, double score) {
    return "{\"benchmark\":\"dev.weft.bench.chan."
        + bench
        + "\",\"forks\":1,\"jdkVersion\":\"25\",\"vmName\":\"VM\",\"vmVersion\":\"1\","
        + "\"primaryMetric\":{\"score\":"
        + score
        + ",\"scoreUnit\":\"ns/op\"}}";
  }

  static Path json(Path dir, String... rows) throws IOException {
    Path json = dir.resolve("r.json");
    Files.writeString(json, "[" + String.join(",", rows) + "]", StandardCharsets.UTF_8);
    return json;
  }

  @Test
  void tableHasFiguresRatiosQueuesAndTargets(@TempDir Path dir) throws IOException {
    Path json =
        json(
            dir,
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
            plain("TickerBench.jdkFixedRateStartCancel", 100.0));
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
    assertEquals(66.0, ChannelReport.means(ChannelReport.goRuns(go)).get("BenchmarkSPSC_Buf16"));
  }

  @Test
  void theReadmeSectionIsRewrittenBetweenItsMarkers(@TempDir Path dir) throws IOException {
    Path json =
        json(
            dir,
            row("ChannelBench.oneToOne", "weft", "virtual", "0", 100.0),
            row("ChannelBench.oneToOne", "jox", "virtual", "0", 160.0),
            row("ChannelBench.oneToOne", "jdk", "virtual", "0", 90.0),
            plain("TickerBench.weftTickerStartStop", 50.0),
            plain("TickerBench.weftTickerStartChannelStop", 80.0),
            plain("TickerBench.jdkFixedRateStartCancel", 200.0));
    Path readme = dir.resolve("README.md");
    Files.writeString(
        readme,
        "before\n" + ChannelReport.START + "\nold table\n" + ChannelReport.END + "\nafter\n",
        StandardCharsets.UTF_8);
    ChannelReport.main(
        new String[] {"--readme", readme.toString(), json.toString(), dir.resolve("o").toString()});
    String text = Files.readString(readme, StandardCharsets.UTF_8);
    assertTrue(text.startsWith("before\n" + ChannelReport.START + "\n"), text);
    assertTrue(text.endsWith(ChannelReport.END + "\nafter\n"), text);
    assertFalse(text.contains("old table"), text);
    assertTrue(
        text.contains("| unbuffered, 1:1 | virtual | 100 | 160 (1.60x) | 90 (0.90x) |  |"), text);
    assertTrue(text.contains("`Ticker.every` + `stop`: 50 ns, with `channel()` 80 ns"), text);
    assertTrue(
        text.contains("- unbuffered 1:1, virtual: SynchronousQueue / weft (0.90, at least 1)"),
        text);
    assertFalse(text.contains("Jox / weft (1.60"), "a target that holds is not listed");
    assertTrue(text.contains("Targets: 2 of the 3 measured hold; these do not:"), text);
    assertTrue(
        text.contains("Not measured in this run: unbuffered 1:1, platform: Jox / weft;"), text);
  }

  @Test
  void theMachinesHandOffFloorIsReportedWhenTheRunMeasuredIt(@TempDir Path dir) throws IOException {
    Path with =
        json(
            dir,
            row("ChannelBench.oneToOne", "weft", "virtual", "0", 100.0),
            plain("CoreLatencyBench.platformRoundTrip", 440.0),
            plain("CoreLatencyBench.virtualRoundTrip", 61.0));
    Path out = dir.resolve("o");
    ChannelReport.main(new String[] {with.toString(), out.toString()});
    String report = Files.readString(out.resolve("README.md"), StandardCharsets.UTF_8);
    assertTrue(
        report.contains("took 440 ns on platform threads and 61 ns on virtual threads"), report);
    Path without = json(dir, row("ChannelBench.oneToOne", "weft", "virtual", "0", 100.0));
    ChannelReport.main(new String[] {without.toString(), out.toString()});
    report = Files.readString(out.resolve("README.md"), StandardCharsets.UTF_8);
    assertFalse(report.contains("CoreLatencyBench"), report);
  }

  @Test
  void aReadmeWithoutOneSectionIsRefusedBeforeAnythingIsWritten(@TempDir Path dir)
      throws IOException {
    Path json = json(dir, row("ChannelBench.oneToOne", "weft", "virtual", "0", 100.0));
    Path out = dir.resolve("o");
    for (String text :
        List.of(
            "no markers\n",
            ChannelReport.END + "\n" + ChannelReport.START + "\n",
            ChannelReport.START + "\n" + ChannelReport.END + "\n" + ChannelReport.END + "\n")) {
      Path readme = dir.resolve("README.md");
      Files.writeString(readme, text, StandardCharsets.UTF_8);
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () ->
                  ChannelReport.main(
                      new String[] {
                        "--readme", readme.toString(), json.toString(), out.toString()
                      }));
      assertTrue(e.getMessage().contains(ChannelReport.START), e.getMessage());
      assertEquals(text, Files.readString(readme, StandardCharsets.UTF_8));
      assertFalse(Files.exists(out), "the report is not written either");
    }
  }

  @Test
  void severalGoRunsAreAveragedAndListed(@TempDir Path dir) throws IOException {
    Path json =
        json(
            dir,
            row("ChannelBench.oneToOne", "weft", "virtual", "16", 100.0),
            row("ChannelBench.oneToOne", "jox", "virtual", "16", 300.0));
    Path go = dir.resolve("go.txt");
    String run = "goos: linux\nBenchmarkSPSC_Buf16-2 \t1000\t %s ns/op\nPASS\nok gobench 1.0s\n";
    Files.writeString(
        go,
        String.format(run, "50.00") + String.format(run, "100.0") + String.format(run, "150.0"),
        StandardCharsets.UTF_8);
    assertEquals(List.of(50.0, 100.0, 150.0), ChannelReport.goRuns(go).get("BenchmarkSPSC_Buf16"));
    assertEquals(100.0, ChannelReport.means(ChannelReport.goRuns(go)).get("BenchmarkSPSC_Buf16"));
    Path out = dir.resolve("out");
    ChannelReport.main(new String[] {json.toString(), go.toString(), out.toString()});
    String md = Files.readString(out.resolve("README.md"), StandardCharsets.UTF_8);
    assertTrue(md.contains("| BenchmarkSPSC_Buf16 | 3 | 100.0 | 50.0 | 150.0 |"), md);
    // weft's 100 ns against Go's mean of 100, not against one run's 50 or 150.
    assertTrue(
        md.contains("| buffered 16, 1:1, virtual: weft / Go | 1.00 | at most 1.5 | yes |"), md);
  }

  @Test
  void aMissingGoBaselineIsNamedWithTheCommandThatMakesIt(@TempDir Path dir) throws IOException {
    Path json = json(dir);
    Path go = dir.resolve("go-baseline.txt");
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                ChannelReport.main(
                    new String[] {json.toString(), go.toString(), dir.resolve("o").toString()}));
    assertTrue(e.getMessage().contains("go-channels/run > " + go), e.getMessage());
  }
}
