package dev.weft.raft.storage;

import java.text.MessageFormat;
import java.util.List;
import java.util.ResourceBundle;
import java.util.concurrent.CopyOnWriteArrayList;

/** A logger that keeps what the storage logs, for tests of its recovery messages. */
final class LogLines implements System.Logger {
  /** One logged line. */
  record Line(Level level, String message) {}

  final List<Line> lines = new CopyOnWriteArrayList<>();

  @Override
  public String getName() {
    return "recording";
  }

  @Override
  public boolean isLoggable(Level level) {
    return true;
  }

  @Override
  public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
    lines.add(new Line(level, msg));
  }

  @Override
  public void log(Level level, ResourceBundle bundle, String format, Object... params) {
    lines.add(new Line(level, params == null ? format : MessageFormat.format(format, params)));
  }

  List<String> at(Level level) {
    return lines.stream().filter(l -> l.level() == level).map(Line::message).toList();
  }
}
