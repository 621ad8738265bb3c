package dev.weft.bench;

import jdk.jfr.Recording;

/**
 * A JDK Flight Recorder recording for the events-cost benchmarks, by mode: {@code removed} (no
 * recording, and weft's emission sites switched off with {@code -Ddev.weft.jfr=false}, set before
 * the first event class initialises, so the JIT folds them away: the code as if it had no events),
 * {@code none} (no recording: weft's event code is never instrumented, as in production without
 * JFR), {@code weft-off} (a recording of the JDK's default events with weft's disabled: the event
 * classes are instrumented and each emission site checks and finds them off) and {@code weft-on}
 * (the same with weft's events enabled at their default thresholds).
 */
public final class FlightRecording implements AutoCloseable {
  /** weft's event names. */
  static final String[] WEFT_EVENTS = {
    "dev.weft.ChannelBlocked",
    "dev.weft.LockWait",
    "dev.weft.RaftElection",
    "dev.weft.RaftLeaderChange",
    "dev.weft.RaftCommitBatch",
    "dev.weft.StorageFsync",
    "dev.weft.RaftSnapshot",
    "dev.weft.RaftInstallSnapshot",
    "dev.weft.ChandyLamportStarted",
    "dev.weft.ChandyLamportFinished"
  };

  private final Recording recording;

  private FlightRecording(Recording recording) {
    this.recording = recording;
  }

  /**
   * Starts a recording for {@code mode}.
   *
   * @param mode removed, none, weft-off or weft-on
   * @return the recording, to close after the trial
   * @throws Exception if the JDK's default configuration cannot be read
   */
  public static FlightRecording start(String mode) throws Exception {
    if (mode.equals("none")) {
      return new FlightRecording(null);
    }
    if (mode.equals("removed")) {
      // read once, when the first event class initialises: the trial's setup runs before that
      System.setProperty("dev.weft.jfr", "false");
      return new FlightRecording(null);
    }
    Recording r = new Recording(jdk.jfr.Configuration.getConfiguration("default"));
    for (String name : WEFT_EVENTS) {
      if (mode.equals("weft-on")) {
        r.enable(name);
      } else if (mode.equals("weft-off")) {
        r.disable(name);
      } else {
        throw new IllegalArgumentException("unknown recording mode: " + mode);
      }
    }
    r.setToDisk(false);
    r.start();
    return new FlightRecording(r);
  }

  @Override
  public void close() {
    if (recording != null) {
      recording.close();
    }
  }
}
