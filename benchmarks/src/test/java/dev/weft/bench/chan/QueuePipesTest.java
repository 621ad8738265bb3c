package dev.weft.bench.chan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.weft.bench.Batch;
import java.util.concurrent.atomic.AtomicLongArray;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The blocking that the benchmark puts around JCTools' and Agrona's queues loses no value and no
 * wake-up: every value arrives exactly once, and no thread is left parked (a lost wake-up would
 * hang the shape, and the test's timeout fails it).
 */
class QueuePipesTest {
  private static final int PER_PRODUCER = 20_000;

  @ParameterizedTest(name = "{0}, {1} producers and consumers, capacity {2}, {3}")
  @CsvSource({
    "jctools-spsc-spin, 1, 16, platform",
    "jctools-spsc-park, 1, 16, virtual",
    "jctools-mpmc-spin, 1, 16, virtual",
    "jctools-mpmc-park, 1, 1024, platform",
    "agrona-spsc-spin, 1, 16, platform",
    "agrona-spsc-park, 1, 16, virtual",
    "agrona-mpsc-spin, 1, 16, virtual",
    "agrona-mpsc-park, 1, 16, platform",
    "jctools-mpmc-spin, 4, 16, platform",
    "jctools-mpmc-park, 4, 16, virtual",
    "jctools-mpmc-park, 4, 16, platform",
    "agrona-mpmc-spin, 4, 16, virtual",
    "agrona-mpmc-park, 4, 16, platform",
    "agrona-mpmc-park, 4, 16, virtual"
  })
  void everyValueArrivesOnce(String impl, int sides, int capacity, String kind)
      throws InterruptedException {
    Pipe pipe = QueuePipes.create(impl, capacity);
    AtomicLongArray seen = new AtomicLongArray(sides);
    Batch.run(
        kind,
        2 * sides,
        i -> {
          if (i < sides) {
            for (int n = 0; n < PER_PRODUCER; n++) {
              pipe.send(i * PER_PRODUCER + n);
            }
          } else {
            for (int n = 0; n < PER_PRODUCER; n++) {
              int v = pipe.receive();
              seen.addAndGet(v / PER_PRODUCER, v % PER_PRODUCER + 1);
            }
          }
        });
    long perSender = (long) PER_PRODUCER * (PER_PRODUCER + 1) / 2;
    for (int p = 0; p < sides; p++) {
      assertEquals(perSender, seen.get(p), "values of producer " + p);
    }
  }

  @ParameterizedTest
  @CsvSource({"jctools-spsc-wait", "lmax-spsc-spin", "nodash"})
  void unknownNamesAreRejected(String impl) {
    assertThrows(IllegalArgumentException.class, () -> QueuePipes.create(impl, 16));
  }
}
