package dev.weft.sync;

import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.time.Duration;
import jdk.jfr.Recording;
import org.junit.jupiter.api.Test;

/** The emission site of {@code dev.weft.LockWait}: timed only where a recording wants it. */
class LockWaitEventTest {
  @Test
  void aWaitIsNotTimedWhileNoRunningRecordingWantsTheEvent() {
    try (Recording recording = new Recording()) {
      recording.disable(LockWaitEvent.NAME);
      recording.start();
      // the shared instance that is never begun, so no clock is read
      assertSame(LockWaitEvent.start(), LockWaitEvent.start());
      recording.enable(LockWaitEvent.NAME).withThreshold(Duration.ZERO);
      LockWaitEvent timed = LockWaitEvent.start();
      assertNotSame(LockWaitEvent.start(), timed, "each wait times its own event");
      timed.finish("test", "lock", true);
    }
  }
}
