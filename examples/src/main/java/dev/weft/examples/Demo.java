package dev.weft.examples;

import java.io.PrintStream;

/**
 * The demonstration that the README's second command runs: each part of weft doing its main job, in
 * a few seconds of readable output.
 */
public final class Demo {
  private Demo() {}

  public static void main(String[] args) throws Exception {
    PrintStream out = System.out;
    out.println("weft demonstration, on Java " + Runtime.version().feature());
    out.println();
    SyncDemo.run(out);
    PipelineDemo.run(out);
    ClocksDemo.run(out);
    SnapshotDemo.run(out);
    LocksDemo.run(out);
    RaftDemo.run(out);
    KvDemo.run(out);
    ChainDemo.run(out);
  }

  static void heading(PrintStream out, String title) {
    out.println("== " + title + " " + "=".repeat(Math.max(3, 72 - title.length())));
  }
}
