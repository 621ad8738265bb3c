package dev.weft.raft;

import java.text.MessageFormat;
import java.util.List;
import java.util.ResourceBundle;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A logger that keeps every line at or above DEBUG, for tests of what the node and the driver log.
 * Thread-safe: a driver logs from its event loop.
 */
public final class RecordingLogger implements System.Logger {
  /**
   * One logged line.
   *
   * @param level its level
   * @param message its text
   * @param thrown the exception logged with it, or null
   */
  public record Line(Level level, String message, Throwable thrown) {}

  /** Every line, in order. */
  public final List<Line> lines = new CopyOnWriteArrayList<>();

  /** Creates a logger that has recorded nothing. */
  public RecordingLogger() {}

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
    lines.add(new Line(level, msg, thrown));
  }

  @Override
  public void log(Level level, ResourceBundle bundle, String format, Object... params) {
    lines.add(
        new Line(level, params == null ? format : MessageFormat.format(format, params), null));
  }

  /**
   * The lines logged at {@code level}.
   *
   * @param level a level
   * @return those lines, in order
   */
  public List<Line> at(Level level) {
    return lines.stream().filter(l -> l.level() == level).toList();
  }
}
