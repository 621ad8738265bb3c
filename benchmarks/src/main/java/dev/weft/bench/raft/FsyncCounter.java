package dev.weft.bench.raft;

import java.time.Duration;
import java.util.concurrent.atomic.LongAdder;
import jdk.jfr.consumer.RecordingStream;

/**
 * Counts every {@code FileChannel.force} in this JVM, whoever calls it, through JDK Flight
 * Recorder's {@code jdk.FileForce} event (JDK 25) with no duration threshold: the same count for
 * weft's FileStorage and for Ratis's segmented log. Events arrive about a second late (JFR's flush
 * interval), so read it over runs of several seconds.
 */
final class FsyncCounter implements AutoCloseable {
  private final LongAdder forces = new LongAdder();
  private final RecordingStream stream = new RecordingStream();

  FsyncCounter() {
    stream.enable("jdk.FileForce").withThreshold(Duration.ZERO).withoutStackTrace();
    stream.onEvent("jdk.FileForce", e -> forces.increment());
    stream.startAsync();
  }

  long count() {
    return forces.sum();
  }

  @Override
  public void close() {
    stream.close();
  }
}
