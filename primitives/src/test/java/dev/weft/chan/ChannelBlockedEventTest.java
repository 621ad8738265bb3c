package dev.weft.chan;

import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.time.Duration;
import jdk.jfr.Recording;
import org.junit.jupiter.api.Test;

/** The emission site of {@code dev.weft.ChannelBlocked}: timed only where a recording wants it. */
class ChannelBlockedEventTest {
  @Test
  void aWaitIsNotTimedWhileNoRunningRecordingWantsTheEvent() {
    try (Recording recording = new Recording()) {
      recording.disable(ChannelBlockedEvent.NAME);
      recording.start();
      // the shared instance that is never begun, so no clock is read
      assertSame(ChannelBlockedEvent.start(), ChannelBlockedEvent.start());
      recording.enable(ChannelBlockedEvent.NAME).withThreshold(Duration.ZERO);
      ChannelBlockedEvent timed = ChannelBlockedEvent.start();
      assertNotSame(ChannelBlockedEvent.start(), timed, "each wait times its own event");
      timed.finish(1, 0, "send");
    }
  }
}
