package dev.weft.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.testkit.ThreadKind;
import dev.weft.testkit.Workers;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * One node fed from several threads at once: one thread per incoming channel (messages, then the
 * marker of each snapshot, in channel order) and one initiator thread starting snapshots. Every
 * snapshot must complete exactly once, record once, send its markers once, and record on each
 * channel exactly a contiguous run of that channel's messages ending at its marker.
 */
class SnapshotNodeThreadsTest {
  private static final int CHANNELS = 4;
  private static final int SNAPSHOTS = 300;

  /** Message number {@code seq} of channel {@code channel}. */
  private record Msg(int channel, int seq) {}

  @ParameterizedTest
  @EnumSource(ThreadKind.class)
  void concurrentCallersCannotBreakTheBookkeeping(ThreadKind kind) throws Exception {
    run(kind, false);
  }

  @ParameterizedTest
  @EnumSource(ThreadKind.class)
  void anApplicationThatSerializesItsStateGetsExactCuts(ThreadKind kind) throws Exception {
    run(kind, true);
  }

  private static void run(ThreadKind kind, boolean serialized) throws Exception {
    long seed = Long.getLong(SeedRunner.SEED_PROPERTY, System.nanoTime());
    List<String> senders = new ArrayList<>();
    for (int i = 0; i < CHANNELS; i++) {
      senders.add("s" + i);
    }
    AtomicIntegerArray delivered = new AtomicIntegerArray(CHANNELS);
    AtomicInteger recordings = new AtomicInteger();
    AtomicInteger markers = new AtomicInteger();
    Map<Long, LocalSnapshot<int[], Msg>> locals = new ConcurrentHashMap<>();
    AtomicInteger duplicates = new AtomicInteger();
    // The application's lock, for the serialized variant: held around applying a message and
    // around every call that can record, as SnapshotNode's Javadoc asks of a threaded process.
    ReentrantLock app = new ReentrantLock();
    SnapshotNode<int[], Msg> node =
        new SnapshotNode<>(
            "x",
            senders,
            List.of("out1", "out2"),
            () -> {
              recordings.incrementAndGet();
              int[] counts = new int[CHANNELS];
              for (int i = 0; i < CHANNELS; i++) {
                counts[i] = delivered.get(i);
              }
              return counts;
            },
            (to, id) -> markers.incrementAndGet(),
            local -> {
              if (locals.putIfAbsent(local.snapshotId(), local) != null) {
                duplicates.incrementAndGet();
              }
            });
    // markerAt[i][id]: how many messages channel i carried before its marker of id.
    int[][] markerAt = new int[CHANNELS][SNAPSHOTS];
    try (Workers workers = new Workers(kind)) {
      workers.startAll(
          "channel",
          CHANNELS,
          i -> {
            Random random = new Random(seed + i);
            int seq = 0;
            for (int id = 0; id < SNAPSHOTS; id++) {
              for (int n = random.nextInt(4); n > 0; n--) {
                Msg m = new Msg(i, seq++);
                lockIf(serialized, app);
                try {
                  node.onMessage("s" + i, m);
                  delivered.incrementAndGet(i);
                } finally {
                  unlockIf(serialized, app);
                }
              }
              markerAt[i][id] = seq;
              lockIf(serialized, app);
              try {
                node.onMarker("s" + i, id);
              } finally {
                unlockIf(serialized, app);
              }
            }
          });
      workers.start(
          "initiator",
          () -> {
            Random random = new Random(seed - 1);
            for (int id = 0; id < SNAPSHOTS; id += 1 + random.nextInt(3)) {
              lockIf(serialized, app);
              try {
                node.startSnapshot(id);
              } finally {
                unlockIf(serialized, app);
              }
            }
          });
    }
    String context =
        "seed " + seed + " (replay with -D" + SeedRunner.SEED_PROPERTY + "=" + seed + ")";
    assertEquals(0, duplicates.get(), context);
    assertEquals(SNAPSHOTS, locals.size(), context);
    assertEquals(SNAPSHOTS, recordings.get(), "one recording per snapshot; " + context);
    assertEquals(2 * SNAPSHOTS, markers.get(), "markers on both outgoing channels; " + context);
    assertTrue(node.inFlight().isEmpty(), context);
    for (long id = 0; id < SNAPSHOTS; id++) {
      LocalSnapshot<int[], Msg> local = locals.get(id);
      for (int i = 0; i < CHANNELS; i++) {
        List<Msg> recorded = local.incoming().get("s" + i);
        int end = markerAt[i][(int) id];
        int start = serialized ? local.state()[i] : end - recorded.size();
        List<Msg> expected = new ArrayList<>();
        for (int seq = start; seq < end; seq++) {
          expected.add(new Msg(i, seq));
        }
        assertEquals(expected, recorded, "snapshot " + id + ", channel s" + i + "; " + context);
      }
    }
  }

  private static void lockIf(boolean serialized, ReentrantLock lock) {
    if (serialized) {
      lock.lock();
    }
  }

  private static void unlockIf(boolean serialized, ReentrantLock lock) {
    if (serialized) {
      lock.unlock();
    }
  }
}
