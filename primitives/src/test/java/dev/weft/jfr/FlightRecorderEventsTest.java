package dev.weft.jfr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.chan.Channel;
import dev.weft.chan.Select;
import dev.weft.sync.Guard;
import dev.weft.sync.Mutex;
import dev.weft.sync.RWMutex;
import dev.weft.testkit.ThreadKind;
import dev.weft.testkit.Workers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The primitives' JDK Flight Recorder events, read back from a recording file: a wait of about 100
 * ms in each blocking path gives one event with its fields filled in, stack traces are off by
 * default, and an operation that does not wait (or waits less than the threshold) gives none.
 */
class FlightRecorderEventsTest {
  private static final long HOLD_MILLIS = 100;

  @TempDir Path dir;

  @Test
  void eachBlockingPathRecordsOneEventWithItsFields() throws Exception {
    List<RecordedEvent> events =
        record(
            () -> {
              Channel<Integer> unbuffered = Channel.make();
              blockThenRelease(() -> unbuffered.receive(), () -> unbuffered.send(1));
              Channel<Integer> full = Channel.make(1);
              full.send(0);
              blockThenRelease(() -> full.send(1), () -> full.receive());
              Channel<Integer> unlimited = Channel.unlimited();
              blockThenRelease(() -> unlimited.receive(), () -> unlimited.send(1));
              Channel<Integer> a = Channel.make();
              Channel<Integer> b = Channel.make();
              blockThenRelease(
                  () -> Select.select(a.onReceive(v -> v), b.onReceive(v -> v)), () -> b.send(2));

              Mutex mutex = new Mutex("jfr-mutex");
              Guard[] held = {mutex.lock()};
              blockThenRelease(() -> mutex.lock().close(), () -> held[0].close());
              held[0] = mutex.lock();
              try {
                Workers.Body gaveUp =
                    () ->
                        assertTrue(mutex.tryLock(Duration.ofMillis(HOLD_MILLIS)).isEmpty(), "held");
                runOnWorker(gaveUp);
              } finally {
                held[0].close();
              }
              RWMutex rw = new RWMutex("jfr-rw");
              held[0] = rw.writeLock();
              blockThenRelease(() -> rw.readLock().close(), () -> held[0].close());
              held[0] = rw.readLock();
              blockThenRelease(() -> rw.writeLock().close(), () -> held[0].close());

              // Operations that do not wait: no event.
              Channel<Integer> ready = Channel.make(4);
              ready.send(1);
              ready.receive();
              mutex.lock().close();
            });
    Map<String, List<String>> seen = new TreeMap<>();
    for (RecordedEvent e : events) {
      assertTrue(e.getStackTrace() == null, "stack traces are off by default: " + e);
      assertTrue(
          e.getDuration().toMillis() >= 20 && e.getDuration().toMillis() < 10_000,
          "duration " + e.getDuration() + " in " + e);
      String key =
          switch (e.getEventType().getName()) {
            case "dev.weft.ChannelBlocked" ->
                e.getString("operation") + " capacity=" + e.getInt("capacity");
            case "dev.weft.LockWait" ->
                e.getString("lock") + " " + e.getString("mode") + " " + e.getBoolean("acquired");
            default -> throw new AssertionError("unexpected event " + e);
          };
      seen.computeIfAbsent(e.getEventType().getName(), k -> new ArrayList<>()).add(key);
    }
    assertEquals(
        Map.of(
            "dev.weft.ChannelBlocked",
            List.of(
                "receive capacity=0",
                "send capacity=1",
                "receive capacity=" + Integer.MAX_VALUE,
                "select capacity=-1"),
            "dev.weft.LockWait",
            List.of(
                "jfr-mutex lock true",
                "jfr-mutex lock false",
                "jfr-rw read true",
                "jfr-rw write true")),
        seen);
    for (RecordedEvent e : events) {
      if (e.getEventType().getName().equals("dev.weft.ChannelBlocked")) {
        assertTrue(e.getLong("channel") > 0, "a channel's number: " + e);
      }
      assertFalse(e.getThread() == null, "the waiting thread is recorded: " + e);
    }
  }

  @Test
  void stackTracesCanBeSwitchedOn() throws Exception {
    Path file = dir.resolve("stacks.jfr");
    try (Recording recording = new Recording()) {
      recording.enable("dev.weft.ChannelBlocked").withStackTrace();
      recording.start();
      Channel<Integer> c = Channel.make();
      blockThenRelease(() -> c.receive(), () -> c.send(1));
      recording.stop();
      recording.dump(file);
    }
    List<RecordedEvent> events = RecordingFile.readAllEvents(file);
    assertEquals(1, events.size(), events::toString);
    assertFalse(events.get(0).getStackTrace().getFrames().isEmpty());
  }

  /** Runs {@code scenario} under a recording with the events' default settings; returns ours. */
  private List<RecordedEvent> record(Workers.Body scenario) throws Exception {
    Path file = dir.resolve("weft.jfr");
    try (Recording recording = new Recording()) {
      recording.enable("dev.weft.ChannelBlocked");
      recording.enable("dev.weft.LockWait");
      recording.start();
      scenario.run();
      recording.stop();
      recording.dump(file);
    }
    assertTrue(Files.size(file) > 0);
    return readWeftEvents(file);
  }

  private static List<RecordedEvent> readWeftEvents(Path file) throws IOException {
    List<RecordedEvent> out = new ArrayList<>();
    try (RecordingFile in = new RecordingFile(file)) {
      while (in.hasMoreEvents()) {
        RecordedEvent e = in.readEvent();
        if (e.getEventType().getName().startsWith("dev.weft.")) {
          out.add(e);
        }
      }
    }
    out.sort((x, y) -> x.getStartTime().compareTo(y.getStartTime()));
    return out;
  }

  /** Starts {@code block} on a worker, waits until it blocks, holds it there, then releases it. */
  private static void blockThenRelease(Workers.Body block, Workers.Body release) throws Exception {
    try (Workers workers = new Workers(ThreadKind.VIRTUAL)) {
      Thread t = workers.start("blocked", block);
      Workers.awaitBlocked(t);
      Thread.sleep(HOLD_MILLIS);
      release.run();
      workers.joinAll();
    }
  }

  private static void runOnWorker(Workers.Body body) throws Exception {
    try (Workers workers = new Workers(ThreadKind.PLATFORM)) {
      workers.start("worker", body);
      workers.joinAll();
    }
  }
}
