package dev.weft.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.bench.locks.report.JmhResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Iterations are sorted by the placement the profiler measured around them. */
class PlacementsTest {
  /**
   * An unbuffered 1:1 virtual-thread result of {@code impl} whose forks have the given
   * per-iteration scores and probes, or no probes when {@code before} is null.
   */
  static String row(String impl, double[][] scores, double[][] before, double[][] after) {
    String probes =
        before == null
            ? ""
            : ",\"secondaryMetrics\":{\"core.rt.before\":{\"rawData\":"
                + raw(before)
                + "},\"core.rt.after\":{\"rawData\":"
                + raw(after)
                + "}}";
    return ChannelReportTest.result(
        "ChannelBench.oneToOne",
        impl,
        "virtual",
        "0",
        "{\"score\":1.0,\"scoreError\":1.0,\"scoreUnit\":\"ns/op\",\"rawData\":"
            + raw(scores)
            + "}",
        probes);
  }

  /** An unbuffered 1:1 virtual-thread result whose probes before and after each iteration agree. */
  static String oneToOne(String impl, double[][] scores, double[][] probes) {
    return row(impl, scores, probes, probes);
  }

  private static String raw(double[][] v) {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < v.length; i++) {
      sb.append(i == 0 ? "[" : ",[");
      for (int j = 0; j < v[i].length; j++) {
        sb.append(j == 0 ? "" : ",").append(v[i][j]);
      }
      sb.append(']');
    }
    return sb.append(']').toString();
  }

  @Test
  void iterationsAreNearWhenBothProbesAreNearFarWhenBothAreFarAndMixedOtherwise(@TempDir Path dir)
      throws IOException {
    Path json =
        ChannelReportTest.json(
            dir,
            row(
                "weft",
                new double[][] {{100, 110, 120}, {200, 210, 220}},
                new double[][] {{100, 100, 500}, {450, 90, 90}},
                new double[][] {{120, 600, 520}, {460, 95, 480}}),
            oneToOne("jdk", new double[][] {{1, 2, 3}}, null));
    List<Placements.Split> splits = Placements.read(json);
    assertEquals(List.of(100.0, 210.0), splits.get(0).near());
    assertEquals(List.of(120.0, 200.0), splits.get(0).far());
    assertEquals(2, splits.get(0).mixed());
    assertTrue(splits.get(0).probed());
    assertFalse(splits.get(1).probed());
    assertTrue(Placements.probed(splits));
    // Two iterations are too few for a score; the unprobed result has none.
    assertTrue(Double.isNaN(splits.get(0).score(Placements.Placement.FAR)));
    List<JmhResult> rescored =
        Placements.rescored(JmhResult.read(json), splits, Placements.Placement.NEAR);
    assertTrue(Double.isNaN(rescored.get(1).score()));
    assertEquals(2, rescored.size());
    assertTrue(Double.isNaN(rescored.get(0).score()));
  }

  @Test
  void theMeanOfAPlacementNeedsThreeIterations(@TempDir Path dir) throws IOException {
    Path json =
        ChannelReportTest.json(
            dir,
            oneToOne(
                "weft",
                new double[][] {{100, 110, 120, 130}},
                new double[][] {{500, 500, 500, 100}}));
    Placements.Split s = Placements.read(json).get(0);
    assertEquals(110.0, s.score(Placements.Placement.FAR), 1e-9);
    assertTrue(Double.isNaN(s.score(Placements.Placement.NEAR)));
  }

  @Test
  void probesThatDoNotMatchTheIterationsAreRefused(@TempDir Path dir) throws IOException {
    Path json =
        ChannelReportTest.json(
            dir,
            row(
                "weft",
                new double[][] {{100, 110, 120}},
                new double[][] {{500, 500}},
                new double[][] {{500, 500, 500}}));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Placements.read(json));
    assertTrue(e.getMessage().contains("fork 1"), e.getMessage());
  }

  @Test
  void theReportComparesPeersOverIterationsOfOnePlacement(@TempDir Path dir) throws IOException {
    // weft is faster than SynchronousQueue when near and slower when far.
    double[][] probes = {{90, 90, 90, 450, 450, 450}};
    Path json =
        ChannelReportTest.json(
            dir,
            oneToOne("weft", new double[][] {{100, 100, 100, 500, 500, 500}}, probes),
            oneToOne("jdk", new double[][] {{150, 150, 150, 400, 400, 400}}, probes));
    Path readme = dir.resolve("README.md");
    Files.writeString(
        readme, ChannelReport.START + "\nold\n" + ChannelReport.END + "\n", StandardCharsets.UTF_8);
    Path out = dir.resolve("out");
    ChannelReport.main(
        new String[] {"--readme", readme.toString(), json.toString(), out.toString()});
    String md = Files.readString(out.resolve("README.md"), StandardCharsets.UTF_8);
    assertTrue(md.contains("## Targets by placement"), md);
    assertTrue(md.contains("6 iterations were near"), md);
    assertTrue(md.contains("6 far"), md);
    assertTrue(
        md.contains(
            "| unbuffered 1:1, virtual: SynchronousQueue / weft | 1.00 | **0.80** | 1.50 |"
                + " at least 1 |"),
        md);
    String summary = Files.readString(readme, StandardCharsets.UTF_8);
    assertTrue(
        summary.contains(
            "Over far iterations only: 0 of 1 hold; verdicts that differ from all iterations:"
                + " unbuffered 1:1, virtual: SynchronousQueue / weft (misses at 0.80)."),
        summary);
    assertTrue(
        summary.contains(
            "Over near iterations only: 1 of 1 hold, the same verdicts as over all iterations."),
        summary);
  }
}
