package dev.weft.raft;

import java.util.ResourceBundle;
import java.util.function.Supplier;

/** A logger that drops everything, for simulations that would otherwise flood the test output. */
public enum QuietLogger implements System.Logger {
  INSTANCE;

  @Override
  public String getName() {
    return "quiet";
  }

  @Override
  public boolean isLoggable(Level level) {
    return false;
  }

  @Override
  public void log(Level level, Supplier<String> msgSupplier) {}

  @Override
  public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {}

  @Override
  public void log(Level level, ResourceBundle bundle, String format, Object... params) {}
}
