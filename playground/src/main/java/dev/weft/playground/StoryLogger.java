package dev.weft.playground;

import java.text.MessageFormat;
import java.util.ResourceBundle;
import java.util.function.LongSupplier;

/**
 * A {@link System.Logger} for a Raft node that writes its INFO and louder lines (role changes,
 * stepping down) into a run's {@link Story}, stamped with virtual time: the page's log is the
 * core's own account of what it did.
 */
final class StoryLogger implements System.Logger {
  private final Story story;
  private final LongSupplier now;

  StoryLogger(Story story, LongSupplier now) {
    this.story = story;
    this.now = now;
  }

  @Override
  public String getName() {
    return "playground";
  }

  @Override
  public boolean isLoggable(Level level) {
    return level.getSeverity() >= Level.INFO.getSeverity();
  }

  @Override
  public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
    if (isLoggable(level)) {
      add(msg + (thrown == null ? "" : ": " + thrown));
    }
  }

  @Override
  public void log(Level level, ResourceBundle bundle, String format, Object... params) {
    if (isLoggable(level)) {
      add(params == null || params.length == 0 ? format : MessageFormat.format(format, params));
    }
  }

  private void add(String line) {
    story.add(now.getAsLong(), line.startsWith("raft ") ? line.substring(5) : line);
  }
}
