package dev.weft.raft;

import java.text.MessageFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.ResourceBundle;

/** A logger that keeps every line at or above DEBUG, for tests of what the node logs. */
final class RecordingLogger implements System.Logger {
  /** One logged line. */
  record Line(Level level, String message) {}

  final List<Line> lines = new ArrayList<>();

  @Override
  public String getName() {
    return "recording";
  }

  @Override
  public boolean isLoggable(Level level) {
    return level.getSeverity() >= Level.DEBUG.getSeverity();
  }

  @Override
  public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
    lines.add(new Line(level, msg));
  }

  @Override
  public void log(Level level, ResourceBundle bundle, String format, Object... params) {
    lines.add(new Line(level, params == null ? format : MessageFormat.format(format, params)));
  }

  List<Line> at(Level level) {
    return lines.stream().filter(l -> l.level() == level).toList();
  }
}
